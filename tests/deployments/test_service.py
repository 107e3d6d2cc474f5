"""Deployments over every backend (embedded and through a server, on SQLite and PostgreSQL): registering,
reporting stats, stopping, lineage to the versions served, the derived status, pruning, the refusals, and
the permissions of a server with ``--auth``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.lineage.conftest import Clock
from tests.registry.test_version_status import registered
from tests.server.conftest import SecuredServer, serve_secured
from tests.server.test_registry_access import clients
from tests.support import unique

import tether as tt
from tether.config import Settings
from tether.deployments import service as deployment_service
from tether.deployments.service import DeploymentService
from tether.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tether.lineage.service import LineageService
from tether.storage.db import Database

__all__ = ["clients"]  # the fixture: a client per user of the secured server

URL = "http://127.0.0.1:8080"


def lanes(model: str, primary: int = 1, canary: int | None = None) -> list[dict[str, Any]]:
    """A primary at ``primary`` (and a canary at ``canary`` taking a tenth of the requests) of ``model``,
    beside a folder served without the registry."""
    made: list[dict[str, Any]] = [
        {"served_name": "churn", "uri": f"models:/{model}@champion", "model": model, "version": primary},
        {"served_name": "local", "uri": "/srv/models/local"},
    ]
    if canary is not None:
        made[0]["weight"] = 0.9
        made.append(
            {
                "served_name": "churn",
                "role": "canary",
                "uri": f"models:/{model}/{canary}",
                "model": model,
                "version": canary,
                "weight": 0.1,
            }
        )
    return made


def window(served_name: str = "churn", **values: Any) -> dict[str, Any]:
    return {
        "served_name": served_name,
        "requests": 300,
        "request_rate": 20.0,
        "p50_ms": 4.0,
        "p99_ms": 30.0,
        "error_rate": 0.01,
        "rows_per_s": 80.0,
        **values,
    }


def test_a_deployment_registers_reports_stops_and_starts_again(fluent_client: tt.Client) -> None:
    deployments = fluent_client.deployments
    model, name = registered(fluent_client), unique("churn-prod")
    made = deployments.register_deployment(name, lanes(model, 1, canary=2), URL, "box-1", "1.0")
    assert (made.status, made.url, made.host, made.tether_version, made.stats) == (
        "running",
        URL,
        "box-1",
        "1.0",
        [],
    )
    assert [(lane.served_name, lane.role, lane.version, lane.weight) for lane in made.models] == [
        ("churn", "primary", 1, 0.9),
        ("churn", "canary", 2, 0.1),
        ("local", "primary", None, 1.0),
    ]
    deployments.report_stats(
        name, 15.0, [window(request_rate=10.0), window("local", p50_ms=None, p99_ms=None)]
    )
    deployments.report_stats(name, 15.0, [window(request_rate=12.5)])
    read = deployments.get_deployment(name)
    assert [(p.served_name, p.request_rate) for p in read.stats] == [("churn", 12.5)]
    assert [(p.served_name, p.request_rate) for p in read.history] == [
        ("churn", 10.0),
        ("local", 20.0),
        ("churn", 12.5),
    ]
    assert read.history[1].p50_ms is None and read.last_seen_at >= made.last_seen_at
    assert deployments.get_deployment(name, windows=1).history == read.stats
    listed = {d.name: d for d in _every(deployments, "running")}
    assert listed[name].stats == read.stats and listed[name].history == []
    stopped = deployments.mark_stopped(name)
    assert stopped.status == "stopped" and stopped.stopped_at is not None
    assert deployments.mark_stopped(name).stopped_at == stopped.stopped_at
    assert name in {d.name for d in _every(deployments, "stopped")}
    assert name not in {d.name for d in _every(deployments, "running")}
    with pytest.raises(Conflict, match="has stopped"):
        deployments.report_stats(name, 15.0, [window()])
    again = deployments.register_deployment(name, lanes(model, 2), URL)
    assert (again.status, again.stopped_at, [p.request_rate for p in again.stats]) == (
        "running",
        None,
        [12.5],
    )


def _every(deployments: Any, status: str) -> list[Any]:
    """Every page of the list, one deployment a page, so paging is exercised too."""
    found, token = [], None
    while True:
        page = deployments.list_deployments(status, 1, token)
        found += page.items
        if (token := page.next_page_token) is None:
            return found


def test_each_version_served_is_a_lineage_edge_and_a_report_can_move_versions(
    fluent_client: tt.Client,
) -> None:
    deployments = fluent_client.deployments
    model, name = registered(fluent_client, versions=3), unique("churn-prod")
    deployments.register_deployment(name, lanes(model, 1), URL)
    deployments.report_stats(name, 15.0, [window()], lanes(model, 2, canary=3))
    assert [lane.version for lane in deployments.get_deployment(name).models] == [2, 3, None]
    upstream = fluent_client.lineage.graph(f"deployment:{name}", depth=1)
    assert {(e.src, e.kind) for e in upstream.edges} == {
        (f"models:/{model}/{v}", "deployed") for v in (1, 2, 3)
    }
    downstream = fluent_client.lineage.graph(f"models:/{model}/1", "downstream")
    assert f"deployment:{name}" in {node.ref for node in downstream.nodes}
    deployments.delete_deployment(name)
    with pytest.raises(NotFound, match="no deployment"):
        deployments.get_deployment(name)
    assert fluent_client.lineage.graph(f"models:/{model}/1", "downstream").edges == []


def test_unknown_deployments_are_not_found(fluent_client: tt.Client) -> None:
    deployments, name = fluent_client.deployments, unique("nowhere")
    for attempt in (
        lambda: deployments.get_deployment(name),
        lambda: deployments.report_stats(name, 15.0, [window()]),
        lambda: deployments.mark_stopped(name),
        lambda: deployments.delete_deployment(name),
    ):
        with pytest.raises(NotFound, match="no deployment named"):
            attempt()


@pytest.mark.parametrize(
    ("values", "why"),
    [
        ({"request_rate": -1.0}, "request_rate: Input should be greater than or equal to 0"),
        ({"rows_per_s": float("nan")}, "rows_per_s: Input should be a finite number"),
        ({"error_rate": 1.5}, "error_rate: Input should be less than or equal to 1"),
        ({"requests": -3}, "requests: Input should be greater than or equal to 0"),
        ({"p50_ms": 40.0, "p99_ms": 3.0}, "p99_ms (3.0) is below p50_ms (40.0)"),
        ({"served_name": "elsewhere"}, "stats for elsewhere, which this deployment does not serve"),
    ],
)
def test_bad_stats_are_refused_and_change_nothing(
    fluent_client: tt.Client, values: dict[str, Any], why: str
) -> None:
    deployments = fluent_client.deployments
    model, name = registered(fluent_client, versions=1), unique("churn-prod")
    deployments.register_deployment(name, lanes(model), URL)
    with pytest.raises(InvalidInput) as refused:
        deployments.report_stats(name, 15.0, [window(**values)])
    assert why in str(refused.value)
    with pytest.raises(InvalidInput, match="window_s"):
        deployments.report_stats(name, 0.0, [window()])
    with pytest.raises(InvalidInput, match="given twice: churn"):
        deployments.report_stats(name, 15.0, [window(), window()])
    assert deployments.get_deployment(name).history == []


def test_bad_registrations_are_refused(fluent_client: tt.Client) -> None:
    deployments = fluent_client.deployments
    model, name = registered(fluent_client, versions=1), unique("churn-prod")
    primary = lanes(model)[0]
    refusals: list[tuple[Any, type[Exception], str]] = [
        ([], InvalidInput, "models"),
        ([primary, primary], InvalidInput, r"given twice: churn \(primary\)"),
        ([{**primary, "role": "canary"}], InvalidInput, "needs a primary model; none for churn"),
        ([{**primary, "model": None}], InvalidInput, "a version needs the registered model"),
        ([{**primary, "weight": 2}], InvalidInput, "weight"),
        ([{**primary, "served_name": "a b"}], InvalidInput, "the served name"),
        ([{**primary, "surprise": 1}], InvalidInput, "surprise"),
        ([{**primary, "version": 7}], NotFound, f"model '{model}' has no version 7"),
        ([{**primary, "model": unique("nobody")}], NotFound, "no registered model"),
    ]
    for models, error, why in refusals:
        with pytest.raises(error, match=why):
            deployments.register_deployment(name, models, URL)
    with pytest.raises(InvalidInput, match="the deployment name"):
        deployments.register_deployment("bad name", [primary], URL)
    with pytest.raises(InvalidInput, match="report_interval_s"):
        deployments.register_deployment(name, [primary], URL, report_interval_s=-1)
    with pytest.raises(NotFound):
        deployments.get_deployment(name)


# --- the derived status and the bounded history, on a service whose clock the test moves ------------------


@pytest.fixture
def clocked(settings: Settings) -> Iterator[tuple[DeploymentService, Clock]]:
    """The deployment service on an empty store (SQLite and PostgreSQL), on a clock of the test's."""
    db = Database(settings.db_url)
    clock = Clock()
    yield DeploymentService(db, LineageService(db), clock), clock
    db.dispose()


def test_a_deployment_not_heard_from_for_three_intervals_is_stale(
    clocked: tuple[DeploymentService, Clock],
) -> None:
    service, clock = clocked
    service.register_deployment("folder", [{"served_name": "m", "uri": "/srv/m"}], URL, report_interval_s=10)
    clock.now += 30_000
    assert service.get_deployment("folder").status == "running"
    clock.now += 1
    assert service.get_deployment("folder").status == "stale"
    assert [d.name for d in service.list_deployments("stale").items] == ["folder"]
    assert service.list_deployments("running").items == []
    service.report_stats("folder", 30.001, [window("m")])
    assert [d.name for d in service.list_deployments("running").items] == ["folder"]


def test_only_the_latest_windows_are_kept(
    clocked: tuple[DeploymentService, Clock], monkeypatch: pytest.MonkeyPatch
) -> None:
    service, clock = clocked
    monkeypatch.setattr(deployment_service, "MAX_WINDOWS", 3)
    service.register_deployment("folder", [{"served_name": "m", "uri": "/srv/m"}], URL)
    for rate in range(5):
        clock.now += 15_000
        service.report_stats("folder", 15.0, [window("m", request_rate=float(rate))])
    history = service.get_deployment("folder", windows=10).history
    assert [p.request_rate for p in history] == [2.0, 3.0, 4.0]
    assert [p.at for p in history] == [clock.now - 30_000, clock.now - 15_000, clock.now]


# --- permissions on a server with --auth ------------------------------------------------------------


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def secured(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SecuredServer]:
    yield from serve_secured(request, tmp_path_factory)


def test_a_deployment_is_governed_by_the_models_it_serves(clients: dict[str, tt.Client]) -> None:
    owner = clients["owner"]
    model = registered(owner, versions=1)
    for who, level in (("reader", "READ"), ("editor", "EDIT")):
        owner.auth.grant_model_permission(model, who, level)  # type: ignore[arg-type]
    name = unique("churn-prod")
    with pytest.raises(PermissionDenied, match="that needs EDIT"):
        clients["reader"].deployments.register_deployment(name, lanes(model), URL)
    clients["editor"].deployments.register_deployment(name, lanes(model), URL)
    assert clients["reader"].deployments.get_deployment(name).status == "running"
    assert name in {d.name for d in clients["reader"].deployments.list_deployments().items}
    assert name not in {d.name for d in clients["stranger"].deployments.list_deployments().items}
    with pytest.raises(PermissionDenied, match="may not read"):
        clients["stranger"].deployments.get_deployment(name)
    for attempt in (
        lambda: clients["reader"].deployments.report_stats(name, 15.0, [window()]),
        lambda: clients["reader"].deployments.mark_stopped(name),
        lambda: clients["reader"].deployments.delete_deployment(name),
        # taking the name over with models of one's own still needs EDIT on the models it serves now
        lambda: clients["stranger"].deployments.register_deployment(name, lanes(model)[1:], URL),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    with pytest.raises(PermissionDenied, match="may not read"):
        clients["stranger"].lineage.graph(f"deployment:{name}")
    clients["editor"].deployments.report_stats(name, 15.0, [window()])
    assert clients["editor"].deployments.mark_stopped(name).status == "stopped"
    clients["editor"].deployments.delete_deployment(name)
