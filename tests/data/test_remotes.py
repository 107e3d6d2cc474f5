"""Push and pull through remotes on local disk and on S3 (moto): only what is missing moves, another store
gets the same commits and refs with only the URL, an interrupted push resumes, diverged branches and moved
tags are refused, and a damaged pack on the remote is caught."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.support import Target, s3_options, unique

from tether.client.local import LocalBackend
from tether.config import Settings
from tether.errors import Conflict, InvalidData, NotFound
from tether.sdk.data import DataClient


@pytest.fixture(params=["folder", "s3"])
def remote(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, dict[str, Any]]:
    if request.param == "folder":
        return str(tmp_path / "remote"), {}
    return request.getfixturevalue("s3_bucket_url"), s3_options(request.getfixturevalue("s3_server"))


@pytest.fixture
def source(target: Target, tmp_path: Path) -> Iterator[DataClient]:
    with target.client() as client:
        yield DataClient(client.data.api, tmp_path / "source-cache")


@pytest.fixture
def other(tmp_path: Path) -> Iterator[DataClient]:
    """A second machine: an embedded store of its own that knows nothing but the remote's URL."""
    backend = LocalBackend(Settings.at(tmp_path / "other-home"))
    yield DataClient(backend.data, tmp_path / "other-cache")
    backend.close()


def tree(root: Path) -> Path:
    (root / "sub").mkdir(parents=True)
    (root / "empty").mkdir()
    (root / "a.txt").write_text("alpha\n")
    (root / "sub" / "b.csv").write_text("x\n1\n")
    (root / "big.bin").write_bytes(os.urandom(2_000_000))
    return root


def test_a_pushed_dataset_pulls_whole_into_another_store(
    source: DataClient, other: DataClient, remote: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    url, options = remote
    name = unique("moved")
    folder = tree(tmp_path / "data")
    first = source.add(folder, name, message="one").commit
    source.tag(name, "v1")
    (folder / "a.txt").write_text("changed\n")
    second = source.add(folder, name, message="two").commit
    pushed = source.push(name, url, options=options)
    assert pushed.commits == 2 and set(pushed.refs) == {"main", "v1"}
    assert source.push(name, url, options=options).objects == 0  # nothing is sent twice

    pulled = other.pull(name, url, options=options)
    assert pulled.commits == 2 and set(pulled.refs) == {"main", "v1"}
    assert [c.commit_id for c in other.log(name)] == [second.commit_id, first.commit_id]
    assert other.get(f"{name}@v1").id == first.commit_id
    out = tmp_path / "out"
    other.checkout(f"{name}@v1", out)
    assert (out / "big.bin").read_bytes() == (folder / "big.bin").read_bytes()
    assert (out / "empty").is_dir() and (out / "a.txt").read_text() == "alpha\n"
    assert other.pull(name, url, options=options).objects == 0

    (folder / "sub" / "b.csv").write_text("x\n2\n")
    third = source.add(folder, name, message="three").commit
    again = source.push(name, url, options=options)
    assert again.commits == 1 and again.objects <= 4  # the changed file, the manifest, the commit
    assert other.pull(f"{name}@main", url, options=options).refs == ["main"]
    assert other.get(name).id == third.commit_id


def test_a_pull_moves_only_the_commits_the_store_has_not_recorded(
    source: DataClient, other: DataClient, tmp_path: Path
) -> None:
    url = str(tmp_path / "remote")
    name = unique("partial")
    folder = tree(tmp_path / "data")
    first = source.add(folder, name, message="one").commit
    source.tag(name, "v1")
    for step in range(3):
        (folder / "a.txt").write_text(f"step {step}\n")
        source.add(folder, name, message=f"step {step}")
    source.push(name, url)
    assert other.pull(f"{name}@v1", url).commits == 1
    assert other.api.known_commits(name, [first.commit_id]) == [first.commit_id]
    rest = other.pull(name, url)
    assert rest.commits == 3, "the commit pulled before is not received again"
    assert [c.commit_id for c in other.log(name)] == [c.commit_id for c in source.log(name)]


def test_an_interrupted_push_resumes_where_it_stopped(
    source: DataClient, other: DataClient, remote: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    url, options = remote
    name = unique("resumed")
    folder = tmp_path / "data"
    folder.mkdir()
    for index in range(3):
        (folder / f"part-{index}.bin").write_bytes(os.urandom(9_000_000))
    source.add(folder, name)
    sent: list[int] = []

    def stop_after_the_first_pack(phase: str, done: int, total: int) -> None:
        sent.append(done)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        source.push(name, url, options=options, progress=stop_after_the_first_pack)
    with pytest.raises(NotFound):
        other.pull(name, url, options=options)  # no ref was written: the remote names nothing yet
    finished = source.push(name, url, options=options)
    assert finished.commits == 1 and finished.refs == ["main"]
    assert 0 < finished.bytes < 27_000_000  # the packs that had landed were not sent again
    other.pull(name, url, options=options)
    out = tmp_path / "out"
    other.checkout(name, out)
    assert (out / "part-2.bin").read_bytes() == (folder / "part-2.bin").read_bytes()


def test_diverged_branches_and_moved_tags_are_refused(
    source: DataClient, other: DataClient, remote: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    url, options = remote
    name = unique("diverged")
    folder = tree(tmp_path / "data")
    source.add(folder, name)
    source.tag(name, "v1")
    source.push(name, url, options=options)
    other.pull(name, url, options=options)
    theirs = tree(tmp_path / "theirs")
    (theirs / "a.txt").write_text("theirs\n")
    other.add(theirs, name)
    other.push(name, url, options=options)
    (folder / "a.txt").write_text("mine\n")
    mine = source.add(folder, name).commit
    with pytest.raises(Conflict, match="diverged"):
        source.push(name, url, options=options)
    with pytest.raises(Conflict, match="diverged"):
        source.pull(name, url, options=options)
    assert source.push(f"{name}@main", url, options=options, force=True).refs == ["main"]
    other.api.delete_ref(name, "v1")
    other.tag(name, "v1")
    with pytest.raises(Conflict, match="tags do not move"):
        other.push(f"{name}@v1", url, options=options, force=True)
    assert source.get(name).id == mine.commit_id


def test_a_damaged_pack_on_the_remote_is_caught(
    source: DataClient, other: DataClient, tmp_path: Path
) -> None:
    url = str(tmp_path / "remote")
    name = unique("damaged")
    source.add(tree(tmp_path / "data"), name)
    source.push(name, url)
    pack = max((tmp_path / "remote" / "packs").glob("*.pack"), key=lambda p: p.stat().st_size)
    body = bytearray(pack.read_bytes())
    body[len(body) // 2] ^= 0xFF
    pack.write_bytes(bytes(body))
    with pytest.raises(InvalidData, match="damaged"):
        other.pull(name, url)
    with pytest.raises(NotFound):
        other.get(name)  # nothing was recorded from the damaged remote


def test_pulling_what_a_remote_does_not_hold(other: DataClient, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no dataset named"):
        other.pull(unique("nothing"), str(tmp_path / "empty-remote"))
