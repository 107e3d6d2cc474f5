"""The composition root builds each domain service once, on first use, even when threads race to it."""

from __future__ import annotations

import threading

import pytest

from tether.config import Settings
from tether.errors import NotFound
from tether.services import Services


def test_a_service_is_built_once_when_threads_ask_together(settings: Settings) -> None:
    services = Services(settings)
    seen: list[object] = []
    start = threading.Barrier(8)

    def ask() -> None:
        start.wait()
        seen.append(services.monitoring)  # builds tracking and lineage inside, under the same lock

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    services.close()
    assert len({id(service) for service in seen}) == 1
    assert services.monitoring is seen[0]
    assert services.monitoring.tracking is services.tracking


def test_services_not_asked_for_are_not_built(settings: Settings) -> None:
    services = Services(settings)
    assert services.data.objects is not None
    services.close()
    built = set(vars(services))
    assert {"data", "lineage"} <= built
    assert not {"tracking", "registry", "auth", "guard", "deployments", "monitoring"} & built


def test_the_data_service_builds_tracking_only_when_it_asks_about_a_run(settings: Settings) -> None:
    services = Services(settings)
    try:
        assert services.data is not None and "tracking" not in vars(services)
        with pytest.raises(NotFound):
            services.data.experiment_of_run("no-such-run")
        assert "tracking" in vars(services)
    finally:
        services.close()
