"""Small SQL helpers that PostgreSQL and SQLite spell differently."""

from django.core.exceptions import EmptyResultSet
from django.db.models import (
    BooleanField,
    CharField,
    Field,
    FloatField,
    ForeignObject,
    Func,
    IntegerField,
    Lookup,
    Subquery,
)


class CountOf(Subquery):
    """How many rows a subquery has, as a scalar subquery: in a query that keeps the first
    few of those rows, the total counted without joining what only the kept rows show."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


class DaysBetween(Func):
    """Whole days from `start` to `end` (both dates), as an integer."""

    output_field = IntegerField()
    arity = 2

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ")

    def as_sqlite(self, compiler, connection, **extra):
        end, start = self.source_expressions
        end_sql, end_params = compiler.compile(end)
        start_sql, start_params = compiler.compile(start)
        return (
            f"CAST(julianday({end_sql}) - julianday({start_sql}) AS INTEGER)",
            (*end_params, *start_params),
        )


class Ids:
    """Integer ids for the `__any` lookup, taken as they are: the ORM walks a list value
    element by element when it builds a filter (to resolve expressions inside), once per
    query, and a user's hidden agreements are hundreds of ids on every query of a page."""

    __slots__ = ("values",)

    def __init__(self, values) -> None:
        self.values = [int(value) for value in values]

    def __len__(self) -> int:
        return len(self.values)


def array_text(ids: list[int]) -> str:
    """Integers as PostgreSQL writes an array of them ("{1,2,3}"), for a parameter cast to
    an array: the database reads the text in one go, where psycopg would adapt a list element
    by element, some ten calls an id, on each query of a page for a reader with hundreds of
    hidden agreements. Safe to write: the values are ints (`AnyOf.get_prep_lookup`)."""
    return "{" + ",".join(map(str, ids)) + "}"


class AnyOf(Lookup):
    """`field__any=[ids]`: the field equals one of the values. PostgreSQL gets the list as one
    array parameter, which the ORM passes as it is; `__in` prepares every value on its own,
    which for the hundreds of hidden agreements cost more than the rest of the query to
    build. SQLite gets `IN (...)`."""

    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self):
        if isinstance(self.rhs, Ids):
            return self.rhs.values
        return [int(value) for value in self.rhs]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # One array parameter, unnested in a subquery: PostgreSQL hashes it at run time, also
        # in a prepared statement's generic plan, where `= ANY(array)` is compared element by
        # element. The cast keeps the column's type: psycopg sends small numbers as smallint.
        element = self.lhs.output_field.cast_db_type(connection)
        return f"{lhs} IN (SELECT unnest(%s::{element}[]))", [*lhs_params, array_text(self.rhs)]

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        placeholders = ", ".join(["%s"] * len(self.rhs))
        return f"{lhs} IN ({placeholders})", [*lhs_params, *self.rhs]


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # a foreign key takes only lookups registered on it


class _PartyCodes(Func):
    """Party codes by party name, joined by " · ", as one column of the owner's own query
    ("" when there is none): `_from` says which parties (the FROM and WHERE of `p`, the party
    table)."""

    output_field = CharField()
    arity = 1

    def _from(self, compiler, connection) -> tuple[str, list]:
        raise NotImplementedError

    def _through(self, compiler, connection, table: str, owner_column: str) -> tuple[str, list]:
        """The parties of the owner (this expression's argument) in `table`, a table with a
        `party_id` and an `owner_column`."""
        from .models import Party

        quote = connection.ops.quote_name
        (owner,) = self.source_expressions
        sql, params = compiler.compile(owner)
        return (
            f"FROM {quote(table)} r JOIN {quote(Party._meta.db_table)} p ON p.id = r.party_id "
            f"WHERE r.{quote(owner_column)} = {sql}",
            list(params),
        )

    def as_postgresql(self, compiler, connection, **extra):
        where, params = self._from(compiler, connection)
        return f"COALESCE((SELECT string_agg(p.code, ' · ' ORDER BY p.name) {where}), '')", params

    def as_sqlite(self, compiler, connection, **extra):
        where, params = self._from(compiler, connection)
        return (
            f"COALESCE((SELECT group_concat(code, ' · ') "
            f"FROM (SELECT p.code {where} ORDER BY p.name)), '')",
            params,
        )


class AgreementPartyCodes(_PartyCodes):
    """An agreement's parties' codes ("AFG · PAK"): the overview's cards show them without a
    query of their own."""

    def _from(self, compiler, connection) -> tuple[str, list]:
        from .models import Agreement

        table = Agreement.parties.through._meta.db_table
        return self._through(compiler, connection, table, "agreement_id")


class ResponsiblePartyCodes(_PartyCodes):
    """A commitment's responsible parties' codes, by party name, joined by " · ", as one
    column of the commitment's own query (the digest lists them for each item, the overview
    for each row). With `open_only`, only the parties whose own status (obligation) is still
    open: those late on an overdue commitment."""

    def __init__(self, *expressions, open_only: bool = False, **extra):
        super().__init__(*expressions, **extra)
        self.open_only = open_only

    def _from(self, compiler, connection) -> tuple[str, list]:
        from .models import Commitment, Obligation
        from .models.commitments import OPEN_STATUSES

        if not self.open_only:
            table = Commitment.responsible_parties.through._meta.db_table
            return self._through(compiler, connection, table, "commitment_id")
        where, params = self._through(
            compiler, connection, Obligation._meta.db_table, "commitment_id"
        )
        placeholders = ", ".join(["%s"] * len(OPEN_STATUSES))
        return (
            f"{where} AND r.status IN ({placeholders})",
            [*params, *(str(status) for status in OPEN_STATUSES)],
        )


class TeamNames(Func):
    """The names of the teams an agreement is restricted to, by name, as a JSON list in a
    column of the agreement's own query (an agreement's page shows them without a query of
    their own); None for an open agreement."""

    arity = 1

    def __init__(self, *expressions, **extra):
        from django.db.models import JSONField

        super().__init__(*expressions, output_field=JSONField(), **extra)

    def _from(self, compiler, connection) -> tuple[str, list]:
        from .models import Agreement, Team

        quote = connection.ops.quote_name
        (agreement,) = self.source_expressions
        sql, params = compiler.compile(agreement)
        through = quote(Agreement.teams.through._meta.db_table)
        return (
            f"FROM {through} r JOIN {quote(Team._meta.db_table)} t ON t.id = r.team_id "
            f"WHERE r.agreement_id = {sql}",
            list(params),
        )

    def as_postgresql(self, compiler, connection, **extra):
        where, params = self._from(compiler, connection)
        return f"(SELECT json_agg(t.name ORDER BY t.name)::text {where})", params

    def as_sqlite(self, compiler, connection, **extra):
        where, params = self._from(compiler, connection)
        return (
            f"(SELECT CASE WHEN count(*) THEN json_group_array(name) END "
            f"FROM (SELECT t.name {where} ORDER BY t.name))",
            params,
        )


class _ExistsSQL(Func):
    """An EXISTS test about the commitment given as the first argument, written as SQL once
    here: the early warnings ask it of every row of a table, and building the same test as a
    queryset (`Exists(...)` with `OuterRef`) cost a page more to build and compile than the
    rest of its query. Usable in `filter()`, in `Q` and negated (`~Q(...)`)."""

    output_field = BooleanField()

    def _test(self, connection, *arguments: str) -> str:
        raise NotImplementedError

    def as_sql(self, compiler, connection, **extra):
        compiled = [compiler.compile(argument) for argument in self.source_expressions]
        params = [param for _, argument_params in compiled for param in argument_params]
        return self._test(connection, *(sql for sql, _ in compiled)), params


class StandingEvidenceSince(_ExistsSQL):
    """The commitment (`commitment`, its id) has evidence still standing (not retracted)
    logged at or after `since` (a datetime `Value`): what the stale warning asks
    (`selectors.stale`), answered from the `evidence_history` index."""

    arity = 2

    def _test(self, connection, commitment: str, since: str) -> str:
        from .models import Evidence

        evidence = connection.ops.quote_name(Evidence._meta.db_table)
        return (
            f"EXISTS (SELECT 1 FROM {evidence} e WHERE e.commitment_id = {commitment} "
            f"AND e.retracted_at IS NULL AND e.logged_at >= {since})"
        )


class PrerequisiteFlagged(_ExistsSQL):
    """One of the commitment's prerequisites (`commitment`, its id) is flagged overdue now
    (an open overdue flag): what the blocked warning asks (`selectors.blocked`)."""

    arity = 1

    def _test(self, connection, commitment: str) -> str:
        from .models import Commitment, OverdueFlag

        quote = connection.ops.quote_name
        edges = quote(Commitment.depends_on.through._meta.db_table)
        flags = quote(OverdueFlag._meta.db_table)
        return (
            f"EXISTS (SELECT 1 FROM {edges} d WHERE d.from_commitment_id = {commitment} "
            f"AND EXISTS (SELECT 1 FROM {flags} f WHERE f.commitment_id = d.to_commitment_id "
            "AND f.cleared_at IS NULL))"
        )


class StatusShare(Func):
    """A number for each status (`shares`, status to number; `default` for the others) as a
    CASE over the status column given as the argument: the at-risk warning's share of the
    time that may be left (`selectors.at_risk`). One CASE written here rather than a `When`
    per status, each a filter the ORM builds on every request."""

    output_field = FloatField()
    arity = 1

    def __init__(self, status, *, shares: dict[str, float], default: float, **extra):
        super().__init__(status, **extra)
        self.shares, self.default = shares, default

    def as_sql(self, compiler, connection, **extra):
        (status,) = self.source_expressions
        sql, params = compiler.compile(status)
        cases = " ".join("WHEN %s THEN %s" for _ in self.shares)
        values = [value for pair in self.shares.items() for value in pair]
        return (
            f"CASE {sql} {cases} ELSE %s END",
            [*params, *values, self.default],
        )
