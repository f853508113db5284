"""Queries of a fixed shape whose SQL is compiled once per process, not on every request.

Building a queryset and compiling it costs the ORM thousands of calls, most of a small
query's cost, and the overview and the commitment page ask for several that only their
parameters tell apart (the user's hidden agreements, today, the commitment's id). `rows`
builds such a query once with stand-in values, keeps its SQL text and where each stand-in
went among its parameters, and runs that SQL with the real values after (`instances` makes
model instances of the rows, with their `select_related` objects, as the ORM does): what is
kept is code (the statement), never data, so no write can make it stale. The query is
always the selector's own queryset: the rules stay where they are written. Values the ORM
converts (a JSON column) go through its converters. Other databases than PostgreSQL (the
demo's SQLite, which writes a list of ids as one parameter each) run the queryset as it is.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from typing import NamedTuple

from django.core.signals import setting_changed
from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators
from django.dispatch import receiver

from ..db import Ids, array_text
from ..models import User
from .visibility import visibility_shape

_STATEMENTS: dict[tuple, "Statement"] = {}


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    """A statement may hold a setting as a constant (the at-risk shares of `db.AtRisk`),
    which its two builds cannot tell from the code's own: when a setting changes (a test's
    `override_settings`; never in a running site), every statement is compiled afresh."""
    _STATEMENTS.clear()


class Statement(NamedTuple):
    sql: str
    slots: list[tuple[str | None, object]]  # each parameter: a value's name, or a constant
    width: int  # the columns the ORM reads of a row
    converters: dict
    fields: list[str]  # a model's columns (attnames) the row starts with, for `instances`
    annotations: dict[str, int]  # an annotation's position in the row, by name
    populators: list  # what makes the `select_related` objects, for `instances`
    hidden: bool  # compiled for a reader with hidden agreements: they are a parameter


def rows(key: str, user: User | None, build: Callable[..., QuerySet], **values) -> list[tuple]:
    """The rows of `build(user, **values)`, a `values_list` query: its SQL compiled the first
    time for `key` and the shape of what `user` may see (`visibility_shape`; None for a query
    of rows already known visible), then only run. Each value must be a date, an int (an
    id), a moment (a datetime), a word (a str: a choice's value) or an `Ids` (the stand-ins
    are made of their type)."""
    statement = _statement(key, user, build, values)
    if statement is None:
        return list(build(user, **values))
    return _run(statement, user, values)


def instances(key: str, user: User | None, build: Callable[..., QuerySet], **values) -> list[Model]:
    """As `rows`, for a query of model instances (annotated, with `select_related` objects,
    without prefetching): each made from its row as the ORM makes it (`Model.from_db`)."""
    statement = _statement(key, user, build, values)
    if statement is None:
        return list(build(user, **values))
    model, fields, width = _MODELS[key], statement.fields, len(statement.fields)
    made = []
    for row in _run(statement, user, values):
        instance = model.from_db(connection.alias, fields, row[:width])
        for populator in statement.populators:
            populator.populate(row, instance)
        for name, position in statement.annotations.items():
            setattr(instance, name, row[position])
        made.append(instance)
    return made


_MODELS: dict[str, type[Model]] = {}


def _statement(key, user, build, values) -> Statement | None:
    """The statement of `key` for what `user` may see, compiled the first time; None when
    the query is to run as a queryset."""
    shape = visibility_shape(user) if user is not None else "all"
    if shape is None or connection.vendor != "postgresql":
        return None
    origin = _origin(build)
    if _ORIGINS.setdefault(key, origin) != origin:
        raise ValueError(f"Two queries under one key, {key!r}: {_ORIGINS[key]} and {origin}")
    # By role too: a rule that tells readers apart by role and not by what is hidden from
    # them would still never give one role's statement to another.
    place = (key, shape, getattr(user, "role", None))
    statement = _STATEMENTS.get(place)
    if statement is None:
        queryset, statement = _compile(user, shape, build, values)
        _MODELS[key] = queryset.model
        _STATEMENTS[place] = statement
    return statement


_ORIGINS: dict[str, tuple] = {}


def _origin(build: Callable) -> tuple:
    """What makes a query: its function, with a `partial`'s arguments. A key names one
    query, whatever module asks for it: a second function under a key taken is refused
    rather than run with the first one's statement."""
    if isinstance(build, partial):
        return (*_origin(build.func), build.args, tuple(sorted(build.keywords.items())))
    return (build.__module__, build.__qualname__)


def _run(statement: Statement, user: User | None, values: dict) -> list[tuple]:
    known = {name: _parameter(value) for name, value in values.items()}
    if statement.hidden:
        known[_HIDDEN] = _parameter(user.hidden_agreement_ids)
    params = [known[name] if name is not None else constant for name, constant in statement.slots]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        found = cursor.fetchall()
    width, converters = statement.width, statement.converters
    if converters or (found and len(found[0]) != width):
        return [_converted(row[:width], converters) for row in found]
    return found


def _converted(row: tuple, converters: dict) -> tuple:
    """The row as the ORM gives it back: each value through its field's converters."""
    row = list(row)
    for position, (functions, expression) in converters.items():
        for function in functions:
            row[position] = function(row[position], expression, connection)
    return tuple(row)


_HIDDEN = "hidden agreements"


def _parameter(value):
    """What the ORM passes to PostgreSQL for `value`: an `Ids` goes as its array's text
    (`db.AnyOf`)."""
    return array_text(value.values) if isinstance(value, Ids) else value


def _stand_in(value, n: int, round_: int):
    """A value of `value`'s type that no real parameter equals, the `n`th of its kind, one
    of another set in each round."""
    if isinstance(value, Ids):
        return Ids([-1 - n - 1000 * round_])
    if isinstance(value, datetime):  # before `date`, of which it is a kind
        return datetime(1 + round_, 1, 1 + n, tzinfo=UTC if value.tzinfo else None)
    if isinstance(value, date):
        return date(1 + round_, 1, 1 + n)
    if type(value) is int:
        return -1 - n - 1000 * round_
    if type(value) is str:
        return f"stand-in {n} of round {round_}"
    raise TypeError(f"No stand-in for {type(value).__name__}: {value!r}")


def _compile(user: User | None, shape: str, build: Callable, values: dict) -> tuple:
    """The query `build` makes with stand-ins for the values and the hidden agreements, and
    its statement. Built twice, with other stand-ins: a query whose SQL text changes with
    them (a value written into it), or whose parameters change other than in the stand-ins'
    places (a value used otherwise than as it is), or that leaves one out, is refused."""
    queryset, compiler, sql, slots = _built(user, shape, build, values, 0)
    _, _, other_sql, other_slots = _built(user, shape, build, values, 1)
    if other_sql != sql or other_slots != slots:
        raise ValueError(f"A value is not a parameter of its own in: {sql}")
    selected = [column for column, _, _ in compiler.select[: compiler.col_count]]
    fields, populators = _model_parts(queryset, compiler, sql)
    return queryset, Statement(
        sql,
        slots,
        compiler.col_count,
        compiler.get_converters(selected),
        fields,
        dict(compiler.annotation_col_map or {}),
        populators,
        shape == "hidden",
    )


def _built(user: User | None, shape: str, build: Callable, values: dict, round_: int) -> tuple:
    """The queryset `build` makes with the `round_`th stand-ins, its compiler, SQL and slots."""
    stand_ins = {
        name: _stand_in(value, n, round_) for n, (name, value) in enumerate(values.items())
    }
    stand_user = None if user is None else _stand_in_reader(user, round_)
    if shape == "hidden":
        hidden = Ids([-1 - len(values) - 1000 * round_])
        stand_ins[_HIDDEN] = stand_user.hidden_agreement_ids = hidden
    queryset = build(stand_user, **{n: v for n, v in stand_ins.items() if n != _HIDDEN})
    if queryset._prefetch_related_lookups:
        raise ValueError("A statement is one query: no prefetching")
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    return queryset, compiler, sql, _slots(params, stand_ins, sql)


def _stand_in_reader(user: User, round_: int) -> User:
    """A reader of `user`'s shape and role and nothing else of theirs: another id each round,
    no cached permissions or related objects, so that a query that reads anything of its
    reader but the role and the hidden agreements differs between the rounds and is refused,
    not compiled with the first reader's value kept for every reader after."""
    reader = User(pk=-1_000_000 - round_, is_active=user.is_active, is_superuser=user.is_superuser)
    reader.role = user.role
    reader.hidden_agreement_ids = getattr(user, "hidden_agreement_ids", None)
    return reader


def _slots(params, stand_ins: dict, sql: str) -> list[tuple[str | None, object]]:
    """Each parameter's source: the name of the value whose stand-in it is, or a constant."""
    by_value = [(name, _parameter(value)) for name, value in stand_ins.items()]
    slots = []
    for param in params:
        name = next((n for n, v in by_value if type(v) is type(param) and v == param), None)
        slots.append((name, None if name is not None else param))
    if {name for name, _ in slots} - {None} != set(stand_ins):
        raise ValueError(f"Not every value is a parameter of: {sql}")
    return slots


def with_related(model: type[Model], related: dict[str, tuple[str, ...]]) -> QuerySet:
    """`model`'s rows with every column of their own, and of each related object (`related`:
    a foreign key's name and the fields it is read for) only those: a query for `instances`
    that reads of a related person or party only what the page shows."""
    own = [field.name for field in model._meta.concrete_fields]
    wanted = [f"{name}__{field}" for name, fields in related.items() for field in fields]
    return model.objects.select_related(*related).only(*own, *wanted)


def _model_parts(queryset: QuerySet, compiler, sql: str) -> tuple[list[str], list]:
    """For a query of model instances, the model's columns the row starts with (attnames)
    and what makes its `select_related` objects, as `ModelIterable` reads them."""
    if queryset._iterable_class is not ModelIterable:
        return [], []
    positions = compiler.klass_info["select_fields"]
    if positions != list(range(len(positions))):
        raise ValueError(f"A model's columns should come first in: {sql}")
    fields = [compiler.select[i][0].target.attname for i in positions]
    return fields, get_related_populators(compiler.klass_info, compiler.select, queryset.db)
