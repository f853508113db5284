import html
from datetime import date
from functools import cache

from django import template
from django.conf import settings
from django.utils import dateformat, formats, translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..models import CommitmentStatus, ScoreRule
from ..models.commitments import describe_lateness

register = template.Library()


def html_format(format_string: str, *values) -> SafeString:
    """`format_html` for the tags that write a page's many rows and meters: each value
    escaped unless it is HTML already (`__html__`), lazy text made a string first, as
    `conditional_escape` does, without its lazy-text checks around every value."""
    return SafeString(
        format_string.format(
            *(
                value.__html__() if hasattr(value, "__html__") else html.escape(str(value))
                for value in values
            )
        )
    )


# What a day's pattern may hold and be written without Django's formatter: the day, the
# month's number and year as numbers; the month's names, looked up once per language.
_NUMBER_PARTS = {
    "j": lambda value: str(value.day),
    "d": lambda value: f"{value.day:02d}",
    "n": lambda value: str(value.month),
    "m": lambda value: f"{value.month:02d}",
    "Y": lambda value: f"{value.year:04d}",
    "y": lambda value: f"{value.year % 100:02d}",
}
_MONTH_PARTS = "bEFMN"


@cache
def _day_writer(language: str, kind: str):
    """A function writing a date in `language` by its `kind` of format (`DAY_FORMAT`,
    `LONG_DAY_FORMAT`: tracker/formats/, else the language's DATE_FORMAT). The pattern is
    read once per language, so a table of dates builds no formatter per value; a pattern
    with anything else (a weekday) goes through Django's `dateformat`."""
    with translation.override(language):
        pattern = formats.get_format(kind)
        if pattern == kind:  # a language with no module in tracker/formats
            pattern = formats.get_format("DATE_FORMAT")
        months = {
            char: ("", *(dateformat.format(date(2000, month, 1), char) for month in range(1, 13)))
            for char in _MONTH_PARTS
        }
    parts = []
    for index, piece in enumerate(dateformat.re_formatchars.split(pattern)):
        if index % 2 == 0:
            literal = dateformat.re_escaped.sub(r"\1", piece)
            parts.append(lambda value, literal=literal: literal)
        elif piece in _NUMBER_PARTS:
            parts.append(_NUMBER_PARTS[piece])
        elif piece in months:
            parts.append(lambda value, names=months[piece]: names[value.month])
        else:
            return lambda value: dateformat.format(value, pattern)
    return lambda value: "".join(part(value) for part in parts)


@register.filter(expects_localtime=True)
def day(value) -> str:
    """`5 Dec 2026`, `5 déc. 2026`, `5 دسمبر 2026`: the reader's language's `DAY_FORMAT`.
    Empty for None."""
    if not value:
        return ""
    return _day_writer(translation.get_language() or settings.LANGUAGE_CODE, "DAY_FORMAT")(value)


@register.filter(expects_localtime=True)
def long_day(value) -> str:
    """`5 December 2026`, `5 décembre 2026`: the language's `LONG_DAY_FORMAT`, as `day`."""
    if not value:
        return ""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return _day_writer(language, "LONG_DAY_FORMAT")(value)


FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"


@register.filter
def isolate(value) -> str:
    """User text for places where no element can isolate it (a page's <title>, an SVG
    tooltip, a plain-text e-mail): between Unicode's first-strong isolate and its pop, so that
    right-to-left text reads right and a direction override inside it stops at its end. In
    HTML the element does it: `<bdi>`, or `dir="auto"` on a block."""
    if value is None or value == "":
        return ""
    return f"{FIRST_STRONG_ISOLATE}{value}{POP_DIRECTIONAL_ISOLATE}"


@register.simple_tag
def status_badge(status: str) -> str:
    """The status as a coloured badge; the colour is never the only signal (text is there)."""
    return _status_badge(translation.get_language() or settings.LANGUAGE_CODE, status)


@cache
def _status_badge(language: str, status: str) -> SafeString:
    """A status's badge in `language`, written once per language and status (as
    `_day_writer`'s month names): a list shows one a row."""
    with translation.override(language):
        return html_format(
            '<span class="badge status-{}">{}</span>', status, CommitmentStatus(status).label
        )


@register.simple_tag
def restricted_badge(agreement) -> str:
    """The badge "Restricted to: <teams>" for an agreement only those teams' members (and
    admins) see; nothing for an open one. Reads `team_names` (`selectors.with_team_names`),
    never a query."""
    if not agreement.team_names:
        return ""
    return format_html(
        '<span class="badge restricted">{} {}</span>',
        gettext("Restricted to:"),
        format_html_join(", ", "<bdi>{}</bdi>", ((name,) for name in agreement.team_names)),
    )


# The early-warning badges, in the order they are shown: (attribute, CSS class, label).
WARNING_BADGES = (
    ("is_at_risk", "soon warning-at_risk", _("At risk")),
    ("is_stale", "stale warning-stale", _("Stale")),
    ("is_blocked", "late warning-blocked", _("Blocked")),
    ("is_disputed", "disputed warning-disputed", _("Disputed")),
)


@register.simple_tag
def warning_badges(item) -> str:
    """A badge for each early warning the commitment carries (the annotations of
    `selectors.with_warnings`, and the dispute flag)."""
    return format_html_join(
        " ",
        '<span class="badge {}">{}</span>',
        ((css, label) for name, css, label in WARNING_BADGES if getattr(item, name, False)),
    )


@register.simple_tag
def score_meter(score: float | None, label: str = "", rule: str = ScoreRule.PAM) -> str:
    """The score as a meter and its value in the reader's digits, with its rule named beside
    it (issue 21): PAM in percent, G7 from -1 to +1 ("+0.33"); the attributes keep Python's."""
    if score is None:
        return format_html('<span class="muted">{}</span>', gettext("no scored commitments"))
    label = label or gettext("Implementation score")
    rule = ScoreRule(rule)
    shown = score_text(score, rule)
    if rule == ScoreRule.G7:
        bounds = 'min="-1" max="1" low="-0.33" high="0.33" optimum="1"'
        value = f"{score:.2f}"
    else:
        bounds = 'min="0" max="100" low="34" high="67" optimum="100"'
        value = str(round(score))
    return html_format(
        '<span class="score"><meter {} value="{}" aria-label="{}">{}</meter> '
        '<span class="score-value">{}</span> {}</span>',
        SafeString(bounds),
        value,
        label,
        shown,
        shown,
        _rule_name(translation.get_language() or settings.LANGUAGE_CODE, rule),
    )


RULE_NAMES = {ScoreRule.PAM: "PAM", ScoreRule.G7: "G7"}


@cache
def _rule_name(language: str, rule: ScoreRule) -> SafeString:
    """The rule's short name with its full name as a title, in `language`: written once per
    language and rule (as `_day_writer`'s month names), a page shows dozens of meters."""
    with translation.override(language):
        return html_format(
            '<abbr class="score-rule-name" title="{}">{}</abbr>', rule.label, RULE_NAMES[rule]
        )


@register.filter
def score_text(score: float | None, rule: str = ScoreRule.PAM) -> str:
    """A score in the reader's digits on its rule's scale: "67 %" (PAM) or "+0.33" (G7)."""
    if score is None:
        return "—"
    if rule == ScoreRule.G7:
        return ("+" if score >= 0 else "-") + formats.number_format(abs(score), 2)
    return f"{formats.number_format(round(score))} %"


@register.simple_tag
def not_verifiable_badge() -> str:
    return format_html(
        '<span class="badge not-verifiable" title="{}">{}</span>',
        gettext("Neither a deadline nor a completion criterion: left out of the score"),
        gettext("not verifiable"),
    )


@register.simple_tag
def unscored_note(count: int) -> str:
    """'3 commitments not verifiable, not scored', beside a score; nothing when none is."""
    if not count:
        return ""
    text = ngettext(
        "%(count)d commitment not verifiable, not scored",
        "%(count)d commitments not verifiable, not scored",
        count,
    ) % {"count": count}
    return format_html('<span class="muted unscored">{}</span>', text)


@register.filter
def lateness(commitment, today: date) -> str:
    """'12 days overdue', 'due today', 'due in 3 days', 'closed', or 'no deadline'."""
    return describe_lateness(due_on=commitment.due_on, closed=commitment.is_closed, today=today)


@register.filter
def party_codes(parties) -> str:
    return " · ".join(party.code for party in parties)


@register.inclusion_tag("tracker/_follow_button.html", takes_context=True)
def follow_button(context, agreement) -> dict:
    """The follow / stop following button of an agreement, for the signed-in user (who
    follows it if the agreement was read with `is_followed`, else asked here)."""
    user = context["request"].user
    following = getattr(agreement, "is_followed", None)
    if following is None:
        following = user.followed_agreements.through.objects.filter(
            user_id=user.pk, agreement_id=agreement.pk
        ).exists()
    return {
        "agreement": agreement,
        "is_following": following,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def get_item(mapping: dict, key):
    """`mapping[key]` in a template, or None."""
    return mapping.get(key)


@register.simple_tag
def timeline_markers(timeline) -> str:
    """The deadline timeline's markers, one link each: built here rather than in a template
    loop, which cost several times as much for the fifty of a large agreement."""
    # Translators: a deadline's marker on the timeline: the commitment, then its due date.
    due = gettext("%(commitment)s, due %(day)s")
    return format_html_join(
        "",
        '<a href="{}"><circle class="marker {}" cx="{}" cy="20" r="5"><title>{}</title>'
        "</circle></a>",
        (
            (
                marker.url,
                marker.css_class,
                marker.x,
                due % {"commitment": isolate(marker.label), "day": day(marker.due_on)},
            )
            for marker in timeline.markers
        ),
    )


@register.simple_tag
def form_field(field) -> str:
    """One form field: its label, widget, errors and help, in a `div.field` (the markup every
    form of the app uses; the errors and help are what `aria-describedby` points at). Built
    here rather than in an included template, which cost a form a few milliseconds."""
    classes = "field has-error" if field.errors else "field"
    if field.is_hidden:
        return format_html(
            '<div class="{}" id="field-{}">{}</div>', classes, field.html_name, field
        )
    required = (
        mark_safe(' <span class="required" aria-hidden="true">*</span>')
        if field.field.required
        else ""
    )
    errors = ""
    if field.errors:
        errors = format_html(
            '<ul class="field-errors" id="{}_errors" role="alert">{}</ul>',
            field.auto_id,
            format_html_join("", "<li>{}</li>", ((error,) for error in field.errors)),
        )
    help_text = ""
    if field.help_text:
        help_text = format_html(
            '<p class="help" id="{}_helptext">{}</p>', field.auto_id, field.help_text
        )
    return format_html(
        '<div class="{}" id="field-{}">\n  <label for="{}">{}{}</label>\n  {}\n  {}{}\n</div>',
        classes,
        field.html_name,
        field.id_for_label,
        field.label,
        required,
        field,
        errors,
        help_text,
    )
