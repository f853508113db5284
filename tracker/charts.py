"""Server-rendered SVG charts: pure functions from data to coordinates, no drawing library.

The templates draw the shapes; these functions only place them, so that pages need no
JavaScript and no inline styles. Coordinates are given as SVG numbers (`svg_number`): a
template would otherwise write a float in the reader's locale ("12,5" in French).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from .models.agreements import ScoreRule
from .selectors import ScorePoint


def svg_number(value: float) -> str:
    """A coordinate as SVG reads it: a dot for the decimals, none when it is whole."""
    return f"{round(value, 1):g}"


@dataclass(frozen=True)
class Axis:
    start: date
    end: date
    width: float

    def x(self, day: date) -> float:
        span = max((self.end - self.start).days, 1)
        return round(self.width * (day - self.start).days / span, 1)


@dataclass(frozen=True)
class ScoreChart:
    width: int
    height: int
    line: str  # SVG polyline points
    first: ScorePoint
    last: ScorePoint
    ticks: list[tuple[str, str]]  # (y, label) for 0, 50, 100 % (G7: -1, 0, +1)
    rule: str = ScoreRule.PAM  # the scale the scores and the ticks are on


# Each rule's scale, bottom to top, with its three ticks (the comparison draws a G7 agreement
# in its own scale, -1 to +1; the agreement page's chart is PAM's percent whatever the rule).
SCALES = {
    ScoreRule.PAM: (0, 100, ((0, "0 %"), (50, "50 %"), (100, "100 %"))),
    ScoreRule.G7: (-1, 1, ((-1, "\u22121"), (0, "0"), (1, "+1"))),
}


def score_chart(
    points: list[ScorePoint], *, today: date, width=600, height=160, rule: str = ScoreRule.PAM
) -> ScoreChart:
    """A step line of the score over time, from the first point to today, on `rule`'s scale
    (PAM 0 to 100 %, G7 -1 to +1)."""
    axis = Axis(points[0].day, max(today, points[-1].day), width)
    low, high, ticks = SCALES[ScoreRule(rule)]

    def y(score: float) -> float:
        return round(height - height * (score - low) / (high - low), 1)

    coordinates = []
    for index, point in enumerate(points):
        if index:
            coordinates.append((axis.x(point.day), y(points[index - 1].score)))
        coordinates.append((axis.x(point.day), y(point.score)))
    coordinates.append((axis.x(axis.end), y(points[-1].score)))
    return ScoreChart(
        width=width,
        height=height,
        line=" ".join(f"{svg_number(x)},{svg_number(y_)}" for x, y_ in coordinates),
        first=points[0],
        last=points[-1],
        ticks=[(svg_number(y(value)), label) for value, label in ticks],
        rule=rule,
    )


@dataclass(frozen=True)
class Marker:
    x: str
    label: str
    due_on: date
    css_class: str
    url: str


@dataclass(frozen=True)
class Timeline:
    width: int
    start: date
    end: date
    today_x: str | None
    markers: list[Marker]
    months: list[tuple[str, date]]  # (x, the month's first day), labelled by the template


def deadline_timeline(
    commitments, *, signed_on: date, today: date, width=1000, url_of=None
) -> Timeline | None:
    """Each deadline placed on a line from the signing to the last deadline (or today), each
    marker a link to its commitment's page (`url_of(commitment)`: the public pages give
    their own addresses)."""
    url_of = url_of or (lambda commitment: commitment.get_absolute_url())
    dated = [commitment for commitment in commitments if commitment.due_on]
    if not dated:
        return None
    start = min(signed_on, *(commitment.due_on for commitment in dated))
    end = max(today, *(commitment.due_on for commitment in dated)) + timedelta(days=7)
    axis = Axis(start, end, width)
    markers = [
        Marker(
            x=svg_number(axis.x(commitment.due_on)),
            label=f"{commitment.reference} {commitment.title}",
            due_on=commitment.due_on,
            css_class=_marker_class(commitment, today),
            url=url_of(commitment),
        )
        for commitment in dated
    ]
    return Timeline(
        width=width,
        start=start,
        end=end,
        today_x=svg_number(axis.x(today)) if start <= today <= end else None,
        markers=markers,
        months=_month_ticks(axis),
    )


def _marker_class(commitment, today: date) -> str:
    if commitment.is_closed:
        return "done"
    if commitment.due_on < today:
        return "late"
    if commitment.due_on <= today + timedelta(days=30):
        return "soon"
    return "open"


def _month_ticks(axis: Axis) -> list[tuple[str, date]]:
    months = (axis.end.year - axis.start.year) * 12 + axis.end.month - axis.start.month
    step = max(1, -(-months // 8))  # at most about eight labels
    ticks, day = [], date(axis.start.year, axis.start.month, 1)
    while day <= axis.end:
        if day >= axis.start:
            ticks.append((svg_number(axis.x(day)), day))
        month = day.month - 1 + step
        day = date(day.year + month // 12, month % 12 + 1, 1)
    return ticks
