"""Two or three agreements side by side (issue 21, item 5), and the same figures as CSV.

The figures are `selectors.comparison`'s; a request naming anything but two or three
agreements the reader may see gets the form back with the reason (400), never a hint of an
agreement it may not see.
"""

from dataclasses import dataclass
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import charts, exports, scoring, selectors
from .common import member_required

TEMPLATE = "tracker/compare.html"
# The small charts beside each theme's and party's score.
SPARK_WIDTH, SPARK_HEIGHT = 160, 36


@dataclass(frozen=True)
class Column:
    """One agreement's figures with their charts placed."""

    figures: selectors.AgreementComparison
    chart: charts.ScoreChart
    themes: list[tuple[selectors.GroupScore, charts.ScoreChart]]
    parties: list[tuple[selectors.GroupScore, charts.ScoreChart]]


@member_required
@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    """The form to pick the agreements; with `a` parameters, their figures side by side."""
    today = timezone.localdate()
    context = {"choices": selectors.comparison_choices(request.user), "picks": _picks(request)}
    if "a" not in request.GET:
        return render(request, TEMPLATE, context)
    try:
        compared = selectors.comparison_for(request.user, request.GET.getlist("a"), today=today)
    except selectors.ComparisonRefused as refusal:
        return render(request, TEMPLATE, context | {"refusal": str(refusal)}, status=400)
    context |= {
        "today": today,
        "columns": [_column(figures, today) for figures in compared],
        "query": "&".join(f"a={figures.agreement.slug}" for figures in compared),
    }
    return render(request, TEMPLATE, context)


def _picks(request: HttpRequest) -> list[str]:
    """What each of the form's three choices shows chosen: the agreements asked for, or the
    one the agreement page's link names (`with`)."""
    picks = request.GET.getlist("a") or request.GET.getlist("with")[:1]
    return [*picks, "", "", ""][:3]


def _column(figures: selectors.AgreementComparison, today: date) -> Column:
    def spark(points):
        return charts.score_chart(
            points, today=today, width=SPARK_WIDTH, height=SPARK_HEIGHT, rule=figures.rule
        )

    return Column(
        figures=figures,
        chart=charts.score_chart(figures.history, today=today, rule=figures.rule),
        themes=[(theme, spark(theme.history)) for theme in figures.themes],
        parties=[(party, spark(party.history)) for party in figures.parties],
    )


CSV_COLUMNS = ["agreement", "slug", "figure", "group", "label", "on", "value", "commitments"]


@member_required
@require_GET
def compare_csv(request: HttpRequest) -> HttpResponse:
    """The page's figures, one per row (docs/comparison.md names each figure)."""
    today = timezone.localdate()
    try:
        compared = selectors.comparison_for(request.user, request.GET.getlist("a"), today=today)
    except selectors.ComparisonRefused as refusal:
        context = {
            "choices": selectors.comparison_choices(request.user),
            "picks": _picks(request),
            "refusal": str(refusal),
        }
        return render(request, TEMPLATE, context, status=400)
    rows = (row for figures in compared for row in comparison_rows(figures, today=today))
    filename = "-".join(["compare", *(item.agreement.slug for item in compared), f"{today}"])
    return exports.csv_response(CSV_COLUMNS, rows, filename)


def comparison_rows(figures: selectors.AgreementComparison, *, today: date) -> list[list]:
    """One agreement's figures as CSV rows: (figure, group, label, on, value, commitments)."""
    agreement, timely = figures.agreement, figures.timeliness

    def value(score):  # on the rule's scale: PAM a whole percent, G7 -1 to +1, two decimals
        return scoring.reported(score, figures.rule)

    rows = [
        ["score_rule", "", "", today, figures.rule, ""],
        ["score", "", "", today, value(figures.score), figures.commitments],
        ["not_verifiable", "", "", today, figures.unscored, ""],
    ]
    rows += [["score_over_time", "", "", p.day, value(p.score), ""] for p in figures.history]
    for kind, groups in (("theme", figures.themes), ("party", figures.parties)):
        for group in groups:
            rows.append(
                [
                    f"{kind}_score",
                    group.key,
                    group.label,
                    today,
                    value(group.score),
                    group.commitments,
                ]
            )
            rows += [
                [f"{kind}_score_over_time", group.key, group.label, p.day, value(p.score), ""]
                for p in group.history
            ]
    late, overdue = timely.late_implemented, timely.open_overdue
    rows += [
        ["met_on_time_percent", "", "", today, timely.share, timely.decided],
        ["met_on_time", "", "", today, timely.met, timely.decided],
        ["with_deadline", "", "", today, timely.dated, ""],
        ["implemented_without_recorded_date", "", "", today, timely.undated, ""],
        ["median_delay_days", "", "", today, timely.median_delay, len(late) + len(overdue)],
        [
            "median_delay_implemented_late_days",
            "",
            "",
            today,
            timely.median_late_implemented,
            len(late),
        ],
        ["median_delay_open_overdue_days", "", "", today, timely.median_open_overdue, len(overdue)],
    ]
    return [[agreement.title, agreement.slug, *row] for row in rows]
