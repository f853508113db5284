from datetime import date

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..models import CommitmentStatus

register = template.Library()


@register.simple_tag
def status_badge(status: str) -> str:
    """The status as a coloured badge; the colour is never the only signal (text is there)."""
    return format_html(
        '<span class="badge status-{}">{}</span>', status, CommitmentStatus(status).label
    )


@register.simple_tag
def score_meter(score: float | None, label: str = "Implementation score") -> str:
    if score is None:
        return mark_safe('<span class="muted">no scored commitments</span>')
    score = round(score)
    return format_html(
        '<span class="score"><meter min="0" max="100" low="34" high="67" optimum="100" '
        'value="{}" aria-label="{}">{} %</meter> <span class="score-value">{} %</span></span>',
        score,
        label,
        score,
        score,
    )


@register.filter
def lateness(commitment, today: date) -> str:
    """'12 days overdue', 'due today', 'due in 3 days', 'done', or 'no deadline'."""
    if commitment.due_on is None:
        return "no deadline"
    if commitment.is_closed:
        return "closed"
    days = (commitment.due_on - today).days
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} overdue"
    if days == 0:
        return "due today"
    return f"due in {days} day{'s' if days != 1 else ''}"


@register.filter
def party_codes(parties) -> str:
    return " · ".join(party.code for party in parties)


@register.inclusion_tag("tracker/_follow_button.html", takes_context=True)
def follow_button(context, agreement) -> dict:
    """The follow / stop following button of an agreement, for the signed-in user."""
    user = context["request"].user
    return {
        "agreement": agreement,
        "is_following": user.followed_agreements.through.objects.filter(
            user_id=user.pk, agreement_id=agreement.pk
        ).exists(),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def get_item(mapping: dict, key):
    """`mapping[key]` in a template, or None."""
    return mapping.get(key)
