"""Quotas on a store: one artifact's size, an experiment's artifact bytes, and keys per run."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from tether.config import Quotas, Settings
from tether.errors import InvalidInput, TooLarge
from tether.services import Services, open_services
from tether.tracking.schemas import MetricColumns

QUOTAS = Quotas(max_artifact_bytes=1000, max_experiment_artifact_bytes=2500, max_keys_per_run=5)


@pytest.fixture
def services(db_url: str, tmp_path: Path) -> Iterator[Services]:
    opened = open_services(
        Settings(home=tmp_path, db_url=db_url, blob_url=str(tmp_path / "blobs"), quotas=QUOTAS)
    )
    yield opened
    opened.close()


def upload(services: Services, run_id: str, path: str, size: int) -> int:
    return services.tracking.log_artifact_stream(run_id, io.BytesIO(b"x" * size), path).size or 0


def test_an_artifact_over_its_limit_stops_while_it_streams_and_leaves_nothing(services: Services) -> None:
    run = services.tracking.create_run().run_id
    assert upload(services, run, "fits.bin", 1000) == 1000
    with pytest.raises(TooLarge, match="at most 1000 bytes"):
        upload(services, run, "big.bin", 1001)
    assert [a.path for a in services.tracking.list_artifacts(run)] == ["fits.bin"]


def test_an_experiment_s_artifacts_are_counted_across_runs_and_overwrites(services: Services) -> None:
    experiment = services.tracking.create_experiment("quota")
    first, second = (services.tracking.create_run(experiment).run_id for _ in range(2))
    upload(services, first, "a.bin", 1000)
    upload(services, second, "b.bin", 1000)
    with pytest.raises(TooLarge, match=r"holds 2000 bytes .* this file may have 500"):
        upload(services, second, "c.bin", 600)
    upload(services, first, "a.bin", 400)  # an overwrite counts only the difference
    upload(services, second, "c.bin", 1000)
    assert sorted(a.path for a in services.tracking.list_artifacts(second)) == ["b.bin", "c.bin"]
    with pytest.raises(TooLarge):
        upload(services, first, "d.bin", 200)
    other = services.tracking.create_run(services.tracking.create_experiment("elsewhere")).run_id
    assert upload(services, other, "e.bin", 1000) == 1000  # another experiment has its own quota


def test_a_batch_that_gives_a_run_too_many_keys_is_refused_whole(services: Services) -> None:
    tracking = services.tracking
    run = tracking.create_run().run_id
    tracking.log_batch(run, params={f"p{i}": i for i in range(5)})
    with pytest.raises(InvalidInput, match="would have 6 distinct param keys; a run may have at most 5"):
        tracking.log_batch(run, params={"p5": 5}, tags={"kept": "no"})
    tracking.log_batch(run, params={"p0": 0})  # logging a key it has is fine
    points = MetricColumns.of([(f"m{i}", 1.0, 0, 1) for i in range(6)])
    with pytest.raises(InvalidInput, match="distinct metric keys"):
        tracking.log_batch(run, points)
    stored = tracking.get_run(run)
    assert (len(stored.params), stored.tags, stored.metrics) == (5, {}, {})


def test_a_run_at_its_key_limit_can_log_the_keys_it_has_again(services: Services) -> None:
    tracking = services.tracking
    run = tracking.create_run().run_id
    tracking.log_batch(
        run, MetricColumns.of([(f"m{i}", 1.0, 0, 1) for i in range(5)]), tags=dict.fromkeys("abcde", "1")
    )
    tracking.log_batch(
        run, MetricColumns.of([(f"m{i}", 2.0, 1, 2) for i in range(5)]), tags=dict.fromkeys("abcde", "2")
    )
    stored = tracking.get_run(run)
    assert (stored.metrics, stored.tags) == ({f"m{i}": 2.0 for i in range(5)}, dict.fromkeys("abcde", "2"))
    assert tracking.get_metric_series(run, "m0").values == [1.0, 2.0]


def test_limits_come_from_the_environment_and_can_be_turned_off() -> None:
    env = {"TETHER_MAX_ARTIFACT_SIZE": "2GiB", "TETHER_MAX_EXPERIMENT_ARTIFACTS": "none"}
    quotas = Settings.from_env(env).quotas
    assert quotas == Quotas(max_artifact_bytes=2 * 1024**3, max_experiment_artifact_bytes=None)
