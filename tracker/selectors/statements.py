"""Queries of a fixed shape whose SQL is compiled once per process, not on every request.

Building a queryset and compiling it costs the ORM thousands of calls, most of a small
query's cost, and the overview asks for several that only their parameters tell apart (the
user's hidden agreements, today). `rows` builds such a query once with stand-in values,
keeps its SQL text and where each stand-in went among its parameters, and runs that SQL
with the real values after: what is kept is code (the statement), never data, so no write
can make it stale. The query is always the selector's own queryset: the rules stay where
they are written. Other databases than PostgreSQL (the demo's SQLite, which writes a list
of ids as one parameter each) run the queryset as it is.
"""

import copy
from collections.abc import Callable
from datetime import date

from django.db import connection
from django.db.models import QuerySet

from ..db import Ids
from ..models import User
from .visibility import visibility_shape

_STATEMENTS: dict[tuple, tuple] = {}


def rows(key: str, user: User | None, build: Callable[..., QuerySet], **values) -> list[tuple]:
    """The rows of `build(user, **values)`, a `values_list` query: its SQL compiled the first
    time for `key` and the shape of what `user` may see (`visibility_shape`; None for a query
    of rows already known visible), then only run. Each value must be a date or an `Ids`
    (the stand-ins are made of their type)."""
    shape = visibility_shape(user) if user is not None else "all"
    if shape is None or connection.vendor != "postgresql":
        return list(build(user, **values))
    statement = _STATEMENTS.get((key, shape))
    if statement is None:
        statement = _STATEMENTS[(key, shape)] = _compile(user, shape, build, values)
    sql, slots, width, converters = statement
    known = {name: _parameter(value) for name, value in values.items()}
    known[_HIDDEN] = _parameter(user.hidden_agreement_ids) if shape == "hidden" else None
    params = [known[name] if name is not None else constant for name, constant in slots]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
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
    """What the ORM passes to the database for `value`: an `Ids` goes as its list."""
    return value.values if isinstance(value, Ids) else value


def _stand_in(value, n: int):
    """A value of `value`'s type that no real parameter equals, the `n`th of its kind."""
    if isinstance(value, Ids):
        return Ids([-1 - n])
    if isinstance(value, date):
        return date(1, 1, 1 + n)
    raise TypeError(f"No stand-in for {type(value).__name__}: {value!r}")


def _compile(user: User | None, shape: str, build: Callable[..., QuerySet], values: dict) -> tuple:
    """The SQL of `build` with stand-ins for the values and the hidden agreements, and each
    parameter's source: a value's name, or a constant of the query itself. Refuses a query
    whose SQL holds a stand-in outside its parameters or leaves one out."""
    stand_ins = {name: _stand_in(value, n) for n, (name, value) in enumerate(values.items())}
    stand_user = copy.copy(user)
    if shape == "hidden":
        stand_ins[_HIDDEN] = stand_user.hidden_agreement_ids = Ids([-1 - len(values)])
    queryset = build(stand_user, **{n: v for n, v in stand_ins.items() if n != _HIDDEN})
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    by_value = [(name, _parameter(value)) for name, value in stand_ins.items()]
    slots = []
    for param in params:
        name = next((n for n, v in by_value if type(v) is type(param) and v == param), None)
        slots.append((name, None if name is not None else param))
    if {name for name, _ in slots} - {None} != set(stand_ins):
        raise ValueError(f"Not every value is a parameter of: {sql}")
    selected = [column for column, _, _ in compiler.select[: compiler.col_count]]
    return sql, slots, compiler.col_count, compiler.get_converters(selected)
