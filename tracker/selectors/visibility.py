"""Who sees which agreement: the one rule every read starts from.

An agreement restricted to teams (any row in its teams) is hidden from everyone outside
those teams; admins see every agreement; users without a role see none. The rule is one
queryset, `hidden_agreements`: pages read it once per request into a list
(`read_access`, with the role), and every visible set is "all but those", which costs the
database a hash lookup and the ORM nothing to build. Callers that have not read it (the
digest, the calendar feed) get the same queryset as a subquery.
"""

from functools import cache

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import QuerySet

from ..db import Ids
from ..models import (
    Agreement,
    Commitment,
    Evidence,
    Proposal,
    Team,
    User,
)
from ..models.users import role_from_groups


def hidden_agreements(user: User) -> QuerySet:
    """The ids of the agreements restricted to teams none of which has `user` as a member."""
    links = Agreement.teams.through.objects.order_by()
    mine = Team.members.through.objects.filter(user_id=user.pk).values("team_id")
    shared = links.filter(team_id__in=mine).values("agreement_id")
    return links.exclude(agreement_id__in=shared).values("agreement_id").distinct()


def _hidden(user: User) -> Ids | QuerySet | None:
    """What `user` may not see: None when nothing is hidden, else the hidden ids (a list when
    read this request, a subquery otherwise)."""
    if user.sees_all_agreements:
        return None
    hidden = getattr(user, "hidden_agreement_ids", None)
    if hidden is None:
        return hidden_agreements(user)
    return hidden or None


def _hidden_lookup(field: str, hidden: Ids | QuerySet) -> dict:
    """The lookup of `field` among the hidden ids: one array parameter for the ids read
    (`db.AnyOf`), a subquery otherwise."""
    return {f"{field}__any" if isinstance(hidden, Ids) else f"{field}__in": hidden}


def _sees_nothing(user: User) -> bool:
    return not user.is_authenticated or not user.is_active or user.role is None


def visibility_shape(user: User) -> str | None:
    """How the sets `user` may see are written, for SQL compiled ahead
    (`statements.rows`): "all" (nothing hidden), "hidden" (all but the ids read this
    request, one parameter), None when neither (a user who sees nothing, or whose hidden
    agreements were not read this request)."""
    if _sees_nothing(user):
        return None
    hidden = _hidden(user)
    if hidden is None:
        return "all"
    return "hidden" if isinstance(hidden, Ids) else None


def agreements_visible_to(user: User) -> QuerySet[Agreement]:
    """Open agreements, plus restricted ones shared with one of the user's teams.

    Anonymous users and users without a role see nothing; admins see everything.
    """
    if _sees_nothing(user):
        return Agreement.objects.none()
    hidden = _hidden(user)
    if hidden is None:
        return Agreement.objects.all()
    return Agreement.objects.exclude(**_hidden_lookup("pk", hidden))


def agreement_visible_to(user: User, agreement_id: int) -> bool:
    """Whether `user` may see the agreement: `agreements_visible_to`'s rule for one agreement
    whose id is known, asked of the hidden ids the request has read (`read_access`) without
    a query (tests/test_agreement_visible_to.py holds the two equal)."""
    if _sees_nothing(user):
        return False
    hidden = _hidden(user)
    if hidden is None:
        return True
    if isinstance(hidden, Ids):
        return agreement_id not in hidden.values
    return not hidden.filter(agreement_id=agreement_id).exists()


def commitments_visible_to(user: User) -> QuerySet[Commitment]:
    if _sees_nothing(user):
        return Commitment.objects.none()
    hidden = _hidden(user)
    if hidden is None:
        return Commitment.objects.all()
    return Commitment.objects.exclude(**_hidden_lookup("agreement_id", hidden))


def evidence_visible_to(user: User) -> QuerySet[Evidence]:
    if _sees_nothing(user):
        return Evidence.objects.none()
    hidden = _hidden(user)
    if hidden is None:
        return Evidence.objects.all()
    return Evidence.objects.exclude(**_hidden_lookup("commitment__agreement_id", hidden))


def proposals_visible_to(user: User) -> QuerySet[Proposal]:
    """The evidence inbox's proposals of the agreements the user may see."""
    if _sees_nothing(user):
        return Proposal.objects.none()
    hidden = _hidden(user)
    if hidden is None:
        return Proposal.objects.all()
    return Proposal.objects.exclude(**_hidden_lookup("commitment__agreement_id", hidden))


def agreement_free_slug(wanted: str) -> str:
    """`wanted` if no agreement has it, else the first of `wanted-2`, `wanted-3`… that none
    has. Slugs are unique among every agreement, hidden ones included, so a form that finds
    its slug taken proposes this one, in the same words whoever holds the slug
    (`services.agreement_check_slug`)."""
    base = wanted[:72].strip("-") or "agreement"
    taken = set(Agreement.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    return next(
        slug
        for n in range(1, len(taken) + 2)
        if (slug := base if n == 1 else f"{base}-{n}") not in taken
    )


@cache
def _access_sql(vendor: str) -> str:
    """`read_access`'s statement, built once per process (its only parameter is the user's id,
    four times): the hidden agreements are `hidden_agreements`' own SQL."""
    hidden_sql, hidden_params = hidden_agreements(User(pk=0)).query.sql_with_params()
    if list(hidden_params) != [0]:
        raise ValueError(f"hidden_agreements should take the user's id alone: {hidden_params}")
    user_groups = User.groups.through._meta.db_table
    user_permissions = User.user_permissions.through._meta.db_table
    group_permissions = Group.permissions.through._meta.db_table
    return (
        f"SELECT 'role', g.name, NULL FROM {Group._meta.db_table} g"
        f" JOIN {user_groups} ug ON ug.group_id = g.id WHERE ug.user_id = %s"
        f" UNION ALL SELECT 'hidden', NULL, hidden.agreement_id FROM ({hidden_sql}) hidden"
        f" UNION ALL SELECT 'permission', ct.app_label || '.' || p.codename, NULL"
        f" FROM {Permission._meta.db_table} p"
        f" JOIN {ContentType._meta.db_table} ct ON ct.id = p.content_type_id"
        f" WHERE p.id IN (SELECT permission_id FROM {user_permissions} WHERE user_id = %s"
        f" UNION SELECT gp.permission_id FROM {group_permissions} gp"
        f" JOIN {user_groups} ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s)"
    )


def read_access(user: User) -> None:
    """The user's role, the agreements hidden from them and their permissions, read in one
    query and kept on the user object for the request (a request's user is read afresh each
    request): every page shows the role and asks which agreements the user may see, and the
    pages with actions ask what the user may do. The permissions are the set Django's
    ModelBackend would read in two queries, kept where it keeps it (`_perm_cache`)."""
    if not user.is_authenticated or hasattr(user, "hidden_agreement_ids"):
        return
    with connection.cursor() as cursor:
        cursor.execute(_access_sql(connection.vendor), [user.pk] * 4)
        rows = cursor.fetchall()
    user.role = role_from_groups(
        {name for kind, name, _ in rows if kind == "role"}, user.is_superuser
    )
    user.hidden_agreement_ids = Ids(sorted(id_ for kind, _, id_ in rows if kind == "hidden"))
    if user.is_active and not user.is_superuser:
        user._perm_cache = {name for kind, name, _ in rows if kind == "permission"}
