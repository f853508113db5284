"""Every read that a page or a job needs, with a bounded number of queries.

`agreements_visible_to` is the one place that decides who sees which agreement; every other
read starts from it (or from `commitments_visible_to`, built on it).
"""

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from .models import Agreement, Commitment, OverdueFlag, Team, User
from .models.commitments import MAX_WEIGHT, STATUS_WEIGHTS, CommitmentStatus


def agreements_visible_to(user: User) -> QuerySet[Agreement]:
    """Open agreements, plus restricted ones shared with one of the user's teams.

    Anonymous users and users without a role see nothing; admins see everything.
    """
    if not user.is_authenticated or not user.is_active:
        return Agreement.objects.none()
    if user.sees_all_agreements:
        return Agreement.objects.all()
    if user.role is None:
        return Agreement.objects.none()
    restricted = Agreement.teams.through.objects.filter(agreement_id=OuterRef("pk"))
    shared = restricted.filter(
        team_id__in=Team.members.through.objects.filter(user_id=user.pk).values("team_id")
    )
    return Agreement.objects.filter(~Exists(restricted) | Exists(shared))


def commitments_visible_to(user: User) -> QuerySet[Commitment]:
    return Commitment.objects.filter(agreement__in=agreements_visible_to(user))


def open_overdue_flag() -> Exists:
    """Annotation: the commitment is flagged overdue now (by the last scan)."""
    return Exists(OverdueFlag.objects.filter(commitment_id=OuterRef("pk"), cleared_at__isnull=True))


def status_weight(prefix: str = "") -> Case:
    """The status's points on the 0–3 scale, NULL for statuses left out of the score."""
    return Case(
        *(
            When(**{f"{prefix}status": status}, then=Value(weight))
            for status, weight in STATUS_WEIGHTS.items()
            if weight is not None
        ),
        default=None,
        output_field=IntegerField(),
    )


def score_aggregates(prefix: str = "") -> dict:
    """Aggregates giving `score_points` and `scored_count` over commitments at `prefix`."""
    scored = ~Q(**{f"{prefix}status": CommitmentStatus.ABANDONED})
    return {
        "score_points": Sum(status_weight(prefix), filter=scored),
        "scored_count": Count(f"{prefix}id" if prefix else "id", filter=scored),
    }


def score_percent(points: int | None, count: int | None) -> int | None:
    """Implementation score in percent: points over 3 × the scored commitments."""
    if not count:
        return None
    return round(100 * (points or 0) / (MAX_WEIGHT * count))
