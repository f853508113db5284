import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.deconstruct import deconstructible

# Characters that draw nothing or reorder what follows: controls, bidi overrides and
# isolates, zero-width joiners, line and paragraph separators.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def invisible_characters(text: str) -> list[str]:
    """The invisible characters in `text`, as U+XXXX, in order of first appearance."""
    found = dict.fromkeys(
        f"U+{ord(char):04X}" for char in text if unicodedata.category(char) in INVISIBLE_CATEGORIES
    )
    return list(found)


@deconstructible
class WebURLValidator(URLValidator):
    """Links people follow from the app: the web only, never javascript: or data: URLs, and
    nothing invisible in them (U+202E would show `https://‮gnp.exe` as a picture's address)."""

    def __init__(self) -> None:
        super().__init__(schemes=["http", "https"], message="Enter a web address (http or https).")

    def __call__(self, value) -> None:
        hidden = invisible_characters(str(value))
        if hidden:
            raise ValidationError(
                "A web address cannot hold invisible or direction characters (%(found)s).",
                code="invisible",
                params={"found": ", ".join(hidden)},
            )
        super().__call__(value)

    def __eq__(self, other) -> bool:
        return isinstance(other, WebURLValidator)

    def __hash__(self) -> int:
        return hash(WebURLValidator)


web_url = WebURLValidator()
