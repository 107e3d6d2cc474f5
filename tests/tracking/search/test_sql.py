"""search_query on real SQLite and PostgreSQL databases, holding one small, hand-made set of runs.

The runs are written straight into the tables, so these tests depend on nothing but the schema. A
hypothesis test checks random filters against a plain-Python reading of the same semantics.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection
from tests.support import pg_schema_url

from tether.storage.db import Database
from tether.storage.tables import experiments, latest_metrics, params, run_tags, runs
from tether.tracking.search import Clause, OrderKey, parse_filter, parse_order_by, search_query
from tether.tracking.search.grammar import allowed_comparators, is_numeric
from tether.tracking.search.sql import like_to_glob
from tether.types import ViewType

NAN = math.nan
INF = math.inf


@dataclass
class FakeRun:
    """One run of the data set, in the shape the reference evaluator below reads."""

    name: str
    experiment_id: int
    status: str
    user_id: str
    start_time: int
    end_time: int | None
    lifecycle_stage: str = "active"
    parent: str | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def run_id(self) -> str:
        return RUN_IDS[self.name]

    def attribute(self, key: str) -> object:
        if key == "run_id":
            return self.run_id
        if key == "run_name":
            return self.name
        if key == "parent_run_id":
            return RUN_IDS[self.parent] if self.parent else None
        return getattr(self, key)


RUNS = [
    FakeRun(
        "alpha",
        0,
        "FINISHED",
        "ann",
        1000,
        2000,
        metrics={"loss": 0.5, "acc": 0.9, "epochs": 10.0},
        params={"lr": "0.01", "opt": "adam"},
        tags={"team": "Vision", "mlflow.user": "ann", "pct": "50%", "glob": "a*b"},
    ),
    FakeRun(
        "beta",
        0,
        "RUNNING",
        "bob",
        2000,
        None,
        metrics={"loss": 0.25, "acc": NAN, "epochs": 9.0},
        params={"lr": "0.1", "opt": "Adam"},
        tags={"team": "vision", "pct": "500", "glob": "axb"},
    ),
    FakeRun(
        "gamma",
        0,
        "FAILED",
        "ann",
        3000,
        4000,
        parent="alpha",
        metrics={"loss": NAN, "epochs": 100.0},
        params={"lr": "0.001"},
        tags={"team": "nlp", "glob": "[x]"},
    ),
    FakeRun(
        "delta",
        0,
        "FINISHED",
        "cy",
        4000,
        5000,
        metrics={"epochs": INF},
        params={"with space": "yes"},
        tags={"note": "it's \\ fine"},
    ),
    FakeRun("zeta", 0, "KILLED", "Bob", 2000, 2500, metrics={"my metric": -3.5}, tags={"glob": "x"}),
    FakeRun(
        "Alpha_2",
        0,
        "FINISHED",
        "ann",
        5000,
        6000,
        lifecycle_stage="deleted",
        metrics={"loss": 0.1},
        params={"lr": "0.01"},
        tags={"team": "vision"},
    ),
    FakeRun("epsilon", 1, "FINISHED", "dee", 6000, 7000, metrics={"loss": 0.05}, params={"lr": "0.01"}),
]
RUN_IDS = {run.name: f"{number:032x}" for number, run in enumerate(RUNS, 1)}
NAMES = {run_id: name for name, run_id in RUN_IDS.items()}
ACTIVE_DEFAULT_ORDER = ["delta", "gamma", "beta", "zeta", "alpha"]
"""Experiment 0's active runs by start_time DESC; beta and zeta tie on start_time and go by run_id."""


def insert_runs(conn: Connection) -> None:
    conn.execute(
        experiments.insert().values(
            experiment_id=1, name="other", lifecycle_stage="active", creation_time=0, last_update_time=0
        )
    )
    conn.execute(
        runs.insert(),
        [
            {
                "run_id": run.run_id,
                "experiment_id": run.experiment_id,
                "run_name": run.name,
                "status": run.status,
                "lifecycle_stage": run.lifecycle_stage,
                "user_id": run.user_id,
                "start_time": run.start_time,
                "end_time": run.end_time,
                "parent_run_id": run.attribute("parent_run_id"),
            }
            for run in RUNS
        ],
    )
    metric_rows = [
        {"run_id": run.run_id, "key": k, "step": 0, "timestamp": 0, "value": None if math.isnan(v) else v}
        for run in RUNS
        for k, v in run.metrics.items()
    ]
    conn.execute(latest_metrics.insert(), metric_rows)
    for table, attribute in ((params, "params"), (run_tags, "tags")):
        rows = [
            {"run_id": run.run_id, "key": k, "value": v}
            for run in RUNS
            for k, v in getattr(run, attribute).items()
        ]
        conn.execute(table.insert(), rows)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The data set on a migrated SQLite file and on PostgreSQL; tests only read it."""
    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('search')) / 'tether.db'}"
    else:
        url = pg_schema_url(request.getfixturevalue("pg_database"))
    database = Database(url)
    with database.write() as conn:
        insert_runs(conn)
    yield database
    database.dispose()


def search(
    db: Database,
    filter_text: str = "",
    order: Sequence[str] = (),
    view: ViewType = "active",
    experiment_ids: Sequence[int] = (0,),
) -> list[str]:
    """Run names, in result order."""
    query = search_query(experiment_ids, view, parse_filter(filter_text), parse_order_by(order))
    with db.read() as conn:
        return [NAMES[run_id] for run_id in query.page(conn, 0, 10_000)]


def expected(predicate: Callable[[FakeRun], bool]) -> list[str]:
    by_name = {run.name: run for run in RUNS}
    return [name for name in ACTIVE_DEFAULT_ORDER if predicate(by_name[name])]


# --- filters ------------------------------------------------------------------------------------------------

METRIC_CASES = [
    ("metrics.loss < 0.3", ["beta"]),
    ("metrics.loss <= 0.5", ["beta", "alpha"]),
    ("metrics.loss = 0.5", ["alpha"]),
    ("metrics.loss != 0.5", ["beta"]),
    ("metrics.loss > 0", ["beta", "alpha"]),
    ("metrics.loss >= -1e10", ["beta", "alpha"]),
    ("metric.loss = 0.25", ["beta"]),
    ("metrics.acc > 0", ["alpha"]),
    ("metrics.acc != 0.9", []),
    ("metrics.epochs > 1e300", ["delta"]),
    ("metrics.epochs >= 10", ["delta", "gamma", "alpha"]),
    ("metrics.`my metric` < -3", ["zeta"]),
    ("metrics.nothing < 1", []),
]


@pytest.mark.parametrize(("filter_text", "names"), METRIC_CASES)
def test_metric_clauses_skip_nan_and_missing_values(db: Database, filter_text: str, names: list[str]) -> None:
    assert search(db, filter_text) == names


PARAM_AND_TAG_CASES = [
    ("params.lr = '0.01'", ["alpha"]),
    ("params.lr != '0.01'", ["gamma", "beta"]),
    ("params.opt = 'adam'", ["alpha"]),
    ("params.opt != 'adam'", ["beta"]),
    ("params.opt IS NULL", ["delta", "gamma", "zeta"]),
    ("params.opt IS NOT NULL", ["beta", "alpha"]),
    ("params.lr IN ('0.01', '0.001')", ["gamma", "alpha"]),
    ("params.lr NOT IN ('0.01')", ["gamma", "beta"]),
    ("params.lr LIKE '0.0_'", ["alpha"]),
    ("params.lr LIKE '0.0%'", ["gamma", "alpha"]),
    ("parameters.`with space` = 'yes'", ["delta"]),
    ("tags.team = 'vision'", ["beta"]),
    ("tags.team != 'vision'", ["gamma", "alpha"]),
    ("tags.mlflow.user = 'ann'", ["alpha"]),
    ("tags.\"mlflow.user\" = 'ann'", ["alpha"]),
    ("tag.`mlflow.user` IS NOT NULL", ["alpha"]),
    ("tags.note = 'it''s \\\\ fine'", ["delta"]),
    ("tags.team IN ('nlp', 'Vision')", ["gamma", "alpha"]),
]


@pytest.mark.parametrize(("filter_text", "names"), PARAM_AND_TAG_CASES)
def test_param_and_tag_clauses(db: Database, filter_text: str, names: list[str]) -> None:
    assert search(db, filter_text) == names


LIKE_CASES = [
    ("params.opt LIKE 'a%'", ["alpha"]),
    ("params.opt LIKE 'A%'", ["beta"]),
    ("params.opt LIKE 'ADAM'", []),
    ("params.opt ILIKE 'a%'", ["beta", "alpha"]),
    ("params.opt ILIKE 'ADAM'", ["beta", "alpha"]),
    ("tags.team LIKE 'V%'", ["alpha"]),
    ("tags.team ILIKE 'VISION'", ["beta", "alpha"]),
    ("tags.pct LIKE '50%'", ["beta", "alpha"]),
    ("tags.pct LIKE '50_'", ["beta", "alpha"]),
    ("tags.pct LIKE '50\\%'", ["alpha"]),
    ("tags.pct LIKE '50\\_'", []),
    ("tags.glob LIKE 'a*b'", ["alpha"]),
    ("tags.glob LIKE 'a?b'", []),
    ("tags.glob LIKE '[x]'", ["gamma"]),
    ("tags.glob LIKE '_*_'", ["alpha"]),
    ("tags.glob LIKE '%x%'", ["gamma", "beta", "zeta"]),
    ("tags.glob ILIKE '[X]'", ["gamma"]),
    ("tags.glob ILIKE 'A*B'", ["alpha"]),
    ("tags.note LIKE '%\\\\\\\\%'", ["delta"]),
    ("attributes.run_name LIKE 'a%'", ["alpha"]),
    ("attributes.run_name ILIKE 'ALPHA'", ["alpha"]),
    ("attributes.user_id LIKE 'b%'", ["beta"]),
    ("attributes.user_id ILIKE 'b%'", ["beta", "zeta"]),
]


@pytest.mark.parametrize(("filter_text", "names"), LIKE_CASES)
def test_like_is_case_sensitive_and_ilike_is_not(db: Database, filter_text: str, names: list[str]) -> None:
    assert search(db, filter_text) == names


ATTRIBUTE_CASES = [
    ("attributes.status = 'FINISHED'", ["delta", "alpha"]),
    ("status != 'FINISHED'", ["gamma", "beta", "zeta"]),
    ("run.status = 'KILLED'", ["zeta"]),
    ("attributes.user_id IN ('ann', 'cy')", ["delta", "gamma", "alpha"]),
    ("attr.user_id NOT IN ('ann')", ["delta", "beta", "zeta"]),
    ("attributes.`run name` = 'beta'", ["beta"]),
    (f"attributes.run_id = '{RUN_IDS['beta']}'", ["beta"]),
    (f"run_id IN ('{RUN_IDS['beta']}', '{RUN_IDS['delta']}')", ["delta", "beta"]),
    ("attributes.start_time >= 3000", ["delta", "gamma"]),
    ("created < 2000", ["alpha"]),
    ("Created = 2000", ["beta", "zeta"]),
    ("attributes.start_time > 1999.5", ["delta", "gamma", "beta", "zeta"]),
    ("attributes.start_time < 2000.5", ["beta", "zeta", "alpha"]),
    ("attributes.start_time = 2000.5", []),
    ("attributes.start_time != 2000.5", ACTIVE_DEFAULT_ORDER),
    ("attributes.start_time < 1e300", ACTIVE_DEFAULT_ORDER),
    ("attributes.start_time > -1e300", ACTIVE_DEFAULT_ORDER),
    ("attributes.end_time IS NULL", ["beta"]),
    ("attributes.end_time IS NOT NULL", ["delta", "gamma", "zeta", "alpha"]),
    ("attributes.end_time > 2400", ["delta", "gamma", "zeta"]),
    ("attributes.end_time != 2000", ["delta", "gamma", "zeta"]),
    (f"attributes.parent_run_id = '{RUN_IDS['alpha']}'", ["gamma"]),
    ("attributes.parent_run_id IS NULL", ["delta", "beta", "zeta", "alpha"]),
    ("attributes.parent_run_id != 'x'", ["gamma"]),
]


@pytest.mark.parametrize(("filter_text", "names"), ATTRIBUTE_CASES)
def test_attribute_clauses(db: Database, filter_text: str, names: list[str]) -> None:
    assert search(db, filter_text) == names


def test_clauses_are_joined_with_and(db: Database) -> None:
    query = "metrics.loss < 1 and params.opt ILIKE '%A%' AND tags.team != 'nlp' AND status = 'RUNNING'"
    assert search(db, query) == ["beta"]
    assert search(db, "metrics.loss < 1 AND metrics.loss > 0.3") == ["alpha"]


# --- views and experiments ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("view", "filter_text", "names"),
    [
        ("active", "", ACTIVE_DEFAULT_ORDER),
        ("deleted", "", ["Alpha_2"]),
        ("all", "", ["Alpha_2", *ACTIVE_DEFAULT_ORDER]),
        ("all", "attributes.run_name LIKE 'A%'", ["Alpha_2"]),
        ("all", "attributes.run_name ILIKE 'alpha%'", ["Alpha_2", "alpha"]),
        ("deleted", "metrics.loss < 0.2", ["Alpha_2"]),
        ("active", "metrics.loss < 0.2", []),
    ],
)
def test_view_selects_by_lifecycle(db: Database, view: ViewType, filter_text: str, names: list[str]) -> None:
    assert search(db, filter_text, view=view) == names


def test_only_the_given_experiments_are_searched(db: Database) -> None:
    assert search(db, experiment_ids=[1]) == ["epsilon"]
    assert search(db, experiment_ids=[0, 1]) == ["epsilon", *ACTIVE_DEFAULT_ORDER]
    assert search(db, "metrics.loss < 0.3", experiment_ids=[0, 1]) == ["epsilon", "beta"]
    assert search(db, experiment_ids=[]) == []
    assert search(db, experiment_ids=[42]) == []


# --- ordering -----------------------------------------------------------------------------------------------

ORDER_CASES = [
    ((), ACTIVE_DEFAULT_ORDER),
    (("metrics.loss",), ["beta", "alpha", "delta", "gamma", "zeta"]),
    (("metrics.loss ASC",), ["beta", "alpha", "delta", "gamma", "zeta"]),
    (("metrics.loss DESC",), ["alpha", "beta", "delta", "gamma", "zeta"]),
    (("metrics.epochs",), ["beta", "alpha", "gamma", "delta", "zeta"]),
    (("metrics.epochs desc",), ["delta", "gamma", "alpha", "beta", "zeta"]),
    (("params.lr",), ["gamma", "alpha", "beta", "delta", "zeta"]),
    (("params.lr DESC",), ["beta", "alpha", "gamma", "delta", "zeta"]),
    (("tags.`mlflow.user` DESC",), ["alpha", "delta", "gamma", "beta", "zeta"]),
    (("attributes.run_name",), ["alpha", "beta", "delta", "gamma", "zeta"]),
    (("run_name DESC",), ["zeta", "gamma", "delta", "beta", "alpha"]),
    (("attributes.end_time",), ["alpha", "zeta", "gamma", "delta", "beta"]),
    (("attributes.end_time DESC",), ["delta", "gamma", "zeta", "alpha", "beta"]),
    (("created",), ["alpha", "beta", "zeta", "gamma", "delta"]),
    (("attributes.start_time DESC",), ACTIVE_DEFAULT_ORDER),
    (("status", "metrics.loss DESC"), ["gamma", "alpha", "delta", "zeta", "beta"]),
    (("metrics.loss", "metrics.loss DESC"), ["beta", "alpha", "delta", "gamma", "zeta"]),
    (("attributes.parent_run_id",), ["gamma", "delta", "beta", "zeta", "alpha"]),
]


@pytest.mark.parametrize(("order", "names"), ORDER_CASES)
def test_order_puts_missing_and_nan_last_either_way(
    db: Database, order: tuple[str, ...], names: list[str]
) -> None:
    assert search(db, order=order) == names


def test_order_and_filter_on_the_same_metric(db: Database) -> None:
    assert search(db, "metrics.loss < 1", ["metrics.loss DESC"]) == ["alpha", "beta"]


@pytest.mark.parametrize("order", [(), ("metrics.loss",), ("params.lr DESC",), ("status", "metrics.epochs")])
def test_offset_paging_is_deterministic(db: Database, order: tuple[str, ...]) -> None:
    query = search_query([0, 1], "all", [], parse_order_by(order))
    with db.read() as conn:
        everything = query.page(conn, 0, 10_000)
        pages = [query.page(conn, start, 2) for start in range(0, len(RUNS) + 2, 2)]
    assert [run_id for page in pages for run_id in page] == everything
    assert len(set(everything)) == len(RUNS)


# --- random filters against a reference reading of the semantics --------------------------------------------


def like_regex(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts: list[str] = []
    characters = iter(pattern)
    for char in characters:
        if char == "\\":
            parts.append(re.escape(next(characters, "\\")))
        else:
            parts.append({"%": ".*", "_": "."}.get(char, re.escape(char)))
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE | re.ASCII if ignore_case else 0))


REFERENCE_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "LIKE": lambda value, pattern: like_regex(pattern, ignore_case=False).fullmatch(value) is not None,
    "ILIKE": lambda value, pattern: like_regex(pattern, ignore_case=True).fullmatch(value) is not None,
    "IN": lambda value, options: value in options,
    "NOT IN": lambda value, options: value not in options,
}


def reference_match(run: FakeRun, clause: Clause) -> bool:
    """What the documented semantics say, written as directly as possible."""
    if clause.entity == "attribute":
        value: object = run.attribute(clause.key)
    else:
        value = getattr(run, f"{clause.entity}s").get(clause.key)
        if isinstance(value, float) and math.isnan(value):
            value = None
    if clause.comparator in ("IS NULL", "IS NOT NULL"):
        return (value is None) == (clause.comparator == "IS NULL")
    return value is not None and REFERENCE_COMPARISONS[clause.comparator](value, clause.value)


KEYS = {
    "metric": ["loss", "acc", "epochs", "my metric", "absent"],
    "param": ["lr", "opt", "with space", "absent"],
    "tag": ["team", "pct", "glob", "note", "mlflow.user", "absent"],
    "attribute": ["run_id", "run_name", "status", "user_id", "start_time", "end_time", "parent_run_id"],
}
STRINGS = [
    *(value for run in RUNS for value in (*run.params.values(), *run.tags.values())),
    *RUN_IDS.values(),
    *(run.name for run in RUNS),
    *("FINISHED", "RUNNING", "ann", "bob", "BOB", "ADAM", "Vision"),
    *("%", "_", "a%", "A%", "%a%", "%A%", "0.0_", "50\\%", "5_\\%", "_*_", "[%", "%]", "%\\\\%", "%a", "b%"),
]
NUMBERS = [-1e300, -3.5, 0.0, 0.1, 0.25, 0.5, 0.9, 9, 10, 100, 1999.5, 2000, 2500, 4000, 5000, 1e300]


@st.composite
def clauses(draw: st.DrawFn) -> Clause:
    entity = draw(st.sampled_from(["metric", "param", "tag", "attribute"]))
    key = draw(st.sampled_from(KEYS[entity]))
    comparator = draw(st.sampled_from(allowed_comparators(entity, key)))
    value: Any
    if comparator in ("IS NULL", "IS NOT NULL"):
        value = None
    elif comparator in ("IN", "NOT IN"):
        value = tuple(draw(st.lists(st.sampled_from(STRINGS), min_size=1, max_size=3)))
    elif is_numeric(entity, key):
        value = float(draw(st.sampled_from(NUMBERS)))
    else:
        value = draw(st.sampled_from(STRINGS))
    return Clause(entity, key, comparator, value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(clauses(), max_size=3), st.sampled_from(["active", "deleted", "all"]))
def test_random_filters_match_the_reference_semantics(
    db: Database, clause_list: list[Clause], view: ViewType
) -> None:
    query = search_query([0, 1], view, clause_list, [])
    with db.read() as conn:
        found = set(query.page(conn, 0, 10_000))
    wanted = {
        run.run_id
        for run in RUNS
        if view in ("all", run.lifecycle_stage) and all(reference_match(run, c) for c in clause_list)
    }
    assert found == wanted


@pytest.mark.parametrize(
    ("pattern", "glob"),
    [
        ("abc", "abc"),
        ("a%b_c", "a*b?c"),
        ("50\\%", "50%"),
        ("a\\_b", "a_b"),
        ("x\\\\y", "x\\y"),
        ("*?[", "[*][?][[]"),
        ("\\*]^", "[*]]^"),
        ("%\\", "*\\"),
    ],
)
def test_like_patterns_become_equivalent_globs(pattern: str, glob: str) -> None:
    assert like_to_glob(pattern) == glob


def test_a_key_order_reads_runs_with_the_key_first_then_the_rest() -> None:
    query = search_query([0], "active", parse_filter("metrics.a > 1"), [OrderKey("tag", "t", False)])
    assert query.keyed is not None
    keyed, rest = str(query.keyed), str(query.rest)
    assert "JOIN latest_metrics AS filter_0" in keyed and "JOIN run_tags AS order_0" in keyed
    assert keyed.rstrip().endswith("ORDER BY order_0.value DESC, runs.start_time DESC, runs.run_id ASC")
    assert "NOT (EXISTS" in rest and "LIMIT" not in rest
    assert search_query([0], "active", [], [OrderKey("attribute", "status", True)]).keyed is None
