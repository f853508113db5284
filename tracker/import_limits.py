"""The bounds an import works within (docs/import-format.md, "Limits").

An import file is hostile until read: a megabyte can unzip to gigabytes, nest a hundred
thousand deep or hold a million rows. Every reader checks what it is about to build against
these limits before it builds it, and refuses with `ImportFailed` naming the limit. The
limits are settings; `ImportLimits` carries them with the clock of one import, so that
reading the file and writing it share one time limit.
"""

import time
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings

MB = 1024 * 1024
UPLOAD_MB = 2  # the import page's; see IMPORT_MAX_FILE_MB in settings
# "Imported from NAME" is the reason of a status change, and of its history row, kept
# whole: a name longer than people give files is refused, never shortened.
MAX_FILE_NAME_CHARS = 80
MAX_COLUMNS = 50  # of a spreadsheet's row; the format has 21


class ImportFailed(Exception):
    """The file cannot be imported; `errors` each name the file, the place and the field."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class ImportLimits:
    file_bytes: int
    file_setting: str
    time_limit: int
    time_setting: str
    when_too_slow: str
    unzipped_bytes: int = field(default_factory=lambda: settings.IMPORT_MAX_UNZIPPED_MB * MB)
    rows: int = field(default_factory=lambda: settings.IMPORT_MAX_ROWS)
    cell_chars: int = field(default_factory=lambda: settings.IMPORT_MAX_CELL_CHARS)
    depth: int = field(default_factory=lambda: settings.IMPORT_MAX_DEPTH)
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def for_page(cls) -> "ImportLimits":
        return cls(
            file_bytes=UPLOAD_MB * MB,
            file_setting="the import page's limit",
            time_limit=settings.IMPORT_TIME_LIMIT_SECONDS,
            time_setting="IMPORT_TIME_LIMIT_SECONDS",
            when_too_slow="split the file, or import it with manage.py import_agreements",
        )

    @classmethod
    def for_command(cls) -> "ImportLimits":
        return cls(
            file_bytes=settings.IMPORT_MAX_FILE_MB * MB,
            file_setting="IMPORT_MAX_FILE_MB",
            time_limit=settings.IMPORT_COMMAND_TIME_LIMIT_SECONDS,
            time_setting="IMPORT_COMMAND_TIME_LIMIT_SECONDS",
            when_too_slow="split the file",
        )

    def check_time(self, name: str) -> None:
        if time.monotonic() - self.started > self.time_limit:
            raise ImportFailed(
                [
                    f"{name}: stopped after {self.time_limit} seconds ({self.time_setting}); "
                    f"nothing was imported: {self.when_too_slow}."
                ]
            )

    def check_size(self, name: str, size: int) -> None:
        if size > self.file_bytes:
            raise ImportFailed(
                [
                    f"{name}: the file is larger than {self.file_bytes // MB} MB "
                    f"({self.file_setting}): split it."
                ]
            )

    def too_many_rows(self, name: str, what: str = "rows") -> ImportFailed:
        return ImportFailed(
            [f"{name}: more than {self.rows:,} {what} (IMPORT_MAX_ROWS): split the file."]
        )

    @property
    def too_long_text(self) -> str:
        return (
            f"a text longer than the {self.cell_chars:,} characters allowed (IMPORT_MAX_CELL_CHARS)"
        )

    def too_long(self, name: str, place: str) -> ImportFailed:
        return ImportFailed([f"{name}: {place}: {self.too_long_text}."])

    def too_deep(self, name: str, place: str) -> ImportFailed:
        return ImportFailed(
            [
                f"{name}: {place}: lists and mappings nested more than {self.depth} deep "
                "(IMPORT_MAX_DEPTH); the format needs 7."
            ]
        )


def check_file_name(name: str) -> None:
    """The file's name goes into the history ("Imported from NAME"): it is refused rather
    than shortened or stored with characters the database cannot hold."""
    shown = name.encode("utf-8", "backslashreplace").decode("utf-8")
    if shown != name or any(unicodedata.category(char) == "Cc" for char in name):
        raise ImportFailed(
            [f"{shown!r}: the file name holds a control character or is not UTF-8: rename it."]
        )
    if len(name) > MAX_FILE_NAME_CHARS:
        raise ImportFailed(
            [
                f"{name}: the file name is {len(name)} characters long, more than the "
                f"{MAX_FILE_NAME_CHARS} an imported file's name may have: rename it."
            ]
        )
