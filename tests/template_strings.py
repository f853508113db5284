"""Finds the words a template shows that are not marked for translation.

Each template is lexed as Django does (django.template.base.Lexer); the text outside
{% translate %} / {% blocktranslate %}, comments, scripts and styles is what a reader sees
untranslated: any letter left there, once the HTML tags are removed, is a finding. The values
of the attributes a reader sees or hears (title, aria-label, placeholder, alt, hx-confirm) are
checked the same way. A {{ variable }} or a {% tag %} counts as marked: the data it shows is
the user's, and the Python that builds it is checked by the catalog test.
"""

import html
import re
from pathlib import Path

from django.template.base import Lexer, TokenType

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

# Text that is the same in every language, each with its reason.
ALLOWED = {
    "CSV": "a file format's name",
    "XLSX": "a file format's name",
    "JSON": "a file format's name",
    "ICS": "a file format's name",
    "YAML": "a file format's name",
    "API": "the name of the interface, the same in every language",
    "PAM": "a score rule's short name (Peace Accords Matrix), kept as RULE_NAMES keeps it",
    "G7": "a score rule's short name (G7/G20 Research Group), kept as RULE_NAMES keeps it",
}

# Marks what a {{ }} or a {% %} put in the text: never a letter, never markup.
HOLE = "\x00"
VISIBLE_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "hx-confirm", "hx-prompt")
_ATTRIBUTE = re.compile(
    r"""\s(""" + "|".join(VISIBLE_ATTRIBUTES) + r""")\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.I
)
_SUBMIT_VALUE = re.compile(
    r"""<input\b(?=[^>]*\btype\s*=\s*["']?(?:submit|button|reset)\b)[^>]*?\svalue\s*=\s*("[^"]*"|'[^']*')""",
    re.I,
)
_HIDDEN = re.compile(r"<(script|style|code)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<![^>]*>")
_LETTER = re.compile(r"[^\W\d_]")
_SHOWN_LITERAL = re.compile(r"""\|(?:default|default_if_none|yesno):(?:"([^"]*)"|'([^']*)')""")
_TRANSLATE_OPEN = ("blocktranslate", "blocktrans")
_TRANSLATE_CLOSE = ("endblocktranslate", "endblocktrans")


def visible_text(source: str) -> str:
    """The template's text with its tags, variables, comments and translated blocks replaced
    by HOLE: what would reach the reader in the template's own language."""
    parts: list[str] = []
    skipping_until: str | None = None
    for token in Lexer(source).tokenize():
        words = token.contents.split()
        name = words[0] if words else ""
        if skipping_until:
            if token.token_type == TokenType.BLOCK and name in skipping_until.split("|"):
                skipping_until = None
            continue
        if token.token_type == TokenType.TEXT:
            parts.append(token.contents)
            continue
        parts.append(HOLE)
        if token.token_type == TokenType.VAR:
            # {{ name|default:"someone" }} shows its literal: it must be _("someone").
            parts.extend(f"{a}{b}{HOLE}" for a, b in _SHOWN_LITERAL.findall(token.contents))
        if token.token_type != TokenType.BLOCK:
            continue
        if name in _TRANSLATE_OPEN:
            skipping_until = "|".join(_TRANSLATE_CLOSE)
        elif name == "comment":
            skipping_until = "endcomment"
        elif name == "verbatim":
            skipping_until = "endverbatim"
    return "".join(parts)


def _has_words(text: str) -> bool:
    text = html.unescape(text.replace(HOLE, " "))
    for allowed in ALLOWED:
        text = re.sub(rf"\b{re.escape(allowed)}\b", " ", text)
    return bool(_LETTER.search(text))


def unmarked_strings(source: str) -> list[str]:
    """Each piece of visible text, or visible attribute, that holds words not marked."""
    text = _HIDDEN.sub(HOLE, visible_text(source))
    findings: list[str] = []
    for tag in _TAG.findall(text):
        for attribute, value in _ATTRIBUTE.findall(tag):
            if _has_words(value.strip("\"'")):
                findings.append(f"{attribute}={value}")
        for value in _SUBMIT_VALUE.findall(tag):
            if _has_words(value.strip("\"'")):
                findings.append(f"value={value}")
    for piece in _TAG.sub(HOLE, text).split(HOLE):
        if _has_words(piece):
            findings.append(" ".join(piece.split()))
    return findings


def template_files() -> list[Path]:
    return sorted(
        p for p in TEMPLATES_DIR.rglob("*") if p.suffix in {".html", ".txt"} and p.is_file()
    )
