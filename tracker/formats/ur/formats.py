"""Urdu: Django ships its month names but no formats (it would fall back to "N j, Y").

Digits stay Western (0-9), as Pakistan's official documents and press print them."""

DAY_FORMAT = "j F Y"  # 5 دسمبر 2026: Urdu's month names have no shorter form
LONG_DAY_FORMAT = "j F Y"
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y، H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
