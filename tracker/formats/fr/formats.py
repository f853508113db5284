"""French beyond Django's own formats (which give DATE_FORMAT "j F Y": 5 décembre 2026)."""

DAY_FORMAT = "j N Y"  # 5 déc. 2026
LONG_DAY_FORMAT = "j F Y"  # 5 décembre 2026
