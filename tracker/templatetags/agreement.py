"""The agreement page's repeated blocks (agreement_detail.html): its scores by party and by
theme, the score's working (_score_rule.html, the public page's too), its milestones, its
assessment rounds, its score chart's grid and its deadline timeline's months, each written
by one tag rather than a template loop, whose nodes cost the page more per row than the
markup they write. Each writes the markup its loop wrote, user text escaped and
direction-isolated (`<bdi>`), numbers localized as a template's variables are
(`formats.localize`)."""

from django import template
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from ..markup import escaped, html_format
from ..models import ScoreRule
from .tracker import day, moment, number_writer, score_meter

register = template.Library()


def _score_row(label_html: str, count: str, score, name: str, rule: str) -> str:
    """A score row: its label (escaped or already markup), the number of commitments it
    counts (localized) and its score meter (`name`: what the meter's label names)."""
    return html_format(
        '<div class="score-row"><span>{} <span class="muted">({})</span></span>{}</div>',
        label_html,
        count,
        score_meter(score, name, rule=rule),
    )


@register.simple_tag
def party_score_rows(scores, rule: str = ScoreRule.PAM) -> SafeString:
    """The "By party" rows: each party's name (user text, isolated), its number of
    commitments and its score (`selectors.PartyScore`). Replaces the
    `{% for party in summary.party_scores %}` loop of agreement_detail.html."""
    number = number_writer()
    return mark_safe(
        "\n".join(
            _score_row(
                html_format("<bdi>{}</bdi>", party.name),
                number(party.commitments),
                party.score,
                party.name,
                rule,
            )
            for party in scores
        )
    )


@register.simple_tag
def theme_score_rows(scores, rule: str = ScoreRule.PAM) -> SafeString:
    """The "By theme" rows: each theme's label (a translated choice, not user text), its
    number of commitments and its score (`selectors.ThemeScore`). Replaces the
    `{% for theme in summary.theme_scores %}` loop of agreement_detail.html."""
    rows, number = [], number_writer()
    for theme in scores:
        label = str(theme.label)  # a lazy translation: translated once, not at each use
        rows.append(_score_row(label, number(theme.commitments), theme.score, label, rule))
    return mark_safe("\n".join(rows))


@register.simple_tag
def score_lines(lines) -> SafeString:
    """The score's working, a table row for each status: its label, points each, number of
    commitments and points (`selectors.ScoreLine`). Replaces the
    `{% for line in rule.lines %}` loop of _score_rule.html."""
    number = number_writer()
    return mark_safe(
        "\n".join(
            html_format(
                '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>',
                line.label,
                number(line.weight),
                number(line.commitments),
                number(line.points),
            )
            for line in lines
        )
    )


@register.simple_tag
def milestone_items(milestones) -> SafeString:
    """The milestones' list items: the date (or "not happened yet"), the name, "(estimated)"
    for an estimated date. Replaces the `{% for milestone in milestones %}` loop of
    agreement_detail.html."""
    not_yet = gettext("not happened yet")
    estimated = html_format(' <span class="muted">{}</span>', gettext("(estimated)"))
    return mark_safe(
        "\n".join(
            html_format(
                "<li><strong>{}</strong> <bdi>{}</bdi>{}</li>",
                day(milestone.date) if milestone.date else not_yet,
                milestone.name,
                estimated if milestone.date_is_estimate else "",
            )
            for milestone in milestones
        )
    )


@register.simple_tag
def round_links(rounds) -> SafeString:
    """After "Assessment rounds": ":" then a link to each round with its state, or nothing
    when there is none. Replaces the `{% for round in rounds %}` loop of
    agreement_detail.html."""
    links = "".join(
        html_format(
            ' <a href="{}">{}</a> <span class="muted">({})</span>',
            assessment_round.get_absolute_url(),
            # As `{% blocktranslate %}` writes it: the number escaped, the translation not.
            SafeString(
                gettext("round %(number)s")
                % {"number": escaped(formats.localize(assessment_round.number))}
            ),
            assessment_round.get_state_display().lower(),
        )
        for assessment_round in rounds
    )
    return mark_safe(f":{links}" if links else "")


@register.simple_tag
def chart_ticks(chart) -> SafeString:
    """The score chart's grid lines with their labels (`charts.ScoreChart.ticks`). Replaces
    the `{% for y, label in chart.ticks %}` loop of agreement_detail.html."""
    width = escaped(formats.localize(chart.width))
    return mark_safe(
        "\n".join(
            f'<line class="grid" x1="0" x2="{width}" y1="{escaped(y)}" y2="{escaped(y)}"></line>'
            f'\n<text class="tick" x="-6" y="{escaped(y)}" text-anchor="end" '
            f'dominant-baseline="middle">{escaped(label)}</text>'
            for y, label in chart.ticks
        )
    )


@register.simple_tag
def timeline_months(timeline) -> SafeString:
    """The deadline timeline's month ticks (`charts.Timeline.months`), for
    _deadline_timeline.html (the agreement's page and its public page). Replaces its
    `{% for x, label in timeline.months %}` loop. Each labelled "Dec 26" (`M y`), by the
    reader's language's month names read once (`moment`), not by a date formatter each."""
    return mark_safe(
        "\n".join(
            f'<line class="grid" x1="{escaped(x)}" x2="{escaped(x)}" y1="14" y2="26"></line>'
            f'\n<text class="tick" x="{escaped(x)}" y="42" text-anchor="middle">'
            f"{escaped(moment(month, 'M y'))}</text>"
            for x, month in timeline.months
        )
    )
