"""The two score rules an agreement can choose (`Agreement.score_rule`), as arithmetic on
counts: PAM, the Peace Accords Matrix's 0-3 weights in percent, and G7, the G7/G20 Research
Group's -1 / 0 / +1 compliance scale, averaged (its compliance reports,
www.g7.utoronto.ca/compliance: +1 full compliance, 0 partial compliance or work in progress,
-1 no compliance). Only verifiable commitments are scored; the counts given here are theirs.
Pure: no ORM."""

from collections.abc import Mapping

from .models.agreements import ScoreRule
from .models.commitments import G7_WEIGHTS, MAX_WEIGHT, STATUS_WEIGHTS

WEIGHTS = {ScoreRule.PAM: STATUS_WEIGHTS, ScoreRule.G7: G7_WEIGHTS}


def pam_score(points: int, commitments: int) -> float | None:
    """100 × points ÷ (3 × commitments): 0 to 100, None when nothing is scored."""
    if not commitments:
        return None
    return 100 * points / (MAX_WEIGHT * commitments)


def g7_score(points: int, commitments: int) -> float | None:
    """The mean of the commitments' -1 / 0 / +1: -1 to +1, None when nothing is scored."""
    if not commitments:
        return None
    return points / commitments


def score_from_points(rule: str, points: int, commitments: int) -> float | None:
    return (g7_score if rule == ScoreRule.G7 else pam_score)(points, commitments)


def points_of(rule: str, counts: Mapping[str, int]) -> int:
    """The points of commitments counted by status, under `rule`'s weights."""
    weights = WEIGHTS[ScoreRule(rule)]
    return sum(weights[status] * n for status, n in counts.items())


def score_from_counts(rule: str, counts: Mapping[str, int]) -> float | None:
    """The score of (verifiable) commitments counted by status, under `rule`."""
    return score_from_points(rule, points_of(rule, counts), sum(counts.values()))


def kept_score(agreement) -> float | None:
    """An agreement's score from its kept figures (`scored_count`, `score_points`,
    `g7_points`, moved by the database's triggers)."""
    if agreement.score_rule == ScoreRule.G7:
        return g7_score(agreement.g7_points, agreement.scored_count)
    return pam_score(agreement.score_points, agreement.scored_count)


def reported(value: float | None, rule: str) -> float | None:
    """A score as the CSV and the API give it: PAM a whole percent, G7 from -1 to +1 to two
    decimals; None when nothing is scored."""
    if value is None:
        return None
    return round(value, 2) if rule == ScoreRule.G7 else round(value)


def format_score(value: float | None, rule: str) -> str:
    """ "67 %" (PAM, rounded) or "+0.33" (G7, signed, two decimals); "—" when not scored."""
    if value is None:
        return "—"
    if rule == ScoreRule.G7:
        return f"{value:+.2f}"
    return f"{round(value)} %"
