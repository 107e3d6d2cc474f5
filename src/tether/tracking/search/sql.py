"""Run search in SQL: parsed clauses become joins and WHERE conditions, order keys become ORDER BY.

Everything runs in the database, so a search over 100,000 runs never loads them into Python: metric
clauses probe ``latest_metrics`` (indexed on key, value), param and tag clauses probe ``params`` and
``run_tags`` by their (run_id, key) primary keys.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    Double,
    Select,
    Table,
    and_,
    exists,
    func,
    literal,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.selectable import Join

from tether.storage.tables import experiment_tags, experiments, latest_metrics, params, run_tags, runs
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


@dataclass(frozen=True)
class SearchQuery:
    """How to read one page of a search, fast at 100,000 runs.

    When the first order key is a metric, param or tag, ``keyed`` lists the runs that have it, read in
    order straight from that key's (key, value) index, so the first page costs a few index steps instead
    of a sort of every run; ``rest`` lists the runs without it, which sort after all the others.
    Otherwise ``keyed`` is None and ``rest`` is the whole ordered result.
    """

    rest: Select[Any]
    keyed: Select[Any] | None = None
    keyed_count: Select[Any] | None = None

    def page(self, conn: Connection, offset: int, limit: int) -> list[str]:
        """Run ids ``offset`` to ``offset + limit`` of the result, in order."""
        if self.keyed is None or self.keyed_count is None:
            return list(conn.execute(self.rest.limit(limit).offset(offset)).scalars())
        found = list(conn.execute(self.keyed.limit(limit).offset(offset)).scalars())
        if len(found) == limit:
            return found
        keyed_total = (
            offset + len(found) if found or offset == 0 else int(conn.execute(self.keyed_count).scalar_one())
        )
        rest_offset = max(0, offset - keyed_total)
        return found + list(conn.execute(self.rest.limit(limit - len(found)).offset(rest_offset)).scalars())


def search_query(
    experiment_ids: Sequence[int],
    view: ViewType,
    clauses: Sequence[Clause],
    order: Sequence[OrderKey],
) -> SearchQuery:
    """The runs matching every clause, sorted by ``order`` then start_time DESC, run_id.

    The run_id tiebreak makes the order total, so OFFSET paging never skips or repeats a run.
    """
    base = select(runs.c.run_id).where(runs.c.experiment_id.in_(list(experiment_ids)))
    if view != "all":
        base = base.where(runs.c.lifecycle_stage == view)
    for index, clause in enumerate(clauses):
        base = _filter(base, clause, index)
    if not order or order[0].entity == "attribute":
        return SearchQuery(rest=_ordered(base, order, 0))
    first, others = order[0], order[1:]
    table = _TABLES[first.entity].alias("order_0")
    present = and_(table.c.run_id == runs.c.run_id, table.c.key == first.key, table.c.value.is_not(None))
    if any(clause.entity != "attribute" for clause in clauses):
        keyed = base.join(table, present)  # the database picks the most selective index to start from
    else:  # nothing narrows the runs: walk the order key's index and stop after one page
        keyed = base.select_from(_OuterFirst(table, runs, present))
    value = table.c.value
    ordered_keyed = _ordered(keyed.order_by(value.asc() if first.ascending else value.desc()), others, 1)
    counted = select(func.count()).select_from(keyed.subquery())
    rest = _ordered(base.where(~exists().where(present)), others, 1)
    return SearchQuery(rest=rest, keyed=ordered_keyed, keyed_count=counted)


def _ordered(statement: Select[Any], order: Sequence[OrderKey], start: int) -> Select[Any]:
    for index, key in enumerate(order, start):
        statement = _order_by(statement, key, index)
    return statement.order_by(runs.c.start_time.desc(), runs.c.run_id.asc())


def _filter(statement: Select[Any], clause: Clause, index: int) -> Select[Any]:
    """Attributes compare columns of runs; other clauses join their table on its (run_id, key) primary key.

    A join matches at most one row per run, so it never repeats a run, and it lets the database start
    from a selective (key, value) index instead of probing every run.
    """
    if clause.entity == "attribute":
        return statement.where(compare(_ATTRIBUTE_COLUMNS[clause.key], clause))
    table = _TABLES[clause.entity].alias(f"filter_{index}")
    has_key = and_(table.c.run_id == runs.c.run_id, table.c.key == clause.key)
    if clause.comparator == "IS NULL":
        return statement.where(~exists().where(has_key))
    if clause.comparator == "IS NOT NULL":
        return statement.where(exists().where(has_key))
    # A missing key (and a NaN metric, stored NULL) fails every comparison, != included.
    return statement.join(table, and_(has_key, compare(table.c.value, clause)))


def compare(column: ColumnElement[Any], clause: Clause) -> ColumnElement[bool]:
    """``column`` compared as ``clause`` says, with the same semantics (case-sensitive LIKE) everywhere."""
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


# --- join order -----------------------------------------------------------------------------------------


class _OuterFirst(Join):
    """A join whose left side must be the outer loop: SQLite reads ``CROSS JOIN`` as that instruction.

    Other databases get a plain inner join (PostgreSQL plans LIMIT queries from an ordered index well).
    """

    inherit_cache = True


@compiles(_OuterFirst, "sqlite")
def _compile_outer_first(element: _OuterFirst, compiler: SQLCompiler, **kw: Any) -> str:
    kw["asfrom"] = True
    left = compiler.process(element.left, **kw)
    right = compiler.process(element.right, **kw)
    condition = compiler.process(element.onclause, **kw) if element.onclause is not None else "1"
    return f"{left} CROSS JOIN {right} ON {condition}"


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


def tagged_condition(table: Table, tags: Table, keys: tuple[str, ...], clause: Clause) -> ColumnElement[bool]:
    """A clause over an object that has attributes (``table``) and tags (``tags``, joined on ``keys``), as
    experiments and registered models do: a missing tag fails every comparison but ``IS NULL``."""
    if clause.entity == "attribute":
        return compare(table.c[clause.key], clause)
    owned = and_(*(tags.c[k] == table.c[k] for k in keys), tags.c.key == clause.key)
    if clause.comparator == "IS NULL":
        return ~exists().where(owned)
    if clause.comparator == "IS NOT NULL":
        return exists().where(owned)
    return exists().where(owned, compare(tags.c.value, clause))


def experiment_conditions(clauses: Sequence[Clause]) -> list[ColumnElement[bool]]:
    """The WHERE conditions on ``experiments`` that an experiment filter's clauses stand for."""
    return [tagged_condition(experiments, experiment_tags, ("experiment_id",), clause) for clause in clauses]
