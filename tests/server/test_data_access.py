"""Datasets on a server with ``--auth``: any signed-in user reads and writes them and records the author;
deleting a dataset and collecting garbage need an admin; recording a run's input needs EDIT on the run's
experiment; a dataset version's lineage is open to every signed-in user."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from tests.server.conftest import SecuredServer
from tests.server.test_registry_access import clients
from tests.support import unique

import tether as tt
from tether.errors import PermissionDenied, Unauthenticated
from tether.sdk.data import DataClient

__all__ = ["clients"]  # the fixture: a client per user of the secured server

API = "/api/v1"


def folder(root: Path) -> Path:
    root.mkdir()
    (root / "a.csv").write_text("x\n1\n")
    return root


def test_signed_in_users_share_datasets_and_the_author_is_the_caller(
    clients: dict[str, tt.Client], tmp_path: Path
) -> None:
    name = unique("shared")
    owner = DataClient(clients["owner"].data.api, tmp_path / "c1")
    stranger = DataClient(clients["stranger"].data.api, tmp_path / "c2")
    commit = owner.add(folder(tmp_path / "tree"), name, author="someone-else").commit
    assert commit.author == "owner"  # the signed-in user, whatever the client claims
    assert stranger.get(name).id == commit.commit_id
    stranger.tag(name, "v1")
    assert [r.name for r in owner.api.get_dataset(name).refs] == ["main", "v1"]
    graph = clients["stranger"].lineage.graph(commit.ref, "downstream")
    assert graph.root == commit.ref


def test_only_an_admin_deletes_datasets_and_collects_garbage(
    clients: dict[str, tt.Client], tmp_path: Path
) -> None:
    name = unique("guarded")
    owner = clients["owner"].data.api
    DataClient(owner, tmp_path / "c").add(folder(tmp_path / "tree"), name)
    with pytest.raises(PermissionDenied):
        owner.delete_dataset(name)
    with pytest.raises(PermissionDenied):
        owner.collect_garbage(dry_run=True)
    report = clients["admin"].data.api.collect_garbage(dry_run=True)
    assert report.dry_run
    clients["admin"].data.api.delete_dataset(name)
    assert name not in [d.name for d in owner.list_datasets().items]


def test_logging_an_input_needs_edit_on_the_run(clients: dict[str, tt.Client], tmp_path: Path) -> None:
    name = unique("input")
    owner = clients["owner"]
    DataClient(owner.data.api, tmp_path / "c").add(folder(tmp_path / "tree"), name)
    run = owner.tracking.create_run(owner.tracking.create_experiment(unique("private"))).run_id
    with pytest.raises(PermissionDenied):
        clients["stranger"].data.api.log_input(run, name)
    assert owner.data.api.log_input(run, name).dataset == name


def test_packs_need_a_signed_in_caller(secured: SecuredServer) -> None:
    with httpx.Client(base_url=secured.url) as anonymous:
        for method, path in (("PUT", "/data/objects"), ("POST", "/data/objects/fetch")):
            answered = anonymous.request(method, f"{API}{path}", content=b"tether-pack 1\n")
            assert answered.status_code == 401
            assert answered.json()["error"]["code"] == Unauthenticated.code
