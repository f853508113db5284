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
    # The team ids when a request has read them (`read_access`), else a subquery.
    teams = getattr(user, "team_ids", None)
    if teams is None:
        teams = Team.members.through.objects.filter(user_id=user.pk).values("team_id")
    elif not teams:
        return Agreement.objects.filter(~Exists(restricted))
    return Agreement.objects.filter(
        ~Exists(restricted) | Exists(restricted.filter(team_id__in=teams))
    )


def commitments_visible_to(user: User) -> QuerySet[Commitment]:
    return Commitment.objects.filter(agreement__in=agreements_visible_to(user))


def evidence_visible_to(user: User) -> QuerySet[Evidence]:
    return Evidence.objects.filter(commitment__agreement__in=agreements_visible_to(user))


def read_access(user: User) -> None:
    """The user's role and team ids, read in one query instead of one each and kept on the
    user object for the request (a request's user is read afresh each request): every page
    shows the role and asks which agreements the user may see. Plain SQL: the ORM's UNION
    of the two cost as long to build as the two queries it replaced took to run."""
    if not user.is_authenticated or hasattr(user, "team_ids"):
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
    user.team_ids = sorted(team_id for name, team_id in rows if team_id is not None)
