"""``tether artifacts``: listing, downloads of files and trees (with progress), cat, and unsafe paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli.runner import Cli, Store

from tether.cli import artifacts
from tether.errors import UnsafePath
from tether.tracking.schemas import ArtifactInfo


def test_ls_top_level(cli: Cli, store: Store) -> None:
    result = cli("artifacts", "ls", store.runs["a"])
    assert result.exit_code == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()[2:]]
    assert rows[:3] == [["data/", "dir"], ["features.json", "24", "B"], ["model.txt", "8", "B"]]
    assert "2 files, 32 B" in result.stdout


def test_ls_recursive_json(cli: Cli, store: Store) -> None:
    document = cli.json("artifacts", "ls", store.runs["a"], "--recursive")
    entries = [(e["path"], e["is_dir"], e["size"]) for e in document["artifacts"]]
    assert entries == [
        ("data", True, None),
        ("data/nested", True, None),
        ("data/nested/part-1.csv", False, 8),
        ("data/part-0.csv", False, 8),
        ("features.json", False, 24),
        ("model.txt", False, 8),
    ]
    below = cli.json("artifacts", "ls", store.runs["a"], "data")
    assert [e["path"] for e in below["artifacts"]] == ["data/nested", "data/part-0.csv"]


def test_ls_of_a_run_without_artifacts(cli: Cli, store: Store) -> None:
    result = cli("artifacts", "ls", store.runs["b"])
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"run {store.runs['b']} has no artifacts\n"


def test_get_one_file(cli: Cli, store: Store, tmp_path: Path) -> None:
    dest = tmp_path / "out"
    result = cli("artifacts", "get", store.runs["a"], "model.txt", "-o", str(dest))
    assert result.exit_code == 0, result.stderr
    assert (dest / "model.txt").read_text() == "weights\n"
    assert result.stdout == f"downloaded 1 file (8 B) to {dest / 'model.txt'}\n"
    assert [p.name for p in dest.iterdir()] == ["model.txt"]  # no temporary file left behind


def test_get_a_directory_keeps_its_tree(cli: Cli, store: Store, tmp_path: Path) -> None:
    document = cli.json("artifacts", "get", store.runs["a"], "data", "-o", str(tmp_path))
    assert document["destination"] == str(tmp_path / "data")
    assert document["bytes"] == 16
    assert sorted(document["files"]) == [
        str(tmp_path / "data" / "nested" / "part-1.csv"),
        str(tmp_path / "data" / "part-0.csv"),
    ]
    assert (tmp_path / "data" / "nested" / "part-1.csv").read_text() == "a,b\n3,4\n"


def test_get_everything(cli: Cli, store: Store, tmp_path: Path) -> None:
    result = cli("artifacts", "get", store.runs["a"], ".", "-o", str(tmp_path / "all"))
    assert result.exit_code == 0, result.stderr
    found = sorted(p.relative_to(tmp_path / "all").as_posix() for p in (tmp_path / "all").rglob("*.*"))
    assert found == ["data/nested/part-1.csv", "data/part-0.csv", "features.json", "model.txt"]
    assert "downloaded 4 files (48 B)" in result.stdout


def test_get_shows_byte_progress_on_a_terminal(
    cli: Cli, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(artifacts, "LARGE_FILE", 1)
    result = cli("artifacts", "get", store.runs["a"], "features.json", "-o", str(tmp_path), FORCE_COLOR="1")
    assert result.exit_code == 0, result.stderr
    assert "features.json" in result.stderr
    assert "24" in result.stderr
    assert json.loads((tmp_path / "features.json").read_text()) == {"features": ["tenure"]}


@pytest.mark.parametrize("path", ["../../etc/passwd", "/etc/passwd", "data/../../x", "a%2f..%2fb"])
def test_get_refuses_paths_that_leave_the_run(cli: Cli, store: Store, tmp_path: Path, path: str) -> None:
    dest = tmp_path / "dest"
    result = cli("artifacts", "get", store.runs["a"], path, "-o", str(dest))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: unsafe path {path!r}")
    assert result.stderr.count("\n") == 1
    assert not dest.exists()


def test_get_of_a_missing_file(cli: Cli, store: Store, tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    missing = cli("artifacts", "get", store.runs["a"], "nope.bin", "-o", str(dest))
    assert missing.exit_code == 1
    assert not dest.exists()
    assert missing.stderr == f"error: run {store.runs['a']} has no artifact 'nope.bin'\n"


def test_get_from_a_missing_run(cli: Cli, store: Store) -> None:
    no_run = cli("artifacts", "get", "0" * 32, "model.txt")
    assert (no_run.exit_code, no_run.stderr) == (1, f"error: no run with id '{'0' * 32}'\n")


def test_the_local_side_is_checked_too() -> None:
    """A listing that names a path outside DEST (a hostile server, say) is refused before any write."""

    class Hostile:
        def list_artifacts(self, run_id: str, path: str = "") -> list[ArtifactInfo]:
            return [ArtifactInfo(path="d/../../../evil", is_dir=False, size=1)]

    with pytest.raises(UnsafePath, match="outside"):
        artifacts._plan(Hostile(), "r" * 32, "d", Path("dest"))  # type: ignore[arg-type]


def test_cat_streams_the_bytes(cli: Cli, store: Store) -> None:
    result = cli("artifacts", "cat", store.runs["a"], "data/nested/part-1.csv")
    assert (result.exit_code, result.stdout_bytes) == (0, b"a,b\n3,4\n")


def test_cat_of_a_directory(cli: Cli, store: Store) -> None:
    directory = cli("artifacts", "cat", store.runs["a"], "data")
    assert (directory.exit_code, directory.stderr) == (
        1,
        "error: 'data' is a directory, not a file\n",
    )


def test_cat_of_an_unsafe_path(cli: Cli, store: Store) -> None:
    unsafe = cli("artifacts", "cat", store.runs["a"], "../secrets")
    assert unsafe.exit_code == 1
    assert unsafe.stderr.startswith("error: unsafe path '../secrets'")


def test_a_destination_that_cannot_take_files(cli: Cli, store: Store, tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    is_a_file = cli("artifacts", "get", store.runs["a"], "model.txt", "-o", str(a_file))
    assert is_a_file.exit_code == 2
    assert "is a file" in is_a_file.stderr
    below_a_file = cli("artifacts", "get", store.runs["a"], "model.txt", "-o", str(a_file / "sub"))
    assert below_a_file.exit_code == 1
    assert below_a_file.stderr == f"error: cannot write {a_file / 'sub' / 'model.txt'}: Not a directory\n"
    assert a_file.read_text() == "x"
