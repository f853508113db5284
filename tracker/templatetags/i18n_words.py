"""Django's `i18n` template library, as the app's templates load it (`{% load i18n_words %}`):
every tag and filter of Django's, under the same names, so `makemessages` finds their words
as before.

One difference: a `translate` or `blocktranslate` tag of the template's own words (a quoted
text, or a block without a variable, a count or a context; no filter, `noop` or `as`) is
written by Django's own node once per process for each language and way of escaping, the
only things its output depends on, then given as written. The words are the code's, never
data, so nothing a write changes is kept. Every page has dozens of such tags, each
translated again on every request (`translate` made a lazy translation of its text, then
read it back). Any other tag is Django's node, run every time. (Not loaded under Django's
own name, `i18n`: two libraries of one name are a system check's warning.)
"""

from django.template import Library, Node
from django.template.base import TokenType
from django.templatetags import i18n
from django.utils import translation

register = Library()
register.tags.update(i18n.register.tags)
register.filters.update(i18n.register.filters)


class WrittenWords(Node):
    """A tag of the template's own words (`node`), written once for each language and way
    of escaping (`context.autoescape`)."""

    child_nodelists = ()

    def __init__(self, node: Node) -> None:
        self.node = node
        self.written: dict[tuple, str] = {}

    def render(self, context) -> str:
        key = (translation.get_language(), context.autoescape)
        if key not in self.written:
            self.written[key] = self.node.render(context)
        return self.written[key]


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token) -> Node:
    node = i18n.do_translate(parser, token)
    return WrittenWords(node) if _fixed_translate(node) else node


@register.tag("blocktranslate")
@register.tag("blocktrans")
def do_block_translate(parser, token) -> Node:
    node = i18n.do_block_translate(parser, token)
    return WrittenWords(node) if _fixed_block(node) else node


def _fixed_translate(node: i18n.TranslateNode) -> bool:
    """A quoted text, translated (not `noop`), without filters, context or `as`."""
    words = node.filter_expression
    return (
        not node.noop
        and node.asvar is None
        and node.message_context is None
        and not words.filters
        and isinstance(words.var, i18n.Variable)
        and isinstance(words.var.literal, str)
    )


def _fixed_block(node: i18n.BlockTranslateNode) -> bool:
    """Text alone: no variable, no `with`, no count or plural, no context, no `as`."""
    return (
        not node.extra_context
        and not node.plural
        and node.countervar is None
        and node.message_context is None
        and node.asvar is None
        and all(token.token_type == TokenType.TEXT for token in node.singular)
    )
