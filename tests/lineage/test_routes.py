"""The lineage graph through both backends (in process and through a server), and ``tether lineage``."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from tests.cli.runner import Cli
from tests.monitoring.test_store import a_report
from tests.support import Target, unique

import tether as tt
from tether.errors import InvalidInput


@pytest.fixture
def client(target: Target) -> Iterator[tt.Client]:
    with target.client() as client:
        yield client


def judged_run(client: tt.Client) -> tuple[str, str]:
    run_id = client.create_run(client.create_experiment(unique("lineage"))).run_id
    return run_id, client.log_report(run_id, a_report(), name="drift").report_id


def test_a_report_is_downstream_of_its_run_and_the_run_upstream_of_it(client: tt.Client) -> None:
    run_id, report_id = judged_run(client)
    down = client.lineage.graph(f"run:{run_id}", "downstream")
    assert [(e.src, e.dst, e.kind) for e in down.edges] == [
        (f"run:{run_id}", f"report:{report_id}", "judged")
    ]
    up = client.lineage.graph(f"report:{report_id}", depth=1)
    assert [n.ref for n in up.nodes] == [f"report:{report_id}", f"run:{run_id}"]
    assert client.lineage.graph(f"run:{run_id}").edges == []


def test_bad_references_and_arguments_are_refused_the_same_way(client: tt.Client) -> None:
    with pytest.raises(InvalidInput, match="is not a reference"):
        client.lineage.graph("bogus")
    with pytest.raises(InvalidInput):
        client.lineage.graph(f"run:{'a' * 32}", "sideways")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        client.lineage.graph(f"run:{'a' * 32}", max_nodes=0)


def test_the_remote_client_does_not_offer_what_runs_inside_the_server(
    target: Target, client: tt.Client
) -> None:
    if not target.remote:
        pytest.skip("in process, every service method is there")
    with pytest.raises(AttributeError, match="inside the server's own transactions"):
        client.lineage.record  # noqa: B018


def test_the_cli_draws_the_tree_and_prints_json(target: Target, client: tt.Client) -> None:
    run_id, report_id = judged_run(client)
    cli = Cli({**target.env(), "COLUMNS": "240"})
    drawn = cli("lineage", f"run:{run_id}", "--downstream")
    assert drawn.exit_code == 0, drawn.stderr
    assert drawn.stdout.splitlines() == [f"run:{run_id}", f"└── report:{report_id}  judged"]
    document = json.loads(cli("lineage", f"report:{report_id}", "--json").stdout)
    assert document["direction"] == "upstream" and document["nodes"][1]["ref"] == f"run:{run_id}"
    refused = cli("lineage", "bogus")
    assert refused.exit_code == 1 and "is not a reference" in refused.stderr
    usage = cli("lineage", f"run:{run_id}", "--depth", "0")
    assert usage.exit_code == 2
