"""Pasted text, stray HTML and all, as tidy lines; and lines as sentences.

Pure functions used by `tracker/drafting.py`. Articles pasted from the web arrive with
fragments of HTML whose angle brackets were mangled on the way (`< b >`, `< / td >`,
`li >`, `<br />`). `text_lines` repairs what it can, keeps the structure drafting needs
(bullets become "- item" lines, table rows "| a | b |" lines, blank lines separate blocks)
and drops the rest.
"""

import html
import re

# Beyond this the text is cut: a pasted article is a few thousand characters.
MAX_TEXT = 200_000


_STRUCTURAL_TAGS = (
    "p", "div", "br", "hr", "li", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody",
    "tfoot", "tr", "td", "th", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "section", "article", "header", "footer",
)  # fmt: skip
_INLINE_TAGS = (
    "a", "b", "i", "u", "em", "strong", "span", "font", "small", "sup", "sub", "abbr", "code",
    "mark", "s",
)  # fmt: skip
_TAG_NAMES = "|".join(sorted(_STRUCTURAL_TAGS + _INLINE_TAGS, key=len, reverse=True))
# "< / td >", "< b >", "< h2 id = "x" >" -> "</td>", "<b>", "<h2 ...>"
_SPACED_TAG_RE = re.compile(rf"<\s*(/?)\s*({_TAG_NAMES})\b([^<>]{{0,200}})>", re.IGNORECASE)
# Tags that lost their "<": "Strategy th >", "li > - item", ": b >Encourage". Cell and row
# tags follow their content (they close it); the others come before it.
_ORPHAN_CLOSE_RE = re.compile(r"(?<![<\w/])(?:td|th|tr|thead|tbody|table)\s*/?\s*>", re.I)
_ORPHAN_OPEN_RE = re.compile(r"(?<![<\w/])(/?)(b|strong|em|p|li|ul|ol|br|span|div)\s*/?\s*>", re.I)
_DROP_RE = re.compile(
    r"<!--.*?(?:-->|$)|<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL
)
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]{0,15})\b[^<>]{0,500}>")
_BULLET_RE = re.compile(r"^(?:(?:[-–—•*·▪●◦‣]|\d{1,2}[.)]|\(\d{1,2}\)|[a-h][.)])(?:\s+|$))+")


def text_lines(text: str) -> list[str]:
    """The text as tidy lines. Blank lines ("") separate blocks."""
    text = text[:MAX_TEXT].replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = _DROP_RE.sub(" ", text)
    text = _SPACED_TAG_RE.sub(lambda m: f"<{m[1]}{m[2].lower()}{m[3].rstrip()}>", text)
    text = _ORPHAN_CLOSE_RE.sub(lambda m: f"</{m[0].rstrip('/> ').lower()}>", text)
    text = _ORPHAN_OPEN_RE.sub(lambda m: f"<{m[1]}{m[2].lower()}>", text)
    writer = _LineWriter()
    position = 0
    for match in _TAG_RE.finditer(text):
        writer.text(text[position : match.start()])
        writer.tag(match[2].lower(), closing=bool(match[1]))
        position = match.end()
    writer.text(text[position:])
    return writer.finish()


class _LineWriter:
    """Turns a stream of text and tags into lines, tables into "| a | b |" rows.

    Outside tables a newline ends a line (pasted text is mostly plain). Inside a table,
    newlines are spaces and a cell ends at its closing tag or at the next cell.
    """

    def __init__(self):
        self.lines: list[str] = []
        self.pending: list[str] = []
        self.row: list[str] | None = None
        self.in_table = False

    def text(self, data: str) -> None:
        data = html.unescape(data)
        if self.in_table:
            self.pending.append(data.replace("\n", " "))
            return
        *complete, rest = data.split("\n")
        for piece in complete:
            self.pending.append(piece)
            self.flush_line(blank=True)
        self.pending.append(rest)

    def tag(self, name: str, *, closing: bool) -> None:
        if name in ("td", "th"):
            self.cell_tag(closing=closing)
        elif name in ("tr", "thead", "tbody", "tfoot"):
            self.in_table = True
            self.end_row()
        elif name == "table":
            self.end_row()
            self.flush_line()
            self.in_table = not closing
            self.blank()
        elif name == "li" and not closing:
            self.flush_line()
            self.pending.append("- ")
        elif name in ("ul", "ol") and closing:
            self.flush_line()
            self.blank()  # the list ends here
        elif name in _STRUCTURAL_TAGS:
            if self.in_table and name.startswith("h"):
                self.end_row()  # a heading after rows: the table ended without </table>
                self.in_table = False
            if not self.in_table:
                self.flush_line()

    def cell_tag(self, *, closing: bool) -> None:
        content = "".join(self.pending).strip()
        if closing or self.in_table or self.row is not None:
            if content or closing:
                self.row = [*(self.row or []), clean_cell(content)]
            self.pending = []
        else:
            self.flush_line()
        self.in_table = True

    def end_row(self) -> None:
        if not self.in_table:
            return
        if "".join(self.pending).strip():
            self.row = [*(self.row or []), clean_cell("".join(self.pending))]
        self.pending = []
        if self.row and any(self.row):
            self.lines.append("| " + " | ".join(self.row) + " |")
        self.row = None

    def flush_line(self, *, blank: bool = False) -> None:
        """End the current line; an empty one counts as a blank line only when `blank`."""
        line = tidy("".join(self.pending))
        self.pending = []
        if _BULLET_RE.match(line):
            item = _BULLET_RE.sub("", line).strip()
            line = f"- {item}" if item and has_words(item) else ""
        if line:
            self.lines.append(line)
        elif blank:
            self.blank()

    def blank(self) -> None:
        if self.lines and self.lines[-1]:
            self.lines.append("")

    def finish(self) -> list[str]:
        self.end_row()
        self.flush_line()
        while self.lines and not self.lines[-1]:
            self.lines.pop()
        return self.lines


def tidy(text: str) -> str:
    """One line of text with its spacing and punctuation leftovers cleaned."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)  # "projects :" -> "projects:"
    text = re.sub(r"([,;:])(?=[A-Za-z])", r"\1 ", text)  # "effectively,Pakistan"
    text = re.sub(r":\s*[,;]+", ":", text)  # "exercises:, focusing" -> "exercises: focusing"
    return text


_LEADING_JUNK_RE = re.compile(r"^[\s.…$\-–—•*·|:;,_~#=+/\\]+")
_TRAILING_JUNK_RE = re.compile(r"[\s$\-–—•*·|:;,_~#=+/\\]+$")


def clean_cell(text: str) -> str:
    """Cell or item text without the dots, dollars and dashes of a broken layout."""
    text = tidy(text).replace("|", "/")
    return _TRAILING_JUNK_RE.sub("", _LEADING_JUNK_RE.sub("", text))


def has_words(text: str) -> bool:
    return re.search(r"[^\W\d_]{2}", text) is not None


def last_sentence(text: str) -> str:
    parts = split_sentences(text)
    return parts[-1] if parts else ""


def split_sentences(text: str) -> list[str]:
    # A missing space after a full stop ("over time.Establishing") still ends a sentence.
    pieces = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“‘(])|(?<=[a-z]{2}[.!?])(?=[A-Z][a-z\s])", text)
    return [piece.strip() for piece in pieces if piece.strip()]
