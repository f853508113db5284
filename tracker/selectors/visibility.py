"""Who sees which agreement: the one rule every read starts from."""

from django.db.models import (
    Exists,
    OuterRef,
    QuerySet,
)

from ..models import (
    Agreement,
    Commitment,
    Evidence,
    Team,
    User,
)


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


def evidence_visible_to(user: User) -> QuerySet[Evidence]:
    return Evidence.objects.filter(commitment__agreement__in=agreements_visible_to(user))


def visibility_scope(user: User) -> str:
    """A name for the set of agreements `user` may see: users with the same scope see the same
    agreements, so that pages cached for one serve the others (one query, or none)."""
    if user.sees_all_agreements:
        return "all"
    if user.role is None:
        return "none"
    teams = Team.members.through.objects.filter(user_id=user.pk).order_by("team_id")
    return "teams-" + "-".join(str(team_id) for team_id in teams.values_list("team_id", flat=True))
