"""Who sees which agreement: the one rule every read starts from."""

from django.contrib.auth.models import Group
from django.db import connection
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
from ..models.users import role_from_groups


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
    agreements, so that pages cached for one serve the others (read by `read_access`)."""
    read_access(user)
    if user.sees_all_agreements:
        return "all"
    if user.role is None:
        return "none"
    return user._visibility_scope


def read_access(user: User) -> None:
    """The user's role and visibility scope, read in one query instead of one each, and kept
    on the user object (like the role; a request's user is read afresh each request): every
    page needs both. Plain SQL: the ORM's UNION of the two took as
    long to build as the two queries it replaced took to run."""
    if not user.is_authenticated or hasattr(user, "_visibility_scope"):
        return
    user_groups, team_members = User.groups.through._meta, Team.members.through._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT g.name, NULL FROM {Group._meta.db_table} g"
            f" JOIN {user_groups.db_table} ug ON ug.group_id = g.id WHERE ug.user_id = %s"
            f" UNION ALL SELECT NULL, team_id FROM {team_members.db_table} WHERE user_id = %s",
            [user.pk, user.pk],
        )
        rows = cursor.fetchall()
    user.role = role_from_groups(
        {name for name, team_id in rows if team_id is None}, user.is_superuser
    )
    team_ids = sorted(team_id for name, team_id in rows if team_id is not None)
    user._visibility_scope = "teams-" + "-".join(map(str, team_ids))
