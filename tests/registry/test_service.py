"""The model registry over every backend (embedded and through a server, on SQLite and PostgreSQL):
models, versions from run packages, aliases with their history, the promotion guard, and the refusals."""

from __future__ import annotations

import threading
from datetime import datetime, timezone

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from tests.support import unique

import tether as tt
from tether.errors import AlreadyExists, Conflict, InvalidFilter, InvalidInput, NotFound


def fitted() -> tuple[LogisticRegression, pd.DataFrame]:
    generator = np.random.default_rng(5)
    frame = pd.DataFrame({"a": generator.normal(size=30), "b": generator.normal(size=30)})
    return LogisticRegression().fit(frame, (frame["a"] > 0).astype(int)), frame


def logged_run(client: tt.Client, auc: float = 0.95) -> str:
    """A run with an ``auc`` metric and a model package under ``model``; returns the run id."""
    model, frame = fitted()
    run = client.create_run(experiment_id="0").run_id
    client.log_metric(run, "auc", auc)
    client.log_param(run, "depth", 4)
    client.log_model(run, model, input_example=frame.head(3))
    return run


def test_models_are_created_read_listed_renamed_and_deleted(fluent_client: tt.Client) -> None:
    registry = fluent_client.registry
    name = unique("churn")
    created = registry.create_model(name, "predicts churn", {"team": "growth"})
    assert (created.name, created.description, created.tags, created.latest_version) == (
        name,
        "predicts churn",
        {"team": "growth"},
        None,
    )
    with pytest.raises(AlreadyExists):
        registry.create_model(name)
    assert [m.name for m in registry.list_models(name_like=f"{name}%").items] == [name]
    registry.set_model_tag(name, "stage", "beta")
    renamed = registry.update_model(name, new_name=f"{name}-v2", description="better")
    assert renamed.name == f"{name}-v2" and renamed.tags == {"team": "growth", "stage": "beta"}
    with pytest.raises(NotFound, match="no registered model"):
        registry.get_model(name)
    registry.delete_model_tag(f"{name}-v2", "stage")
    with pytest.raises(NotFound, match="no tag"):
        registry.delete_model_tag(f"{name}-v2", "stage")
    registry.delete_model(f"{name}-v2")
    with pytest.raises(NotFound):
        registry.get_model(f"{name}-v2")


@pytest.mark.parametrize("bad", ["", "has space", "a/b", "x@y", "é"])
def test_a_model_name_outside_the_rule_is_refused(fluent_client: tt.Client, bad: str) -> None:
    with pytest.raises(InvalidInput, match="the model name"):
        fluent_client.registry.create_model(bad)


def test_logging_with_a_registered_name_makes_numbered_versions(fluent_client: tt.Client) -> None:
    model, frame = fitted()
    name = unique("churn")
    tt.set_experiment(unique("registry"))
    with tt.start_run() as first:
        info = tt.log_model(model, input_example=frame.head(3), registered_model_name=name)
    assert (info.registered_model_name, info.version) == (name, 1)
    with tt.start_run():
        assert tt.log_model(model, input_example=frame.head(3), registered_model_name=name).version == 2
    versions = fluent_client.registry.list_versions(name)
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].run_id == first.run_id and versions[0].source == f"runs:/{first.run_id}/model"
    assert versions[0].flavor == "sklearn" and versions[0].signature == info.signature
    assert tt.registry.get_model(name).latest_version == 2  # the fluent API's registry
    loaded = tt.load_model(f"models:/{name}/1")
    np.testing.assert_array_equal(loaded.predict(frame), model.predict(frame))


def test_aliases_resolve_move_and_keep_their_history(fluent_client: tt.Client) -> None:
    registry = fluent_client.registry
    name = unique("churn")
    registry.create_model(name)
    run = logged_run(fluent_client)
    for _ in range(3):
        registry.create_version(name, f"runs:/{run}/model")
    assert tt.set_alias(name, "champion", 1).version == 1
    registry.set_alias(name, "champion", 3)
    registry.set_alias(name, "champion", 3)  # no move, no event
    registry.set_alias(name, "champion", 2)
    assert registry.get_version_by_alias(name, "champion").version == 2
    assert registry.get_model(name).aliases[0].alias == "champion"
    assert registry.get_version(name, 2).aliases == ["champion"]
    model, frame = fitted()
    np.testing.assert_array_equal(
        fluent_client.load_model(f"models:/{name}@champion").predict(frame), model.predict(frame)
    )
    moves = registry.history(name, alias="champion")
    assert [(e.kind, e.from_version, e.to_version) for e in moves] == [
        ("alias_set", None, 1),
        ("alias_set", 1, 3),
        ("alias_set", 3, 2),
    ]
    for event in moves:
        expected = [e.to_version for e in moves if e.at <= event.at][-1]
        assert registry.alias_at(name, "champion", event.at) == expected
        iso = datetime.fromtimestamp(event.at / 1000, tz=timezone.utc).isoformat(timespec="milliseconds")
        assert registry.alias_at(name, "champion", iso) == expected
    assert registry.alias_at(name, "champion", moves[0].at - 1) is None
    registry.delete_alias(name, "champion")
    assert registry.alias_at(name, "champion", registry.history(name)[-1].at) is None
    kinds = [e.kind for e in registry.history(name)]
    assert (
        kinds[0] == "model_created" and kinds.count("version_created") == 3 and kinds[-1] == "alias_deleted"
    )
    with pytest.raises(NotFound, match="no alias 'champion'"):
        registry.get_version_by_alias(name, "champion")
    with pytest.raises(InvalidInput, match="ISO 8601"):
        registry.alias_at(name, "champion", "yesterday")


def test_the_promotion_guard_checks_the_source_run(fluent_client: tt.Client) -> None:
    registry = fluent_client.registry
    name = unique("churn")
    registry.create_model(name)
    weak, strong = logged_run(fluent_client, auc=0.85), logged_run(fluent_client, auc=0.93)
    registry.create_version(name, f"runs:/{weak}/model")
    registry.create_version(name, f"runs:/{strong}/model")
    with pytest.raises(Conflict, match=r"metrics\.auc >= 0\.9 \(the run has 0\.85\)"):
        registry.set_alias(name, "champion", 1, "metrics.auc >= 0.9 and params.depth = '4'")
    with pytest.raises(Conflict, match=r"metrics\.recall > 0\.5 \(the run has no such value\)"):
        registry.set_alias(name, "champion", 2, "metrics.recall > 0.5")
    with pytest.raises(NotFound):
        registry.get_version_by_alias(name, "champion")
    assert registry.set_alias(name, "champion", 2, "metrics.auc >= 0.9 and params.depth = '4'").version == 2
    with pytest.raises(InvalidInput):
        registry.set_alias(name, "champion", 2, "metrics.auc >>= 1")


def test_versions_refuse_what_is_not_a_package_and_are_never_renumbered(fluent_client: tt.Client) -> None:
    registry = fluent_client.registry
    name = unique("churn")
    registry.create_model(name)
    run = logged_run(fluent_client)
    with pytest.raises(NotFound):
        registry.create_version(name, f"runs:/{'0' * 32}/model")
    with pytest.raises(InvalidInput, match="not a model package"):
        registry.create_version(name, f"runs:/{run}/elsewhere")
    for source in ("s3://bucket/model", f"runs:/{run}", f"runs:/{run}/"):
        with pytest.raises(InvalidInput, match="runs:/"):
            registry.create_version(name, source)
    with pytest.raises(NotFound):
        registry.create_version(unique("nobody"), f"runs:/{run}/model")
    for _ in range(2):
        registry.create_version(name, f"runs:/{run}/model", tags={"k": "v"})
    registry.set_alias(name, "prod", 2)
    with pytest.raises(Conflict, match="alias"):
        registry.delete_version(name, 2)
    registry.delete_alias(name, "prod")
    registry.delete_version(name, 2)
    assert registry.create_version(name, f"runs:/{run}/model").version == 3
    assert [v.version for v in registry.list_versions(name)] == [1, 3]
    with pytest.raises(NotFound, match="no version 2"):
        registry.get_version(name, 2)
    with pytest.raises(InvalidInput, match="whole number"):
        registry.get_version(name, 0)
    updated = registry.update_version(name, 1, "first try")
    assert updated.description == "first try" and updated.tags == {"k": "v"}
    registry.set_version_tag(name, 1, "checked", "yes")
    assert registry.get_version(name, 1).tags == {"k": "v", "checked": "yes"}


def test_lineage_links_versions_to_runs_and_follows_a_rename(fluent_client: tt.Client) -> None:
    registry = fluent_client.registry
    name = unique("churn")
    registry.create_model(name)
    run = logged_run(fluent_client)
    registry.create_version(name, f"runs:/{run}/model")
    registry.update_model(name, new_name=f"{name}-renamed")
    downstream = fluent_client.lineage.graph(f"run:{run}", "downstream")
    assert f"models:/{name}-renamed/1" in {node.ref for node in downstream.nodes}
    assert registry.get_version(f"{name}-renamed", 1).run_id == run


def test_concurrent_registrations_get_distinct_versions(fluent_client: tt.Client) -> None:
    registry = fluent_client.registry
    name = unique("churn")
    registry.create_model(name)
    run = logged_run(fluent_client)
    made: list[int] = []
    errors: list[BaseException] = []

    def register() -> None:
        try:
            made.append(registry.create_version(name, f"runs:/{run}/model").version)
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=register) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and sorted(made) == [1, 2, 3, 4, 5, 6]


def test_models_and_versions_are_searched_with_the_filter_grammar(fluent_client: tt.Client) -> None:
    registry = fluent_client.registry
    team = unique("team")
    growth, ops = unique("growth"), unique("ops")
    registry.create_model(growth, "predicts churn", {"team": team, "tier": "1"})
    registry.create_model(ops, "flags outages", {"team": team})
    run = logged_run(fluent_client)
    for _ in range(3):
        registry.create_version(growth, f"runs:/{run}/model")
    registry.set_version_tag(growth, 2, "stage", "prod")

    def names(text: str) -> list[str]:
        return [m.name for m in registry.list_models(filter=text).items]

    assert names(f"tags.team = '{team}'") == sorted([growth, ops])
    assert names(f"tags.team = '{team}' AND tags.tier IS NULL") == [ops]
    assert names(f"tags.team = '{team}' AND description ILIKE '%CHURN%'") == [growth]
    assert names(f"name IN ('{ops}', 'nothing') AND created_time > 0") == [ops]
    page = registry.list_models(filter=f"tags.team = '{team}'", max_results=1)
    rest = registry.list_models(
        filter=f"tags.team = '{team}'", max_results=1, page_token=page.next_page_token
    )
    assert [m.name for m in page.items + rest.items] == sorted([growth, ops])

    def versions(text: str) -> list[int]:
        return [v.version for v in registry.list_versions(growth, text)]

    assert versions("") == [1, 2, 3]
    assert versions("version >= 2 AND flavor = 'sklearn'") == [2, 3]
    assert versions("tags.stage = 'prod'") == [2]
    assert versions("tags.stage != 'prod'") == []  # a missing tag fails every comparison
    assert versions(f"source LIKE 'runs:/{run}/%' AND version < 2") == [1]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("metrics.auc > 0.9", "unknown entity 'metrics' at column 1: expected tags. or attributes."),
        ("flavor = 'sklearn'", "unknown attribute 'flavor' at column 1: expected one of name, description"),
        ("name > 3", "> at column 6 is not allowed on attribute name"),
        ("created_time = 'yesterday'", "an unquoted number"),
        ("team = 'x'", "(tags needs a prefix, as in tags.team)"),
    ],
)
def test_a_bad_model_filter_says_what_is_wrong(fluent_client: tt.Client, text: str, why: str) -> None:
    with pytest.raises(InvalidFilter) as refused:
        fluent_client.registry.list_models(filter=text)
    assert why in str(refused.value)


def test_a_bad_version_filter_says_what_is_wrong(fluent_client: tt.Client) -> None:
    name = unique("filtered")
    fluent_client.registry.create_model(name)
    with pytest.raises(
        InvalidFilter, match=r"unknown attribute 'name'.*expected one of status, flavor, source"
    ):
        fluent_client.registry.list_versions(name, "name = 'x'")
    with pytest.raises(NotFound):
        fluent_client.registry.list_versions(unique("missing"), "version = 1")
