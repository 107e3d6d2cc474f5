"""Run search as one SQL statement: parsed clauses become WHERE, order keys become ORDER BY.

Everything runs in the database, so a search over 100,000 runs never loads them into Python: metric
clauses probe ``latest_metrics`` (indexed on key, value), param and tag clauses probe ``params`` and
``run_tags`` by their (run_id, key) primary keys.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Double, Select, Table, and_, exists, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from tether.storage.tables import latest_metrics, params, run_tags, runs
from tether.tracking.search.grammar import (
    NULLABLE_ATTRIBUTES,
    NUMERIC_ATTRIBUTES,
    STRING_ATTRIBUTES,
    Clause,
    Entity,
    OrderKey,
)
from tether.types import ViewType

_ATTRIBUTE_COLUMNS: dict[str, ColumnElement[Any]] = {
    name: runs.c[name] for name in (*STRING_ATTRIBUTES, *NUMERIC_ATTRIBUTES)
}
_TABLES: dict[Entity, Table] = {"metric": latest_metrics, "param": params, "tag": run_tags}
_LIKE_ESCAPE = "\\"
_INT64_LIMIT = 2**63


def search_statement(
    experiment_ids: Sequence[int],
    view: ViewType,
    clauses: Sequence[Clause],
    order: Sequence[OrderKey],
) -> Select[Any]:
    """SELECT runs.run_id matching every clause, sorted by ``order`` then start_time DESC, run_id.

    The run_id tiebreak makes the order total, so OFFSET paging never skips or repeats a run.
    """
    statement = select(runs.c.run_id).where(runs.c.experiment_id.in_(list(experiment_ids)))
    if view != "all":
        statement = statement.where(runs.c.lifecycle_stage == view)
    for clause in clauses:
        statement = statement.where(_condition(clause))
    for index, key in enumerate(order):
        statement = _order_by(statement, key, index)
    return statement.order_by(runs.c.start_time.desc(), runs.c.run_id.asc())


def _condition(clause: Clause) -> ColumnElement[bool]:
    if clause.entity == "attribute":
        return _compare(_ATTRIBUTE_COLUMNS[clause.key], clause)
    table = _TABLES[clause.entity]
    has_key = and_(table.c.run_id == runs.c.run_id, table.c.key == clause.key)
    if clause.comparator == "IS NULL":
        return ~exists().where(has_key)
    if clause.comparator == "IS NOT NULL":
        return exists().where(has_key)
    # A missing key (and a NaN metric, stored NULL) fails every comparison, != included.
    return exists().where(has_key, _compare(table.c.value, clause))


def _compare(column: ColumnElement[Any], clause: Clause) -> ColumnElement[bool]:
    value: Any = clause.value
    if isinstance(value, float) and clause.entity == "attribute":
        value = _time_literal(value)
    return _COMPARISONS[clause.comparator](column, value)


def _time_literal(value: float) -> Any:
    """Whole numbers bind as integers so PostgreSQL compares BIGINT with BIGINT and uses the index."""
    if value.is_integer() and abs(value) < _INT64_LIMIT:
        return int(value)
    return literal(value, Double())


_COMPARISONS: dict[str, Callable[[ColumnElement[Any], Any], ColumnElement[bool]]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "LIKE": lambda column, pattern: _CaseSensitiveLike(column, pattern, like_to_glob(pattern)),
    "ILIKE": lambda column, pattern: column.ilike(pattern, escape=_LIKE_ESCAPE),
    "IN": lambda column, values: column.in_(values),
    "NOT IN": lambda column, values: column.not_in(values),
    "IS NULL": lambda column, _: column.is_(None),
    "IS NOT NULL": lambda column, _: column.is_not(None),
}


def _order_by(statement: Select[Any], key: OrderKey, index: int) -> Select[Any]:
    """Sort on a column; a run lacking the key (or with a NaN metric) has NULL there and goes last."""
    if key.entity == "attribute":
        column = _ATTRIBUTE_COLUMNS[key.key]
        ordered = column.asc() if key.ascending else column.desc()
        return statement.order_by(ordered.nulls_last() if key.key in NULLABLE_ATTRIBUTES else ordered)
    table = _TABLES[key.entity].alias(f"order_{index}")
    statement = statement.outerjoin(table, and_(table.c.run_id == runs.c.run_id, table.c.key == key.key))
    value = table.c.value
    return statement.order_by((value.asc() if key.ascending else value.desc()).nulls_last())


# --- case-sensitive LIKE on every database ------------------------------------------------------------------


class _CaseSensitiveLike(FunctionElement[bool]):
    """``column LIKE pattern ESCAPE '\\'``, case-sensitive everywhere.

    SQLite's LIKE ignores ASCII case, and its ``case_sensitive_like`` pragma would change every query on a
    shared connection, so on SQLite the pattern runs as the equivalent GLOB. Both spellings of the pattern
    are bound parameters, so the statement caches like any other.
    """

    name = "case_sensitive_like"
    type = Boolean()
    inherit_cache = True

    def __init__(self, column: ColumnElement[Any], pattern: str, glob: str) -> None:
        super().__init__(column, literal(pattern), literal(glob))


@compiles(_CaseSensitiveLike)
def _compile_like(element: _CaseSensitiveLike, compiler: SQLCompiler, **kw: Any) -> str:
    column, pattern, _glob = element.clauses
    return compiler.process(column.like(pattern, escape=_LIKE_ESCAPE), **kw)


@compiles(_CaseSensitiveLike, "sqlite")
def _compile_glob(element: _CaseSensitiveLike, compiler: SQLCompiler, **kw: Any) -> str:
    column, _pattern, glob = element.clauses
    # Parenthesised: SQLite has no boolean type, so SQLAlchemy may append "= 1" to this expression.
    return f"({compiler.process(column, **kw)} GLOB {compiler.process(glob, **kw)})"


def like_to_glob(pattern: str) -> str:
    """Rewrite a LIKE pattern (``%``, ``_``, ``\\`` escapes) as a GLOB pattern that matches the same text."""
    out: list[str] = []
    characters = iter(pattern)
    for char in characters:
        if char == _LIKE_ESCAPE:
            out.append(_glob_literal(next(characters, _LIKE_ESCAPE)))
        elif char == "%":
            out.append("*")
        elif char == "_":
            out.append("?")
        else:
            out.append(_glob_literal(char))
    return "".join(out)


def _glob_literal(char: str) -> str:
    return f"[{char}]" if char in "*?[" else char
