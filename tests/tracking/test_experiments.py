"""Experiments through both backends (in process and through a server, on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.support import Target, unique

from tether.client import Backend
from tether.errors import InvalidInput, NotFound


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


def test_experiments_sort_by_their_attributes_a_page_at_a_time(backend: Backend) -> None:
    api = backend.tracking
    prefix = unique("sorted")
    for letter in "cab":
        api.create_experiment(f"{prefix}-{letter}")
    mine = f"name LIKE '{prefix}-%'"
    by_name = api.list_experiments(filter=mine, order_by=["name DESC"]).items
    assert [e.name.rsplit("-", 1)[1] for e in by_name] == ["c", "b", "a"]
    newest = api.list_experiments(filter=mine, order_by=["attributes.creation_time DESC", "name"]).items
    keys = [(-e.creation_time, e.name) for e in newest]
    assert keys == sorted(keys) and len(keys) == 3, "newest first, a tie broken by the next key"
    pages, token = [], None
    while True:
        page = api.list_experiments(filter=mine, order_by=["name"], max_results=1, page_token=token)
        pages += [e.name for e in page.items]
        token = page.next_page_token
        if token is None:
            break
    assert pages == sorted(pages) and len(pages) == 3, "pages keep the order, without gaps or repeats"
    first = api.list_experiments(filter=mine, order_by=["name"], max_results=1)
    with pytest.raises(InvalidInput, match="different query"):
        api.list_experiments(
            filter=mine, order_by=["name DESC"], max_results=1, page_token=first.next_page_token
        )
    for bad in (["tags.team"], ["start_time"], ["name SIDEWAYS"]):
        with pytest.raises(InvalidInput):
            api.list_experiments(order_by=bad)
