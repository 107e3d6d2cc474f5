"""Serving fixtures: one local Ray for the whole test session, started on first use.

Ray takes seconds and most of a gigabyte to start, so tests share one instance (``ray.init(num_cpus=2)``,
no dashboard, token auth off as for any local test cluster) and each test that deploys takes Serve down
after it, so the next one starts from a cluster with no app and no proxy.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

OBJECT_STORE_BYTES = 200 * 1024 * 1024
"""Ray's default object store takes 30% of memory; the serving tests put almost nothing in it."""


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[str]:
    """The address of a local Ray (what ``--ray-address`` takes), shut down at the end of the session."""
    import ray

    saved = os.environ.get("RAY_AUTH_MODE")
    os.environ["RAY_AUTH_MODE"] = "disabled"  # inherited by the commands the tests start
    context = ray.init(
        address="local",
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=OBJECT_STORE_BYTES,
        log_to_driver=False,
    )
    try:
        yield str(context.address_info["gcs_address"])
    finally:
        ray.shutdown()
        if saved is None:
            os.environ.pop("RAY_AUTH_MODE", None)
        else:
            os.environ["RAY_AUTH_MODE"] = saved


@pytest.fixture
def on_ray(ray_cluster: str) -> Iterator[str]:
    """The session's Ray, with Serve shut down after the test (its apps, controller and HTTP proxy)."""
    from ray import serve

    try:
        yield ray_cluster
    finally:
        serve.shutdown()
