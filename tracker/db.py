"""Small SQL helpers that PostgreSQL and SQLite spell differently."""

from datetime import UTC, date, datetime
from functools import cache

from django.core.exceptions import EmptyResultSet
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    Field,
    FileField,
    FloatField,
    ForeignKey,
    ForeignObject,
    Func,
    IntegerField,
    Lookup,
    Subquery,
    TextField,
    signals,
)
from django.db.models.base import ModelState


def days_between(connection, end: str, start: str) -> str:
    """Whole days from `start` to `end` (the SQL of two dates), as an integer."""
    if connection.vendor == "sqlite":
        return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"
    return f"({end} - {start})"


class CountOf(Subquery):
    """How many rows a subquery has, as a scalar subquery: in a query that keeps the first
    few of those rows, the total counted without joining what only the kept rows show."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


class DaysBetween(Func):
    """Whole days from `start` to `end` (both dates), as an integer."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        (end, end_params), (start, start_params) = (
            compiler.compile(argument) for argument in self.source_expressions
        )
        return days_between(connection, end, start), (*end_params, *start_params)


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


class FlaggedOverdue(Func):
    """The commitment (the argument, its id) is flagged overdue now: it has an overdue flag
    not cleared. Written here since building it as an `Exists(...)` queryset cost a table
    more than the rest of its query. `probe`: see `selectors.open_overdue_flag`."""

    output_field = BooleanField()
    arity = 1

    def __init__(self, commitment, *, probe: bool = False, **extra):
        super().__init__(commitment, **extra)
        self.probe = probe

    def as_sql(self, compiler, connection, **extra):
        (commitment,) = self.source_expressions
        sql, params = compiler.compile(commitment)
        if not self.probe:
            return open_flag_sql(connection, sql), list(params)
        probe = f" AND f.commitment_id <= {sql}"
        return open_flag_sql(connection, sql, probe), [*params, *params]


def open_flag_sql(connection, commitment: str, also: str = "") -> str:
    """The SQL of "the commitment (the SQL of its id) has an overdue flag not cleared" (and
    `also`, more of the flag's conditions): the one statement of it, for `FlaggedOverdue` and
    `Blocked`."""
    from .models import OverdueFlag

    flags = connection.ops.quote_name(OverdueFlag._meta.db_table)
    return (
        f"EXISTS (SELECT 1 FROM {flags} f "
        f"WHERE f.commitment_id = {commitment} AND f.cleared_at IS NULL{also})"
    )


class Follows(Func):
    """The user (`user_id`) follows the agreement given as the argument: a test in the
    agreement's own query, written here since building it as an `Exists(...)` queryset cost
    the agreement's page more than its SQL."""

    output_field = BooleanField()
    arity = 1

    def __init__(self, agreement, *, user_id: int, **extra):
        super().__init__(agreement, **extra)
        self.user_id = user_id

    def as_sql(self, compiler, connection, **extra):
        from .models import User

        (agreement,) = self.source_expressions
        sql, params = compiler.compile(agreement)
        table = connection.ops.quote_name(User.followed_agreements.through._meta.db_table)
        return (
            f"EXISTS (SELECT 1 FROM {table} f WHERE f.agreement_id = {sql} AND f.user_id = %s)",
            [*params, self.user_id],
        )


class _WarningSQL(Func):
    """An early warning about a commitment, its columns given as the arguments, written as
    one SQL test here: built as lookups, `When`s and `Exists(...)` querysets, the three
    warnings cost a table more to build and compile than the rest of its query. Open means
    one of `open_statuses`. Usable as an annotation, in `filter()` and in `Q`."""

    output_field = BooleanField()

    def __init__(self, *columns, open_statuses, **extra):
        super().__init__(*columns, **extra)
        self.open_statuses = [str(status) for status in open_statuses]

    def _test(self, connection, *columns: str) -> tuple[str, list]:
        raise NotImplementedError

    def _open(self, status: str) -> tuple[str, list]:
        placeholders = ", ".join(["%s"] * len(self.open_statuses))
        return f"{status} IN ({placeholders})", list(self.open_statuses)

    def as_sql(self, compiler, connection, **extra):
        compiled = [compiler.compile(column) for column in self.source_expressions]
        if any(params for _, params in compiled):
            raise ValueError("a warning's arguments are columns, without parameters")
        return self._test(connection, *(sql for sql, _ in compiled))


class AtRisk(_WarningSQL):
    """Open, due from `today` on, and less of its time left than its status allows: the
    days from today to the due date are fewer than the status's share (`shares`, status to
    share, 0 for the others) of the days from `start` to the due date. What the at-risk
    warning asks (`selectors.at_risk`); arguments: the status, the due date, the start."""

    arity = 3

    def __init__(self, status, due_on, start, *, today, shares: dict[str, float], **extra):
        super().__init__(status, due_on, start, **extra)
        self.today, self.shares = today, shares

    def _test(self, connection, status: str, due: str, start: str) -> tuple[str, list]:
        is_open, open_params = self._open(status)
        today = connection.ops.adapt_datefield_value(self.today)
        cases = " ".join("WHEN %s THEN %s" for _ in self.shares)
        shares = [value for pair in self.shares.items() for value in pair]
        real = FloatField().cast_db_type(connection)
        return (
            f"({is_open} AND {due} IS NOT NULL AND {due} >= %s AND "
            f"(CASE {status} {cases} ELSE %s END) * {days_between(connection, due, start)} "
            f"> CAST({days_between(connection, due, '%s')} AS {real}))",
            [*open_params, today, *shares, 0.0, today],
        )


class Stale(_WarningSQL):
    """Open, created before `since` (a datetime), and no evidence still standing (not
    retracted) logged since: what the stale warning asks (`selectors.stale`), the evidence
    answered from the `evidence_history` index. Arguments: the id, the status, the creation
    time."""

    arity = 3

    def __init__(self, pk, status, created_at, *, since, **extra):
        super().__init__(pk, status, created_at, **extra)
        self.since = since

    def _test(self, connection, pk: str, status: str, created: str) -> tuple[str, list]:
        from .models import Evidence

        is_open, open_params = self._open(status)
        since = connection.ops.adapt_datetimefield_value(self.since)
        evidence = connection.ops.quote_name(Evidence._meta.db_table)
        return (
            f"({is_open} AND {created} < %s AND NOT EXISTS (SELECT 1 FROM {evidence} e "
            f"WHERE e.commitment_id = {pk} AND e.retracted_at IS NULL AND e.logged_at >= %s))",
            [*open_params, since, since],
        )


class Blocked(_WarningSQL):
    """Open, and one of its prerequisites is flagged overdue now (an open overdue flag): what
    the blocked warning asks (`selectors.blocked`). Arguments: the id, the status."""

    arity = 2

    def _test(self, connection, pk: str, status: str) -> tuple[str, list]:
        from .models import Commitment

        is_open, open_params = self._open(status)
        edges = connection.ops.quote_name(Commitment.depends_on.through._meta.db_table)
        flagged = open_flag_sql(connection, "d.to_commitment_id")
        return (
            f"({is_open} AND EXISTS (SELECT 1 FROM {edges} d WHERE d.from_commitment_id = {pk} "
            f"AND {flagged}))",
            open_params,
        )


class _JsonRows(Func):
    """Rows read in a column of the owner's own query, each a JSON array, as a JSON list
    (None when there is none): a subclass's `_select` gives the columns, the FROM and WHERE,
    and the ORDER BY."""

    arity = 1

    def as_postgresql(self, compiler, connection, **extra):
        columns, where, order, params = self._select(compiler, connection)
        return (
            f"(SELECT json_agg(json_build_array({columns}) ORDER BY {order})::text {where})",
            params,
        )

    def as_sqlite(self, compiler, connection, **extra):
        columns, where, order, params = self._select(compiler, connection)
        return (
            f"(SELECT CASE WHEN count(*) THEN json_group_array(json(row)) END "
            f"FROM (SELECT json_array({columns}) AS row {where} ORDER BY {order}))",
            params,
        )


class RelatedRows(_JsonRows):
    """The rows of `model` whose foreign key `key` points at the owner (this expression's
    argument), each a JSON array of the `fields`' values, in the model's own order
    (`Meta.ordering`), as a JSON list in a column of the owner's own query; None when there
    is none. A page that shows a few short lists of its object (the agreement's milestones,
    sources...) reads them with it, rather than a query of each (`rows_as_instances`)."""

    def __init__(
        self,
        owner,
        *,
        model,
        key: str,
        fields: tuple[str, ...],
        through=None,
        related: dict[str, tuple[str, ...]] | None = None,
        **extra,
    ):
        """With `through` (a many-to-many's model), `key` is its foreign key to the owner,
        and the rows are those of `model` its other foreign key points at. With `related`
        (a foreign key's name and fields of the object it points at), each row goes on with
        those fields of each (nulls when it points at none), for `rows_as_instances`."""
        from django.db.models import JSONField

        super().__init__(owner, output_field=JSONField(), **extra)
        self.model, self.key, self.fields, self.through = model, key, fields, through
        self.related = related_in_field_order(model, related or {})
        if self.related and through is not None:
            raise ValueError("Related objects are read of a model's own rows only")

    def _select(self, compiler, connection) -> tuple[str, str, str, list]:
        """The columns, the FROM and WHERE, and the ORDER BY, over the alias `r` (and `j0`,
        `j1`... for the related objects)."""
        quote = connection.ops.quote_name
        meta = self.model._meta
        (owner,) = self.source_expressions
        sql, params = compiler.compile(owner)
        columns = [f"r.{quote(meta.get_field(name).column)}" for name in self.fields]
        table = quote(meta.db_table)
        if self.through is None:
            key = quote(meta.get_field(self.key).column)
            joins = []
            for n, (name, fields) in enumerate(self.related.items()):
                foreign = meta.get_field(name)
                target = foreign.related_model._meta
                columns += [f"j{n}.{quote(target.get_field(field).column)}" for field in fields]
                joins.append(
                    f"LEFT JOIN {quote(target.db_table)} j{n} "
                    f"ON j{n}.{quote(target.pk.column)} = r.{quote(foreign.column)}"
                )
            where = f"FROM {table} r {' '.join(joins)} WHERE r.{key} = {sql}"
        else:
            through = self.through._meta
            (target,) = (
                field
                for field in through.concrete_fields
                if field.is_relation and field.related_model is self.model
            )
            key = quote(through.get_field(self.key).column)
            where = (
                f"FROM {quote(through.db_table)} m JOIN {table} r "
                f"ON r.{quote(meta.pk.column)} = m.{quote(target.column)} WHERE m.{key} = {sql}"
            )
        return ", ".join(columns), where, self._ordering(connection), list(params)

    def _ordering(self, connection) -> str:
        """`Meta.ordering` as SQL: names ("-date" descending, "party__name" a field of a
        related object read) and `F(...).asc(nulls_last=...)`, as the ORM writes them for a
        query of the model."""
        quote = connection.ops.quote_name
        terms = []
        for item in self.model._meta.ordering:
            if isinstance(item, str):
                name, descending, nulls = item.lstrip("-"), item.startswith("-"), ""
            else:
                name, descending = item.expression.name, item.descending
                nulls = (
                    " NULLS LAST" if item.nulls_last else " NULLS FIRST" if item.nulls_first else ""
                )
            terms.append(f"{self._column(name, quote)} {'DESC' if descending else 'ASC'}{nulls}")
        return ", ".join(terms)

    def _column(self, name: str, quote) -> str:
        """A name of `Meta.ordering` as the column of `r`, or of the related object's join."""
        if "__" not in name:
            return f"r.{quote(self.model._meta.get_field(name).column)}"
        foreign, field = name.split("__")
        n = list(self.related).index(foreign)  # ordered by an object not read: refused
        target = self.model._meta.get_field(foreign).related_model
        return f"j{n}.{quote(target._meta.get_field(field).column)}"


class CommitmentRows(RelatedRows):
    """`RelatedRows` of a model pointing at a commitment (an obligation, a status change):
    those of the owner agreement's commitments, through the commitment's table, in the order
    of the model's fields `order` (else `Meta.ordering`), each with the fields of the party it
    names (`party_fields`; an inner join, for a model whose party is never null)."""

    def __init__(self, owner, *, model, fields, party_fields=(), order=(), **extra):
        super().__init__(owner, model=model, key="commitment", fields=fields, **extra)
        self.party_fields, self.order = party_fields, order

    def _select(self, compiler, connection) -> tuple[str, str, str, list]:
        from .models import Commitment, Party

        quote = connection.ops.quote_name
        meta = self.model._meta
        (owner,) = self.source_expressions
        sql, params = compiler.compile(owner)
        columns = [f"r.{quote(meta.get_field(name).column)}" for name in self.fields]
        commitments = Commitment._meta
        joins = (
            f"JOIN {quote(commitments.db_table)} c "
            f"ON c.{quote(commitments.pk.column)} = r.{quote(meta.get_field('commitment').column)}"
        )
        if self.party_fields:
            parties = Party._meta
            columns += [f"p.{quote(parties.get_field(name).column)}" for name in self.party_fields]
            joins += (
                f" JOIN {quote(parties.db_table)} p "
                f"ON p.{quote(parties.pk.column)} = r.{quote(meta.get_field('party').column)}"
            )
        agreement = quote(commitments.get_field("agreement").column)
        where = f"FROM {quote(meta.db_table)} r {joins} WHERE c.{agreement} = {sql}"
        order = (
            ", ".join(f"r.{quote(meta.get_field(name).column)} ASC" for name in self.order)
            if self.order
            else self._ordering(connection)
        )
        return ", ".join(columns), where, order, list(params)


class DependencyRows(_JsonRows):
    """The dependencies the commitment (the argument, its id) is an end of, each a JSON array
    of `fields` of the commitment that depends, then of the one depended on, then whether
    that one is flagged overdue now, as a JSON list in a column of the commitment's own
    query; None when there is none. Both ends are read in the row, each by its index: its
    page reads what it depends on and what depends on it without a query of their own."""

    def __init__(self, commitment, *, fields: tuple[str, ...], **extra):
        from django.db.models import JSONField

        super().__init__(commitment, output_field=JSONField(), **extra)
        self.fields = fields

    def _select(self, compiler, connection) -> tuple[str, str, str, list]:
        from .models import Commitment

        quote = connection.ops.quote_name
        meta = Commitment._meta
        (commitment,) = self.source_expressions
        sql, params = compiler.compile(commitment)
        pk, table = quote(meta.pk.column), quote(meta.db_table)
        edges = quote(Commitment.depends_on.through._meta.db_table)
        ends = [
            f"{end}.{quote(meta.get_field(name).column)}"
            for end in ("dependent", "prerequisite")
            for name in self.fields
        ]
        flagged = open_flag_sql(connection, f"prerequisite.{pk}")
        where = (
            f"FROM {edges} e JOIN {table} dependent ON dependent.{pk} = e.from_commitment_id "
            f"JOIN {table} prerequisite ON prerequisite.{pk} = e.to_commitment_id "
            f"WHERE e.from_commitment_id = {sql} OR e.to_commitment_id = {sql}"
        )
        return ", ".join([*ends, flagged]), where, "e.id", [*params, *params]


def related_in_field_order(model, related: dict[str, tuple[str, ...]]) -> dict:
    """`related` (a foreign key's name and fields of the object it points at) with each
    object's fields in its model's order: the order `Model.from_db` takes them in."""
    ordered = {}
    for name, fields in related.items():
        target = model._meta.get_field(name).related_model._meta
        ordered[name] = tuple(
            field.name for field in target.concrete_fields if field.name in fields
        )
    return ordered


def json_moment(text: str) -> datetime:
    """A time as JSON gives it: ISO with its offset (PostgreSQL), or in UTC without one
    (SQLite, as Django stores it)."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _from_json(field: Field):
    """What makes a field's value out of JSON, or None where JSON holds it as the field
    does (text, a number, an id)."""
    if isinstance(field, DateTimeField):
        return json_moment
    if isinstance(field, DateField):
        return date.fromisoformat
    if isinstance(field, CharField | TextField | IntegerField | FileField | ForeignKey):
        return None
    return field.to_python


def rows_as_instances(
    model,
    fields: tuple[str, ...],
    rows: list | None,
    *,
    related: dict[str, tuple[str, ...]] | None = None,
    db: str | None = None,
) -> list:
    """`RelatedRows`' rows as instances of `model` holding those fields only, each value
    made what the field holds (a date from its ISO text, a boolean from 0 or 1); with
    `related` (as `RelatedRows` was given it), each with the related objects the row goes on
    with, holding those fields and their id, as `select_related` leaves them."""
    if not rows:
        return []
    own, joined = _makers(model, tuple(fields), tuple((related or {}).items()))
    width = len(fields)
    made = []
    for row in rows:
        instance = own.make(row, db)
        start = width
        for position, count, foreign, target in joined:
            if row[position] is not None:
                values = [row[position], *row[start : start + count]]
                foreign.set_cached_value(instance, target.make(values, db))
            start += count
        made.append(instance)
    return made


@cache
def _makers(model, fields: tuple[str, ...], related: tuple) -> tuple:
    """What makes `rows_as_instances`' instances and their related objects, worked out from
    the models alone once per process: the model's `_Maker`, and for each related object
    where its id is in the row, how many fields follow, its foreign key and its `_Maker`."""
    meta = model._meta
    joined = []
    for name, target_fields in related_in_field_order(model, dict(related)).items():
        foreign = meta.get_field(name)
        target_model = foreign.related_model
        target = _Maker(target_model, (target_model._meta.pk.name, *target_fields))
        joined.append((fields.index(name), len(target_fields), foreign, target))
    return _Maker(model, fields), joined


class _Maker:
    """Makes instances of a model holding `fields` out of JSON values in that order (the
    model's), as `Model.from_db` makes them: values set where `__init__` would set them, in
    the instance's dictionary (no field of these models stores through a descriptor of its
    own). A model that something listens to the making of (`pre_init`, `post_init`:
    connected when the apps load) goes through `from_db`."""

    def __init__(self, model, fields: tuple[str, ...]) -> None:
        meta = model._meta
        self.model, self.width = model, len(fields)
        self.attnames = [meta.get_field(name).attname for name in fields]
        self.converters = [
            (n, convert)
            for n, name in enumerate(fields)
            if (convert := _from_json(meta.get_field(name))) is not None
        ]
        self.plain = not (
            signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model)
        )

    def make(self, row, db: str | None):
        values = list(row[: self.width])
        for n, convert in self.converters:
            if values[n] is not None:
                values[n] = convert(values[n])
        if not self.plain:
            return self.model.from_db(db, self.attnames, values)
        instance = self.model.__new__(self.model)
        instance._state = state = ModelState()
        state.adding, state.db = False, db
        instance.__dict__.update(zip(self.attnames, values, strict=True))
        return instance


def prefetched(instance, name: str, items: list) -> None:
    """Give `instance`'s many-to-many `name` the `items` (read with it) as
    `prefetch_related` does, so that `instance.<name>.all()` answers them without a query:
    the manager's own queryset (still filtered on the instance, for whoever narrows it)
    holding them as its results."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = items
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset
