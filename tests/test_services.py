"""The composition root builds each domain service once, on first use, even when threads race to it."""

from __future__ import annotations

import threading

from tether.config import Settings
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
    assert {"data", "tracking", "lineage"} <= built
    assert not {"registry", "auth", "guard", "deployments", "monitoring"} & built
