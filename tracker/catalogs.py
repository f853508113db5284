"""Reading the gettext catalogs in locale/: for the tests that keep them complete and for
`bin/untranslated`. A small reader of the .po format as makemessages writes it (no polib)."""

import re
from dataclasses import dataclass, field
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("fr", "ur")
# How `make messages` extracts: file names without line numbers (a moved line changes no
# catalog, fewer conflicts between branches), nothing kept of a message the code dropped.
MAKEMESSAGES_OPTIONS = (
    "-l fr -l ur -e html,txt,py --add-location=file --no-obsolete"
    " --ignore=tests/* --ignore=bench/* --ignore=docs/* --ignore=bin/* --ignore=var/*"
)

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*)$')


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def is_fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def is_translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def unescape(quoted: str) -> str:
    """The text of one quoted .po string, `"..."`; a malformed one raises ValueError."""
    if len(quoted) < 2 or quoted[0] != '"' or quoted[-1] != '"':
        raise ValueError(f"not a quoted string: {quoted!r}")
    body = quoted[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


def escape(text: str) -> str:
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r") + '"'


def parse_po(text: str) -> list[Entry]:
    """The entries of a .po file, the header included; obsolete (#~) ones are marked so."""
    entries: list[Entry] = []
    entry = Entry()
    started = False  # the current entry has a keyword line
    target: tuple[str, int] | None = None

    def finish():
        nonlocal entry, started, target
        if started:
            entries.append(entry)
        entry, started, target = Entry(), False, None

    for raw in text.split("\n"):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if started:
                finish()
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, quoted = match.groups()
            if keyword == "msgid" and (started and target != ("msgctxt", 0)):
                finish()
            started = True
            entry.obsolete = entry.obsolete or obsolete
            name = "msgstr" if keyword.startswith("msgstr") else keyword
            target = (name, int(index or 0))
            _append(entry, target, unescape(quoted))
        elif line.startswith('"') and target is not None:
            _append(entry, target, unescape(line))
        else:
            raise ValueError(f"unreadable .po line: {raw!r}")
    finish()
    return entries


def _append(entry: Entry, target: tuple[str, int], text: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] = entry.msgstr.get(index, "") + text
    elif name == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + text
    else:
        setattr(entry, name, getattr(entry, name) + text)


def read_catalog(language: str, domain: str = "django", locale_dir: Path = LOCALE_DIR):
    path = locale_dir / language / "LC_MESSAGES" / f"{domain}.po"
    return [e for e in parse_po(path.read_text(encoding="utf-8")) if not e.obsolete]


def untranslated(entries: list[Entry]) -> list[Entry]:
    """The messages a reader would see in English: untranslated, partly translated or fuzzy."""
    return [e for e in entries if not e.is_header and (e.is_fuzzy or not e.is_translated)]
