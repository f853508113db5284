"""HTML written in Python where a template, or `format_html` for each piece, costs more than
the markup it writes (a select's options, a widget's attributes, a badge on every row): the
escaping of Django's `conditional_escape` without the check for lazy arguments that Django
wraps around each call of it."""

from django.utils.safestring import SafeString

# `html.escape`'s replacements (the ampersand first there), as one table: a single pass
# through the text instead of five.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def escaped(value) -> str:
    """What `conditional_escape` gives: safe text as it is, anything else escaped."""
    if type(value) is str:  # the common case, checked first: plain text is never safe
        return value.translate(_ESCAPES)
    if hasattr(value, "__html__"):
        return value.__html__()
    return str(value).translate(_ESCAPES)


def attributes(attrs: dict) -> SafeString:
    """Django's `flatatt`: the attributes with a value sorted by name, then the true booleans
    by name; false booleans and None left out."""
    valued, flags = [], []
    for name, value in sorted(attrs.items()):  # names differ: never a value compared
        if value is True:
            flags.append(f" {escaped(name)}")
        elif value is not None and value is not False:
            valued.append(f' {escaped(name)}="{escaped(value)}"')
    return SafeString("".join(valued) + "".join(flags))


def html_format(format_string: str, *values) -> SafeString:
    """`format_html` for the tags that write a page's many rows and meters: each value
    escaped unless it is HTML already (`escaped`), without Django's lazy-text checks around
    every value."""
    return SafeString(format_string.format(*map(escaped, values)))
