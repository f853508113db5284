"""Dates and numbers per language (settings.FORMAT_MODULE_PATH), over Django's own.

Besides Django's names, each language names `DAY_FORMAT` (the `day` filter: tables, lists)
and `LONG_DAY_FORMAT` (`long_day`: a page's facts, an e-mail's date). A language with no
module here gets its `DATE_FORMAT` for both (`templatetags.tracker._day_format`). Numbers in
SVG attributes, CSV, JSON, iCalendar and form values are never localised: they are written
by Python's `str`, not by these formats.
"""
