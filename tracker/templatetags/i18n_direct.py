"""Django's `i18n` template library, loaded under its own name (settings.TEMPLATES'
"libraries"), so templates keep `{% load i18n %}` and `makemessages` reads them as before.

One tag differs: `{% translate "a constant" %}` translates its message with `gettext` when
it renders. Django's own node makes a lazy translation of it first, then turns that into
text: a proxy built and read again for every word of every page, for the same result.
Anything else (a variable, a filter, `noop`, a `context`) is Django's node unchanged.
"""

from django.template import Library
from django.template.base import render_value_in_context
from django.templatetags import i18n
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext

register = Library()
register.tags.update(i18n.register.tags)
register.filters.update(i18n.register.filters)


class ConstantTranslateNode(i18n.TranslateNode):
    """`TranslateNode` of a constant message without filters, noop or context."""

    def __init__(self, node: i18n.TranslateNode) -> None:
        super().__init__(node.filter_expression, node.noop, node.asvar, node.message_context)
        # What `Variable.resolve` hands to `gettext_lazy`: a template's percent signs are
        # doubled in the catalogs' message ids (as makemessages writes them).
        literal = self.filter_expression.var.literal
        msgid = literal.replace("%", "%%")
        self.msgid = mark_safe(msgid) if isinstance(literal, SafeData) else msgid

    def render(self, context) -> str:
        translated = gettext(self.msgid)
        value = render_value_in_context(translated, context)
        # As Django's node: the doubled percent signs put back, the text kept safe if it was.
        is_safe = isinstance(value, SafeData)
        value = value.replace("%%", "%")
        value = mark_safe(value) if is_safe else value
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


def _is_constant(node: i18n.TranslateNode) -> bool:
    expression = node.filter_expression
    return (
        not node.noop
        and node.message_context is None
        and not expression.filters
        and isinstance(expression.var, i18n.Variable)
        and expression.var.literal is not None
        and isinstance(expression.var.literal, str)
    )


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    node = i18n.do_translate(parser, token)
    return ConstantTranslateNode(node) if _is_constant(node) else node
