"""The report's chart: each party's score as a horizontal bar, placed here and drawn by the
templates as SVG (as `tracker/charts.py` does for the pages: coordinates as SVG numbers)."""

from dataclasses import dataclass

from ..charts import svg_number

BAR_HEIGHT = 22
GAP = 10
LABEL_WIDTH = 60


@dataclass(frozen=True)
class Bar:
    label: str
    score: int | None
    y: str
    width: str
    text_x: str
    text_y: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bars: list[Bar]


def score_bars(scores: list[tuple[str, int | None]], *, width: int = 400) -> BarChart:
    """One bar per (label, score in percent); a missing score draws no bar."""
    bars = []
    for index, (label, score) in enumerate(scores):
        y = index * (BAR_HEIGHT + GAP)
        length = width * (score or 0) / 100
        bars.append(
            Bar(
                label=label,
                score=score,
                y=svg_number(y),
                width=svg_number(length),
                text_x=svg_number(LABEL_WIDTH + length + 6),
                text_y=svg_number(y + BAR_HEIGHT / 2),
            )
        )
    height = max(len(scores) * (BAR_HEIGHT + GAP) - GAP, BAR_HEIGHT)
    return BarChart(width=width, height=height, label_width=LABEL_WIDTH, bars=bars)
