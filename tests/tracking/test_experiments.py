"""Experiments through both backends (in process and through a server, on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.support import Target, unique

from tether.client import Backend
from tether.errors import NotFound


@pytest.fixture
def backend(target: Target) -> Iterator[Backend]:
    connected = target.connect()
    yield connected
    connected.close()


def test_an_experiment_tag_is_set_replaced_and_deleted(backend: Backend) -> None:
    api = backend.tracking
    experiment = api.create_experiment(unique("tags"), {"team": "risk", "owner": "ana"})
    api.set_experiment_tag(experiment, "owner", "bo")
    api.delete_experiment_tag(experiment, "team")
    assert api.get_experiment(experiment).tags == {"owner": "bo"}
    with pytest.raises(NotFound, match="has no tag 'team'"):
        api.delete_experiment_tag(experiment, "team")
    with pytest.raises(NotFound):
        api.delete_experiment_tag("999999999", "owner")
    assert api.get_experiment(experiment).tags == {"owner": "bo"}
