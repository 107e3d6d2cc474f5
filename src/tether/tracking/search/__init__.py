"""Run search: an MLflow-compatible filter and order-by language, translated to SQL.

Contracts:

- ``parse_filter(text)`` returns the AND-joined clauses of ``text`` (``[]`` for a blank filter) and raises
  ``tether.errors.InvalidFilter`` (with the 0-based ``position`` of the offending token) for every bad
  input, never another exception.
- ``format_filter(clauses)`` writes canonical text; ``parse_filter(format_filter(c)) == c`` for every
  list ``c`` that ``parse_filter`` can produce. ``str()`` of a ``Clause`` or ``OrderKey`` is its
  canonical text.
- ``parse_order_by(items)`` parses ``<entity>.<key> [ASC|DESC]`` items; an error points into the bad item.
- ``parse_filter(text, vocabulary)`` parses a filter over something other than runs (the registry's
  models and versions); ``compare(column, clause)`` is one clause as SQL, for such a caller's own tables.
- ``search_query(...)`` builds a ``SearchQuery`` whose ``page(conn, offset, limit)`` returns run ids,
  computed entirely in the database. Its order is total (ties end on start_time DESC, run_id), so offset
  paging is deterministic; with a metric, param or tag as the first order key a page is read from that
  key's (key, value) index instead of sorting every run.
- Semantics: a NaN metric (stored NULL) or a missing key never satisfies a comparison, ``!=`` included;
  ``IS NULL`` means "the run lacks the key"; LIKE is case-sensitive and ILIKE is not, on SQLite and
  PostgreSQL alike; a run lacking an order key (or with a NaN metric) sorts last, ascending or descending.
"""

from __future__ import annotations

from tether.tracking.search.grammar import (
    EXPERIMENT_ORDER,
    EXPERIMENTS,
    Clause,
    OrderKey,
    Vocabulary,
    format_filter,
    parse_filter,
    parse_order_by,
)
from tether.tracking.search.sql import (
    SearchQuery,
    compare,
    experiment_conditions,
    search_query,
    tagged_condition,
)

__all__ = [
    "EXPERIMENTS",
    "EXPERIMENT_ORDER",
    "Clause",
    "OrderKey",
    "SearchQuery",
    "Vocabulary",
    "compare",
    "experiment_conditions",
    "format_filter",
    "parse_filter",
    "parse_order_by",
    "search_query",
    "tagged_condition",
]
