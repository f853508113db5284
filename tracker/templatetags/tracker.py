from datetime import date
from functools import cache

from django import template
from django.utils import translation
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from ..models import CommitmentStatus, ScoreRule
from ..models.commitments import describe_lateness
from ..scoring import format_score

register = template.Library()


@cache
def _month_names(language: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The months' short and full names in a language (Django's own translations)."""
    with translation.override(language):
        return (
            ("", *(str(MONTHS_3[month]).title() for month in range(1, 13))),
            ("", *(str(MONTHS[month]) for month in range(1, 13))),
        )


@register.filter(expects_localtime=True)
def day(value) -> str:
    """`5 Dec 2026`: the `date:"j M Y"` filter, without building a formatter per value (a
    table formats two dates a row). Empty for None."""
    if not value:
        return ""
    return f"{value.day} {_month_names(translation.get_language())[0][value.month]} {value.year}"


@register.filter(expects_localtime=True)
def long_day(value) -> str:
    """`5 December 2026`: the `date:"j F Y"` filter, as `day`."""
    if not value:
        return ""
    return f"{value.day} {_month_names(translation.get_language())[1][value.month]} {value.year}"


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
    return format_html(
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
        '<span class="badge restricted">Restricted to: {}</span>',
        format_html_join(", ", "<bdi>{}</bdi>", ((name,) for name in agreement.team_names)),
    )


# The early-warning badges, in the order they are shown: (attribute, CSS class, label).
WARNING_BADGES = (
    ("is_at_risk", "soon warning-at_risk", "At risk"),
    ("is_stale", "stale warning-stale", "Stale"),
    ("is_blocked", "late warning-blocked", "Blocked"),
    ("is_disputed", "disputed warning-disputed", "Disputed"),
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
def score_meter(
    score: float | None, label: str = "Implementation score", rule: str = ScoreRule.PAM
) -> str:
    """The score as a meter and its value, with its rule named beside it (issue 21): PAM in
    percent, G7 from -1 to +1 ("+0.33")."""
    if score is None:
        return format_html('<span class="muted">{}</span>', gettext("no scored commitments"))
    rule = ScoreRule(rule)
    shown = format_score(score, rule)
    if rule == ScoreRule.G7:
        bounds = 'min="-1" max="1" low="-0.33" high="0.33" optimum="1"'
        value = f"{score:.2f}"
    else:
        bounds = 'min="0" max="100" low="34" high="67" optimum="100"'
        value = str(round(score))
    return format_html(
        '<span class="score"><meter {} value="{}" aria-label="{}">{}</meter> '
        '<span class="score-value">{}</span> <abbr class="score-rule-name" title="{}">{}</abbr>'
        "</span>",
        mark_safe(bounds),
        value,
        label,
        shown,
        shown,
        rule.label,
        RULE_NAMES[rule],
    )


RULE_NAMES = {ScoreRule.PAM: "PAM", ScoreRule.G7: "G7"}


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
    return format_html_join(
        "",
        '<a href="{}"><circle class="marker {}" cx="{}" cy="20" r="5"><title>{}, due {}</title>'
        "</circle></a>",
        (
            (marker.url, marker.css_class, marker.x, isolate(marker.label), day(marker.due_on))
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
