"""Django's `{% translate %}` and `{% blocktranslate %}`, for a template that loads this
library after `i18n` (`{% load i18n words %}`): a tag whose words are all the template's
own (a quoted text, or a block without a variable, a count or a context, and no `as`) is
written by Django's own node once per process for each language and way of escaping, then
given as written; any other goes to Django's node every time.

The words are the code's, never data, so nothing a write changes is kept. A page of some
forty such tags translated each on every request, at the cost of a table's rows. The tags
keep their names, so that `makemessages` finds their words as before.
"""

from django import template
from django.template.base import Node, TokenType
from django.templatetags.i18n import (
    BlockTranslateNode,
    TranslateNode,
    do_block_translate,
    do_translate,
)
from django.utils import translation

register = template.Library()


class WrittenWords(Node):
    """A tag of the template's own words (`node`), written once for each language and way
    of escaping (`context.autoescape`), the only things its output depends on."""

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
def translate(parser, token) -> Node:
    node = do_translate(parser, token)
    return WrittenWords(node) if _fixed_translate(node) else node


@register.tag("blocktranslate")
def blocktranslate(parser, token) -> Node:
    node = do_block_translate(parser, token)
    return WrittenWords(node) if _fixed_block(node) else node


def _fixed_translate(node: TranslateNode) -> bool:
    """A quoted text, translated (not `noop`), without filters, context or `as`."""
    words = node.filter_expression
    return (
        not node.noop
        and node.asvar is None
        and node.message_context is None
        and not words.filters
        and words.var.literal is not None
    )


def _fixed_block(node: BlockTranslateNode) -> bool:
    """Text alone: no variable, no `with`, no count or plural, no context, no `as`."""
    return (
        not node.extra_context
        and not node.plural
        and node.countervar is None
        and node.message_context is None
        and node.asvar is None
        and all(token.token_type == TokenType.TEXT for token in node.singular)
    )
