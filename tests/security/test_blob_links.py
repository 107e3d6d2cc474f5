"""Symbolic links planted in the server's local blob folder, under a run's artifacts.

A reader must not download what a link points to (``/etc/passwd``, the server's own ``tether.db``), and
an editor must not write through one. Every such request is a 4xx naming the link, and listings leave
links out.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.security.conftest import API, Experiment, error_code


@pytest.fixture
def planted(experiment: Experiment, tmp_path: Path) -> tuple[str, Path]:
    """A run whose artifact folder holds one real file and links to a file, the database and a folder
    outside the store; returns the run and that folder."""
    run = experiment.new_run()
    with experiment.server.client("editor") as editor:
        assert editor.put(f"{API}/runs/{run}/artifacts/real.txt", content=b"real").status_code == 201
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("root:x:0:0:secret")
    folder = experiment.artifacts_dir(run)
    (folder / "passwd").symlink_to("/etc/passwd")
    (folder / "secret.txt").symlink_to(outside / "secret.txt")
    (folder / "outside").symlink_to(outside, target_is_directory=True)
    database = experiment.server.server.home / "tether.db"
    if database.exists():
        (folder / "tether.db").symlink_to(database)
    return run, outside


@pytest.mark.parametrize("path", ["passwd", "secret.txt", "tether.db", "outside/secret.txt"])
def test_a_reader_cannot_download_through_a_link(
    experiment: Experiment, planted: tuple[str, Path], path: str
) -> None:
    run, _ = planted
    if path == "tether.db" and not (experiment.artifacts_dir(run) / path).is_symlink():
        pytest.skip("the PostgreSQL server keeps no database file")
    with experiment.server.client("reader") as reader:
        for request in (
            reader.get(f"{API}/runs/{run}/artifacts/{path}"),
            reader.get(f"{API}/runs/{run}/artifacts/{path}", headers={"range": "bytes=0-99"}),
            reader.get(f"{API}/runs/{run}/artifact-info", params={"path": path}),
        ):
            assert error_code(request) == "UNSAFE_LINK"
            assert b"root:" not in request.content and b"SQLite" not in request.content
            assert "symbolic link" in request.json()["error"]["message"]


def test_a_preview_does_not_follow_a_link(experiment: Experiment, planted: tuple[str, Path]) -> None:
    run, outside = planted
    (outside / "table.csv").write_text("secret,value\n1,2\n")
    (experiment.artifacts_dir(run) / "table.csv").symlink_to(outside / "table.csv")
    with experiment.server.client("reader") as reader:
        answer = reader.get(f"{API}/runs/{run}/artifact-preview", params={"path": "table.csv"})
    assert error_code(answer) == "UNSAFE_LINK" and b"secret" not in answer.content


def test_listings_leave_links_out(experiment: Experiment, planted: tuple[str, Path]) -> None:
    run, _ = planted
    with experiment.server.client("reader") as reader:
        for recursive in (False, True):
            listing = reader.get(f"{API}/runs/{run}/artifacts", params={"recursive": recursive})
            assert listing.status_code == 200
            assert listing.json() == [{"path": "real.txt", "is_dir": False, "size": 4}]
        below = reader.get(f"{API}/runs/{run}/artifacts", params={"path": "outside"})
        assert error_code(below) == "UNSAFE_LINK"


@pytest.mark.parametrize("path", ["outside/planted.txt", "secret.txt", "outside/deeper/planted.txt"])
def test_an_editor_cannot_write_through_a_link(
    experiment: Experiment, planted: tuple[str, Path], path: str
) -> None:
    run, outside = planted
    with experiment.server.client("editor") as editor:
        answer = editor.put(f"{API}/runs/{run}/artifacts/{path}", content=b"planted by the editor")
    assert error_code(answer) == "UNSAFE_LINK"
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]
    assert (outside / "secret.txt").read_text() == "root:x:0:0:secret"
    assert os.readlink(experiment.artifacts_dir(run) / "secret.txt") == str(outside / "secret.txt")
