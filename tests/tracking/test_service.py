"""TrackingService on SQLite and PostgreSQL: experiments, runs, params, tags, metrics and search paging."""

from __future__ import annotations

import math

import pytest

from tether.errors import AlreadyExists, Conflict, InvalidFilter, InvalidInput, NotFound
from tether.tracking import limits
from tether.tracking.schemas import MetricColumns, metrics_of
from tether.tracking.service import TrackingService

# --- experiments ------------------------------------------------------------------------------------


def test_default_experiment_exists(tracking: TrackingService) -> None:
    default = tracking.get_experiment("0")
    assert (default.name, default.lifecycle_stage) == ("Default", "active")
    assert tracking.get_experiment_by_name("Default").experiment_id == "0"


def test_create_get_list_experiments(tracking: TrackingService) -> None:
    first = tracking.create_experiment("churn", tags={"team": "growth"})
    second = tracking.create_experiment("fraud")
    assert first not in (second, "0")
    got = tracking.get_experiment(first)
    assert (got.name, got.tags) == ("churn", {"team": "growth"})
    assert [e.name for e in tracking.list_experiments().items] == ["Default", "churn", "fraud"]


def test_experiment_names_are_unique(tracking: TrackingService) -> None:
    tracking.create_experiment("churn")
    with pytest.raises(AlreadyExists, match="churn"):
        tracking.create_experiment("churn")
    other = tracking.create_experiment("other")
    with pytest.raises(AlreadyExists):
        tracking.rename_experiment(other, "churn")
    assert tracking.get_experiment(other).name == "other"


@pytest.mark.parametrize("bad", ["", "   ", "x" * (limits.MAX_EXPERIMENT_NAME + 1), "a\x00b", 7])
def test_invalid_experiment_names(tracking: TrackingService, bad: object) -> None:
    with pytest.raises(InvalidInput):
        tracking.create_experiment(bad)  # type: ignore[arg-type]
    assert len(tracking.list_experiments().items) == 1


def test_rename_delete_restore(tracking: TrackingService) -> None:
    exp = tracking.create_experiment("a")
    assert tracking.rename_experiment(exp, "b").name == "b"
    tracking.delete_experiment(exp)
    assert [e.name for e in tracking.list_experiments().items] == ["Default"]
    assert [e.name for e in tracking.list_experiments(view="deleted").items] == ["b"]
    assert len(tracking.list_experiments(view="all").items) == 2
    with pytest.raises(Conflict, match="deleted"):
        tracking.create_run(exp)
    tracking.restore_experiment(exp)
    assert tracking.create_run(exp).experiment_id == exp


def test_default_experiment_cannot_be_deleted(tracking: TrackingService) -> None:
    with pytest.raises(Conflict):
        tracking.delete_experiment("0")


@pytest.mark.parametrize("bad_id", ["999", "abc", "-1", "1.5", ""])
def test_unknown_experiments(tracking: TrackingService, bad_id: str) -> None:
    with pytest.raises(NotFound):
        tracking.get_experiment(bad_id)
    with pytest.raises(NotFound):
        tracking.create_run(bad_id)


def test_experiment_paging(tracking: TrackingService) -> None:
    for i in range(5):
        tracking.create_experiment(f"e{i}")
    seen, token = [], None
    while True:
        page = tracking.list_experiments(max_results=2, page_token=token)
        seen += [e.name for e in page.items]
        if not (token := page.next_page_token):
            break
    assert seen == ["Default", "e0", "e1", "e2", "e3", "e4"]


def test_experiments_filter_by_name_time_and_tags(tracking: TrackingService) -> None:
    churn = tracking.create_experiment("churn-a", tags={"team": "growth"})
    tracking.create_experiment("churn-b", tags={"team": "risk"})
    tracking.create_experiment("fraud")

    def names(filter: str, **kwargs: object) -> list[str]:
        return [e.name for e in tracking.list_experiments(filter=filter, **kwargs).items]  # type: ignore[arg-type]

    assert names("name LIKE 'churn%'") == ["churn-a", "churn-b"]
    assert names("name LIKE 'churn%' and tags.team = 'growth'") == ["churn-a"]
    assert names("tags.team IS NULL") == ["Default", "fraud"]
    assert names("tags.team != 'growth'") == ["churn-b"]  # a missing tag fails every comparison
    assert names("creation_time >= 0 and name ILIKE 'FRAUD'") == ["fraud"]
    first = tracking.list_experiments(max_results=1, filter="name LIKE 'churn%'")
    assert [e.name for e in first.items] == ["churn-a"] and first.next_page_token
    rest = tracking.list_experiments(
        max_results=1, filter="name LIKE 'churn%'", page_token=first.next_page_token
    )
    assert [e.name for e in rest.items] == ["churn-b"]
    with pytest.raises(InvalidInput):  # a token is only good for the filter it was made for
        tracking.list_experiments(max_results=1, filter="name = 'fraud'", page_token=first.next_page_token)
    with pytest.raises(InvalidFilter):
        tracking.list_experiments(filter="metrics.loss > 1")
    tracking.delete_experiment(churn)
    assert names("name LIKE 'churn%'") == ["churn-b"]


def test_experiment_tags(tracking: TrackingService) -> None:
    exp = tracking.create_experiment("t")
    tracking.set_experiment_tag(exp, "owner", "ana")
    tracking.set_experiment_tag(exp, "owner", "bo")
    assert tracking.get_experiment(exp).tags == {"owner": "bo"}


# --- runs -------------------------------------------------------------------------------------------


def test_run_lifecycle(tracking: TrackingService) -> None:
    run = tracking.create_run("0", run_name="first", tags={"k": "v"}, user_id="ana")
    assert len(run.run_id) == 32 and run.status == "RUNNING" and run.end_time is None
    got = tracking.get_run(run.run_id)
    assert (got.run_name, got.user_id, got.tags) == ("first", "ana", {"k": "v"})
    ended = tracking.update_run(run.run_id, status="FINISHED")
    assert ended.status == "FINISHED" and ended.end_time is not None and ended.end_time >= ended.start_time
    resumed = tracking.update_run(run.run_id, status="RUNNING")
    assert resumed.status == "RUNNING" and resumed.end_time is None
    assert tracking.update_run(run.run_id, run_name="renamed").run_name == "renamed"


def test_generated_run_names_are_readable(tracking: TrackingService) -> None:
    names = {tracking.create_run().run_name for _ in range(5)}
    assert all(len(n.split("-")) == 3 for n in names)


def test_nested_runs(tracking: TrackingService) -> None:
    parent = tracking.create_run()
    children = [tracking.create_run(parent_run_id=parent.run_id) for _ in range(2)]
    assert sorted(tracking.child_runs(parent.run_id)) == sorted(c.run_id for c in children)
    assert tracking.get_run(children[0].run_id).parent_run_id == parent.run_id
    with pytest.raises(NotFound):
        tracking.create_run(parent_run_id="f" * 32)


@pytest.mark.parametrize("bad", ["nope", "0" * 32, "A" * 32, "../" * 11, ""])
def test_unknown_runs(tracking: TrackingService, bad: str) -> None:
    with pytest.raises(NotFound):
        tracking.get_run(bad)
    with pytest.raises(NotFound):
        tracking.log_batch(bad, params={"a": 1})


def test_bad_status_is_refused(tracking: TrackingService) -> None:
    run = tracking.create_run()
    with pytest.raises(InvalidInput, match="status"):
        tracking.update_run(run.run_id, status="DONE")  # type: ignore[arg-type]
    assert tracking.get_run(run.run_id).status == "RUNNING"


def test_deleted_runs_refuse_writes_and_hide_from_search(tracking: TrackingService) -> None:
    run = tracking.create_run()
    tracking.delete_run(run.run_id)
    with pytest.raises(Conflict, match="deleted"):
        tracking.log_batch(run.run_id, MetricColumns.of([("m", 1.0, 0, 1)]))
    assert tracking.search_runs(["0"]).items == []
    assert [r.run_id for r in tracking.search_runs(["0"], view="deleted").items] == [run.run_id]
    tracking.restore_run(run.run_id)
    assert [r.run_id for r in tracking.search_runs(["0"]).items] == [run.run_id]


# --- params and tags --------------------------------------------------------------------------------


def test_params_are_immutable(tracking: TrackingService) -> None:
    run = tracking.create_run().run_id
    tracking.log_batch(run, params={"lr": 0.1, "depth": 6})
    tracking.log_batch(run, params={"lr": 0.1})  # same value again is fine
    with pytest.raises(Conflict, match=r"'lr'.*'0\.1'"):
        tracking.log_batch(run, params={"lr": 0.2, "new": "x"})
    assert tracking.get_run(run).params == {"lr": "0.1", "depth": "6"}  # "new" was not half-written


def test_failed_batch_writes_nothing(tracking: TrackingService) -> None:
    run = tracking.create_run().run_id
    tracking.log_batch(run, params={"a": 1})
    with pytest.raises(Conflict):
        tracking.log_batch(
            run, metrics=MetricColumns.of([("m", 1.0, 0, 5)]), params={"a": 2}, tags={"t": "x"}
        )
    stored = tracking.get_run(run)
    assert (stored.metrics, stored.tags, stored.params) == ({}, {}, {"a": "1"})


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"": 1}, "non-empty"),
        ({"a\nb": 1}, "may contain only"),
        ({"k" * 251: 1}, "limit is 250"),
        ({"big": "v" * (limits.MAX_PARAM_VALUE + 1)}, "limit is 6000"),
        ({f"p{i}": i for i in range(limits.MAX_PARAMS_PER_CALL + 1)}, "limit is 1000"),
    ],
)
def test_bad_params(tracking: TrackingService, params: dict[str, object], message: str) -> None:
    run = tracking.create_run().run_id
    with pytest.raises(InvalidInput, match=message):
        tracking.log_batch(run, params=params)
    assert tracking.get_run(run).params == {}


def test_tags_upsert_and_delete(tracking: TrackingService) -> None:
    run = tracking.create_run().run_id
    tracking.log_batch(run, tags={"a": "1", "b": 2})
    tracking.log_batch(run, tags={"a": "changed"})
    assert tracking.get_run(run).tags == {"a": "changed", "b": "2"}
    tracking.delete_tag(run, "a")
    assert tracking.get_run(run).tags == {"b": "2"}
    with pytest.raises(NotFound):
        tracking.delete_tag(run, "a")
    with pytest.raises(InvalidInput, match="limit is 8000"):
        tracking.log_batch(run, tags={"long": "x" * (limits.MAX_TAG_VALUE + 1)})


# --- metrics ----------------------------------------------------------------------------------------


def test_metric_history_and_latest(tracking: TrackingService) -> None:
    run = tracking.create_run().run_id
    tracking.log_batch(
        run, MetricColumns.of([("loss", 1.0, 1, 100), ("loss", 0.9, 0, 101), ("loss", 0.5, 2, 102)])
    )
    assert tracking.get_run(run).metrics == {"loss": 0.5}
    history = metrics_of(tracking.get_metric_series(run, "loss"))
    assert [(m.step, m.value, m.timestamp) for m in history] == [(0, 0.9, 101), (1, 1.0, 100), (2, 0.5, 102)]
    tracking.log_batch(
        run, MetricColumns.of([("loss", 7.0, 1, 200)])
    )  # an earlier step never replaces the latest
    assert tracking.get_run(run).metrics == {"loss": 0.5}
    tracking.log_batch(run, MetricColumns.of([("loss", 0.4, 2, 300)]))  # same step, later time wins
    assert tracking.get_run(run).metrics == {"loss": 0.4}


def test_nan_and_infinities_are_kept(tracking: TrackingService) -> None:
    run = tracking.create_run().run_id
    tracking.log_batch(
        run,
        MetricColumns.of(
            [("a", math.nan, 0, 1), ("b", math.inf, 0, 1), ("c", -math.inf, 0, 1), ("d", 1e308, 0, 1)]
        ),
    )
    metrics = tracking.get_run(run).metrics
    assert math.isnan(metrics["a"]) and metrics["b"] == math.inf and metrics["c"] == -math.inf
    assert metrics["d"] == 1e308
    assert math.isnan(metrics_of(tracking.get_metric_series(run, "a"))[0].value)


@pytest.mark.parametrize(
    "point",
    [("m", "high", 0, 1), ("m", None, 0, 1), ("m", 1.0, "x", 1), ("m", 1.0, 0, -5), ("bad key!", 1.0, 0, 1)],
)
def test_bad_metric_points(tracking: TrackingService, point: tuple[object, ...]) -> None:
    run = tracking.create_run().run_id
    with pytest.raises(InvalidInput):
        tracking.log_batch(run, MetricColumns.of([("ok", 1.0, 0, 1), point]))  # type: ignore[list-item]
    assert metrics_of(tracking.get_metric_series(run, "ok")) == []


def test_history_downsampling_keeps_extremes(tracking: TrackingService) -> None:
    run = tracking.create_run().run_id
    points = [("x", float(i % 50), i, i) for i in range(5000)]
    points[3333] = ("x", 1e6, 3333, 3333)
    tracking.log_batch(run, MetricColumns.of(points))
    reduced = metrics_of(tracking.get_metric_series(run, "x", max_points=100))
    assert len(reduced) <= 100
    assert 1e6 in {m.value for m in reduced}
    assert reduced[0].step == 0 and reduced[-1].step == 4999
    assert [m.step for m in reduced] == sorted(m.step for m in reduced)
    with pytest.raises(InvalidInput):
        metrics_of(tracking.get_metric_series(run, "x", max_points=2))


def test_history_of_unknown_key_is_empty(tracking: TrackingService) -> None:
    run = tracking.create_run().run_id
    assert metrics_of(tracking.get_metric_series(run, "nothing")) == []


# --- search -----------------------------------------------------------------------------------------


def test_search_filters_orders_and_pages(tracking: TrackingService) -> None:
    exp = tracking.create_experiment("s")
    ids = []
    for i in range(7):
        run = tracking.create_run(exp, run_name=f"r{i}").run_id
        tracking.log_batch(
            run, metrics=MetricColumns.of([("loss", 1.0 / (i + 1), 0, 1)]), params={"depth": str(i % 2)}
        )
        ids.append(run)
    page = tracking.search_runs([exp], "params.depth = '1' and metrics.loss < 0.4", ["metrics.loss ASC"])
    assert [r.run_name for r in page.items] == ["r5", "r3"]
    collected, token = [], None
    while True:
        page = tracking.search_runs([exp], order_by=["metrics.loss DESC"], max_results=3, page_token=token)
        collected += [r.run_name for r in page.items]
        if not (token := page.next_page_token):
            break
    assert collected == [f"r{i}" for i in range(7)]


def test_search_errors(tracking: TrackingService) -> None:
    with pytest.raises(InvalidFilter):
        tracking.search_runs(["0"], "metrics.loss <> 1")
    with pytest.raises(InvalidInput, match="max_results"):
        tracking.search_runs(["0"], max_results=0)
    token = None
    for _ in range(3):
        tracking.create_run()
    token = tracking.search_runs(["0"], max_results=1).next_page_token
    with pytest.raises(InvalidInput, match="different query"):
        tracking.search_runs(["0"], filter="attributes.status = 'RUNNING'", max_results=1, page_token=token)
    with pytest.raises(InvalidInput, match="malformed"):
        tracking.search_runs(["0"], page_token="not-a-token!")


def test_a_batch_sent_twice_with_its_id_is_applied_once(tracking: TrackingService) -> None:
    run_id = tracking.create_run("0").run_id
    batch = "ab" * 16
    for _ in range(3):
        tracking.log_batch(
            run_id,
            metrics=MetricColumns.of([("m", 1.0, 0, 1), ("m", 2.0, 1, 2)]),
            params={"p": "1"},
            batch_id=batch,
        )
    assert len(metrics_of(tracking.get_metric_series(run_id, "m"))) == 2
    tracking.log_batch(run_id, metrics=MetricColumns.of([("m", 3.0, 2, 3)]), batch_id="cd" * 16)
    tracking.log_batch(run_id, metrics=MetricColumns.of([("m", 3.0, 2, 3)]))  # no id: applied every time
    assert len(metrics_of(tracking.get_metric_series(run_id, "m"))) == 4
    with pytest.raises(InvalidInput, match="batch_id"):
        tracking.log_batch(run_id, metrics=MetricColumns.of([("m", 1.0, 0, 1)]), batch_id="not-hex")


def test_a_child_run_must_be_in_its_parent_s_experiment(tracking: TrackingService) -> None:
    parent = tracking.create_run(tracking.create_experiment("team-a")).run_id
    elsewhere = tracking.create_experiment("team-b")
    with pytest.raises(InvalidInput, match="must be in its parent's experiment"):
        tracking.create_run(elsewhere, parent_run_id=parent)
    assert tracking.child_runs(parent) == []


@pytest.mark.parametrize("text", ["\ud800", "ok\udfffok"])
def test_lone_surrogates_are_refused_before_storage(tracking: TrackingService, text: str) -> None:
    run = tracking.create_run().run_id
    for attempt in (
        lambda: tracking.create_experiment(text),
        lambda: tracking.create_run(run_name=text),
        lambda: tracking.log_batch(run, params={"p": text}),
        lambda: tracking.log_batch(run, tags={"t": text}),
        lambda: tracking.set_experiment_tag("0", "k", text),
    ):
        with pytest.raises(InvalidInput, match="lone surrogate"):
            attempt()
    assert tracking.get_run(run).params == {} and tracking.get_run(run).tags == {}


@pytest.mark.parametrize("key", ["loss\n", "loss\r", "\nloss"])
def test_a_key_with_a_newline_is_refused(tracking: TrackingService, key: str) -> None:
    run = tracking.create_run().run_id
    with pytest.raises(InvalidInput, match="may contain only"):
        tracking.log_batch(run, params={key: 1})


def test_integers_the_database_cannot_hold_are_the_caller_s_fault(tracking: TrackingService) -> None:
    with pytest.raises(InvalidInput, match="out of the range the database can store"):
        tracking.create_run(start_time=10**20)
    run = tracking.create_run().run_id
    with pytest.raises(InvalidInput, match="out of the range the database can store") as refused:
        tracking.update_run(run, end_time=10**20)
    assert "SELECT" not in str(refused.value) and "UPDATE" not in str(refused.value)
    assert tracking.get_run(run).end_time is None
