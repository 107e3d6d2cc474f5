"""Datasets over every backend (embedded and through a server, on SQLite and PostgreSQL): commits of a
folder, history, specs, diffs, checkouts, branches and tags, compare-and-swap and racing writers, refused
input, lineage to runs, and garbage collection."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support import Target, unique

import tether as tt
from tether.client import Backend
from tether.data.chunks import digest
from tether.data.manifest import Entry, Manifest
from tether.data.schemas import decode_pack, encode_pack
from tether.errors import Conflict, InvalidData, InvalidInput, NotFound
from tether.sdk.data import DataClient


@pytest.fixture
def client(target: Target) -> Iterator[tt.Client]:
    made = target.client()
    yield made
    made.close()


@pytest.fixture
def data(client: tt.Client, tmp_path: Path) -> DataClient:
    return DataClient(client.data.api, tmp_path / "cache")


def make_tree(root: Path) -> Path:
    """Small files, a nested folder, an empty folder, a 0-byte file, an executable and a 1 MB file."""
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "empty").mkdir()
    (root / "a.txt").write_text("alpha\n")
    (root / "sub" / "b.csv").write_text("x,y\n1,2\n3,4\n")
    (root / "sub" / "deeper" / "données.txt").write_text("unicode\n")
    (root / "zero").write_bytes(b"")
    (root / "run.sh").write_text("#!/bin/sh\necho hi\n")
    (root / "run.sh").chmod(0o755)
    (root / "big.bin").write_bytes(os.urandom(1_000_000))
    return root


def read_tree(root: Path) -> dict[str, tuple[bytes, bool] | None]:
    found: dict[str, tuple[bytes, bool] | None] = {}
    for folder, dirs, files in os.walk(root):
        rel = Path(folder).relative_to(root)
        if not dirs and not files and folder != str(root):
            found[str(rel)] = None
        for name in files:
            path = Path(folder) / name
            found[str(rel / name)] = (path.read_bytes(), bool(path.stat().st_mode & 0o100))
    return found


def test_a_folder_round_trips_through_a_commit(data: DataClient, tmp_path: Path) -> None:
    name = unique("churn")
    tree = make_tree(tmp_path / "tree")
    added = data.add(tree, name, message="October export")
    assert added.changed and added.files == 6 and added.sent_objects > 0
    version = data.get(name)
    assert version.id == added.commit.commit_id and version.message == "October export"
    assert version.ref == f"data:{name}@{version.id}"
    assert version.author  # the login name, or the signed-in user on a server with --auth
    assert version.sizes["big.bin"] == 1_000_000 and version.sizes["zero"] == 0
    assert {f.path for f in version.files if f.kind == "dir"} == {"empty"}
    assert read_tree(version.path) == read_tree(tree)
    assert version.to_pandas("sub/b.csv")["y"].tolist() == [2, 4]
    assert not (version.path / "a.txt").stat().st_mode & 0o222  # the cached copy is read-only
    out = tmp_path / "restore"
    data.checkout(f"{name}@{version.id[:8]}", out)
    assert read_tree(out) == read_tree(tree)


def test_adding_an_unchanged_folder_makes_no_commit_and_sends_nothing(
    data: DataClient, tmp_path: Path
) -> None:
    name = unique("same")
    tree = make_tree(tmp_path / "tree")
    first = data.add(tree, name)
    again = data.add(tree, name)
    assert not again.changed and again.commit.commit_id == first.commit.commit_id
    assert again.sent_objects == 0 and again.hashed_files == 0
    assert len(data.log(name)) == 1


def test_status_history_and_diff_follow_the_changes(data: DataClient, tmp_path: Path) -> None:
    name = unique("hist")
    tree = make_tree(tmp_path / "tree")
    assert [c.path for c in data.status(tree, name).added][:2] == ["a.txt", "big.bin"]
    data.add(tree, name, message="one")
    assert data.status(tree, name).clean
    (tree / "a.txt").write_text("changed\n")
    (tree / "zero").unlink()
    (tree / "new.txt").write_text("n")
    found = data.status(tree, name)
    assert [c.path for c in found.modified] == ["a.txt"]
    assert [c.path for c in found.removed] == ["zero"] and [c.path for c in found.added] == ["new.txt"]
    (tree / "empty").rmdir()
    (tree / "empty").write_text("a file now")
    second = data.add(tree, name, message="two").commit
    assert [c.message for c in data.log(name)] == ["two", "one"]
    assert second.parents == [data.get(f"{name}@main~1").id]
    diff = data.diff(f"{name}@main~1", name)
    assert (diff.old, diff.new) == (second.parents[0], second.commit_id)
    assert [c.path for c in diff.added] == ["new.txt"] and [c.path for c in diff.removed] == ["zero"]
    assert [(c.path, c.old_size, c.new_size) for c in diff.modified] == [("a.txt", 6, 8), ("empty", 0, 10)]
    assert [(c.old_kind, c.new_kind) for c in diff.modified] == [("file", "file"), ("dir", "file")]
    assert (diff.added[0].old_kind, diff.added[0].new_kind) == (None, "file")
    assert (diff.removed[0].old_kind, diff.removed[0].new_kind) == ("file", None)


def test_an_edit_in_a_large_file_sends_only_the_chunks_around_it(data: DataClient, tmp_path: Path) -> None:
    name = unique("chunks")
    tree = tmp_path / "tree"
    tree.mkdir()
    big = tree / "big.bin"
    big.write_bytes(os.urandom(8_000_000))
    data.add(tree, name)
    with open(big, "r+b") as handle:
        handle.seek(4_000_000)
        handle.write(b"X" * 1000)
    again = data.add(tree, name)
    assert again.changed and again.sent_objects <= 6
    assert again.sent_bytes < 600_000
    out = tmp_path / "out"
    data.checkout(name, out)
    assert (out / "big.bin").read_bytes() == big.read_bytes()


def test_specs_name_commits_and_bad_ones_are_refused_with_reasons(data: DataClient, tmp_path: Path) -> None:
    name = unique("specs")
    tree = make_tree(tmp_path / "tree")
    first = data.add(tree, name).commit
    (tree / "a.txt").write_text("second\n")
    second = data.add(tree, name).commit
    api = data.api
    assert api.resolve(name).commit_id == second.commit_id
    assert api.resolve(f"data:{name}@main").commit_id == second.commit_id
    assert api.resolve(f"{name}@{first.commit_id}").commit_id == first.commit_id
    assert api.resolve(f"{name}@{second.commit_id[:7]}~1").commit_id == first.commit_id
    with pytest.raises(NotFound, match="only 2 commit"):
        api.resolve(f"{name}@main~2")
    with pytest.raises(NotFound, match="no branch, tag or commit 'nope'"):
        api.resolve(f"{name}@nope")
    with pytest.raises(NotFound, match="no dataset named"):
        api.resolve(unique("absent"))
    with pytest.raises(InvalidInput, match="dataset name"):
        api.resolve("bad name!")
    with pytest.raises(NotFound):
        data.checkout(f"{name}@nope", tmp_path / "never")
    assert not (tmp_path / "never").exists()


def test_checkout_refuses_a_folder_that_is_not_empty(data: DataClient, tmp_path: Path) -> None:
    name = unique("co")
    data.add(make_tree(tmp_path / "tree"), name)
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "mine.txt").write_text("keep me")
    with pytest.raises(InvalidInput, match="not empty"):
        data.checkout(name, busy)
    data.checkout(name, busy, force=True)
    assert (busy / "mine.txt").read_text() == "keep me" and (busy / "a.txt").read_text() == "alpha\n"


def test_branches_and_tags(data: DataClient, tmp_path: Path) -> None:
    name = unique("refs")
    tree = make_tree(tmp_path / "tree")
    first = data.add(tree, name).commit
    tag = data.tag(f"{name}@main", "v1")
    assert (tag.kind, tag.commit_id) == ("tag", first.commit_id)
    with pytest.raises(Conflict, match="tags do not move"):
        data.tag(f"{name}@main", "v1")
    with pytest.raises(InvalidInput, match="looks like a commit"):
        data.tag(name, "a" * 64)
    assert data.branch(name, "cleaned", "v1").commit_id == first.commit_id
    (tree / "a.txt").write_text("cleaned\n")
    on_branch = data.add(tree, name, branch="cleaned").commit
    assert data.get(f"{name}@cleaned").id == on_branch.commit_id
    assert data.get(name).id == first.commit_id  # main did not move
    assert data.get(f"{name}@v1").id == first.commit_id
    dataset = data.api.get_dataset(name)
    assert [(r.name, r.kind) for r in dataset.refs] == [
        ("cleaned", "branch"),
        ("main", "branch"),
        ("v1", "tag"),
    ]
    assert dataset.commits == 2
    with pytest.raises(Conflict, match="give the commit it must point at"):
        data.api.set_ref(name, "main", "branch", "cleaned")
    with pytest.raises(Conflict, match="points at"):
        data.api.set_ref(name, "main", "branch", "cleaned", expected=on_branch.commit_id)
    moved = data.api.set_ref(name, "main", "branch", "cleaned", expected=first.commit_id)
    assert moved.commit_id == on_branch.commit_id
    with pytest.raises(Conflict, match="is a tag"):
        data.add(tree, name, branch="v1")
    data.api.delete_ref(name, "v1")
    with pytest.raises(NotFound):
        data.api.delete_ref(name, "v1")
    assert data.get(f"{name}@{first.commit_id}").id == first.commit_id  # the commit outlives the tag


def test_a_commit_that_expects_a_stale_head_is_refused_naming_the_winner(
    data: DataClient, tmp_path: Path
) -> None:
    name = unique("cas")
    tree = make_tree(tmp_path / "tree")
    first = data.add(tree, name).commit
    (tree / "a.txt").write_text("winner\n")
    winner = data.add(tree, name, parent=first.commit_id).commit
    (tree / "a.txt").write_text("loser\n")
    with pytest.raises(Conflict, match=winner.commit_id):
        data.add(tree, name, parent=first.commit_id)
    with pytest.raises(Conflict, match="moved"):
        data.add(tree, name, parent="")
    assert [c.commit_id for c in data.log(name)] == [winner.commit_id, first.commit_id]


def test_racing_writers_on_one_branch_both_land_or_one_wins_cleanly(target: Target, tmp_path: Path) -> None:
    name = unique("race")
    with target.client() as setup:
        base = DataClient(setup.data.api, tmp_path / "cache").add(make_tree(tmp_path / "base"), name).commit
    trees = []
    for index in range(4):
        tree = make_tree(tmp_path / f"tree{index}")
        (tree / "a.txt").write_text(f"writer {index}\n")
        trees.append(tree)
    outcomes: dict[str, list[object]] = {"free": [], "cas": []}

    def write(index: int, mode: str) -> None:
        with target.client() as own:
            writer = DataClient(own.data.api, tmp_path / f"cache{index}")
            parent = base.commit_id if mode == "cas" else None
            try:
                outcomes[mode].append(writer.add(trees[index], name, parent=parent).commit.commit_id)
            except Conflict as error:
                outcomes[mode].append(error)

    for mode, writers in (("cas", (0, 1)), ("free", (2, 3))):
        threads = [threading.Thread(target=write, args=(index, mode)) for index in writers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    landed = [o for o in outcomes["cas"] if isinstance(o, str)]
    refused = [o for o in outcomes["cas"] if isinstance(o, Conflict)]
    assert len(landed) == 1 and len(refused) == 1 and landed[0] in str(refused[0])
    assert all(isinstance(o, str) for o in outcomes["free"])  # without a parent, each goes on top
    with target.client() as check:
        history = [c.commit_id for c in check.data.api.log(name)]
    assert set(history[:2]) == set(outcomes["free"])
    assert history[2:] == [landed[0], base.commit_id]


def test_a_commit_needs_its_manifest_and_every_file_stored(data: DataClient) -> None:
    name = unique("incomplete")
    api = data.api
    absent = digest(b"never sent")
    with pytest.raises(NotFound, match="manifest"):
        api.commit(name, absent)
    manifest = Manifest.of([Entry("a.txt", "file", absent, 10)])
    api.put_pack(encode_pack([(manifest.digest, manifest.encode())]))
    with pytest.raises(NotFound, match=r"'a\.txt'"):
        api.commit(name, manifest.digest)
    with pytest.raises(NotFound):
        api.get_dataset(name)  # nothing was created by the refused commits


def test_bad_packs_and_missing_objects_are_refused(data: DataClient) -> None:
    api = data.api
    with pytest.raises(InvalidData, match="header"):
        api.put_pack(b"not a pack")
    forged = bytearray(encode_pack([(digest(b"hello"), b"hello")]))
    forged[-1] ^= 1
    with pytest.raises(InvalidData, match="does not match"):
        api.put_pack(bytes(forged))
    assert api.missing_objects([digest(b"hello")]) == [digest(b"hello")]
    with pytest.raises(NotFound):
        api.fetch_pack([digest(b"hello")])
    with pytest.raises(InvalidInput):
        api.missing_objects(["not-a-digest"])


def test_put_objects_stores_each_once_and_checks_what_it_is_not_vouched_for(data: DataClient) -> None:
    api = data.api
    one, two = os.urandom(100), os.urandom(200_000)
    assert api.put_objects([(digest(one), one), (digest(two), two)]) == 2
    assert api.put_objects([(digest(one), one)]) == 0
    assert api.missing_objects([digest(one), digest(two)]) == []
    wrong = digest(b"something else")
    with pytest.raises((InvalidInput, InvalidData), match="not match"):
        api.put_objects([(digest(b"fine"), b"fine"), (wrong, b"not those bytes")])
    assert api.missing_objects([digest(b"fine"), wrong]) == [digest(b"fine"), wrong], "nothing was stored"
    if data.api.__class__.__name__ == "RemoteData":  # the server checks whatever the client says
        with pytest.raises(InvalidData, match="not match"):
            api.put_objects([(wrong, b"not those bytes")], checked=True)


def test_an_object_too_large_for_a_pack_travels_alone_and_is_checked(data: DataClient) -> None:
    """The manifest of a very large tree or the index of a huge file can outgrow a pack (30 MiB): it is
    sent on its own, still checked against its name, so no tree is too large for a server."""
    from tether.data.schemas import MAX_PACK

    api = data.api
    large, small = os.urandom(MAX_PACK + 4 * 1024 * 1024), b"small beside it"  # over the JSON body limit too
    assert api.put_objects([(digest(large), large), (digest(small), small)]) == 2
    assert api.missing_objects([digest(large), digest(small)]) == []
    assert dict(decode_pack(api.fetch_pack([digest(large)])))[digest(large)] == large
    assert api.put_objects([(digest(large), large)]) == 0
    forged = bytearray(large)
    forged[-1] ^= 1
    with pytest.raises((InvalidInput, InvalidData), match="not match"):
        api.put_objects([(digest(large), bytes(forged)), (digest(b"x" * 64), b"x" * 64)])
    assert dict(decode_pack(api.fetch_pack([digest(large)])))[digest(large)] == large, "nothing replaced"


def test_datasets_are_listed_by_name_a_page_at_a_time(data: DataClient, tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "tree")
    names = sorted(unique(f"listed-{index}") for index in range(3))
    for name in names:
        data.add(tree, name)
    api = data.api
    seen: list[str] = []
    token = None
    while True:
        page = api.list_datasets(max_results=2, page_token=token)
        assert len(page.items) <= 2
        seen += [d.name for d in page.items]
        token = page.next_page_token
        if token is None:
            break
    assert seen == sorted(seen) and set(names) <= set(seen)
    assert set(names) <= {d.name for d in data.list()}, "the Python API gathers every page"
    with pytest.raises(InvalidInput):
        api.list_datasets(max_results=0)
    with pytest.raises(InvalidInput, match="malformed"):
        api.list_datasets(page_token="not a token")


def test_a_versions_files_come_a_page_at_a_time_filtered_by_path(data: DataClient, tmp_path: Path) -> None:
    name = unique("paged")
    folder = tmp_path / "many"
    (folder / "Logs").mkdir(parents=True)
    for index in range(25):
        (folder / f"part-{index:02d}.csv").write_text(str(index))
    (folder / "Logs" / "run.LOG").write_text("x")
    data.add(folder, name)
    api = data.api
    seen: list[str] = []
    token = None
    while True:
        page = api.list_files(name, max_results=10, page_token=token)
        assert len(page.items) <= 10
        seen += [item.path for item in page.items]
        token = page.next_page_token
        if token is None:
            break
    assert seen == sorted(seen) and len(seen) == 26
    assert [f.path for f in api.list_files(name, match="logs/").items] == ["Logs/run.LOG"], "any case"
    assert [f.path for f in api.list_files(name, match="part-2", max_results=3).items] == [
        "part-20.csv",
        "part-21.csv",
        "part-22.csv",
    ]
    first = api.list_files(name, max_results=10)
    with pytest.raises(InvalidInput, match="different query"):
        api.list_files(name, match="part", page_token=first.next_page_token)
    (folder / "new.txt").write_text("moves the branch")
    data.add(folder, name)
    with pytest.raises(InvalidInput, match="different query"):
        api.list_files(name, max_results=10, page_token=first.next_page_token)  # main moved: another tree
    with pytest.raises(InvalidInput):
        api.list_files(name, max_results=0)
    assert len(data.get(f"{name}@main~1").files) == 26, "a version's files are all of them"


def test_known_commits_says_which_of_many_a_store_has_recorded(data: DataClient, tmp_path: Path) -> None:
    name = unique("known")
    api = data.api
    stranger = digest(b"a commit made elsewhere")
    assert api.known_commits(name, [stranger]) == [], "a dataset not here yet knows no commit"
    first = data.add(make_tree(tmp_path / "tree"), name).commit
    (tmp_path / "tree" / "new.txt").write_text("more")
    second = data.add(tmp_path / "tree", name).commit
    asked = [stranger, second.commit_id, first.commit_id, second.commit_id]
    assert api.known_commits(name, asked) == [second.commit_id, first.commit_id]
    assert api.known_commits(unique("other"), [first.commit_id]) == [], "commits belong to their dataset"
    with pytest.raises(InvalidInput):
        api.known_commits(name, [stranger] * 1001)
    with pytest.raises(InvalidInput):
        api.known_commits("no spaces allowed", [stranger])


def test_a_run_records_the_dataset_version_it_read(
    client: tt.Client, data: DataClient, tmp_path: Path
) -> None:
    name = unique("inputs")
    commit = data.add(make_tree(tmp_path / "tree"), name).commit
    data.tag(name, "v3")
    experiment = client.tracking.create_experiment(unique("exp"))
    run = client.tracking.create_run(experiment)
    logged = data.api.log_input(run.run_id, f"{name}@v3")
    assert logged.commit_id == commit.commit_id
    graph = client.lineage.graph(commit.ref, "downstream")
    assert [(e.src, e.dst, e.kind) for e in graph.edges] == [(commit.ref, f"run:{run.run_id}", "used")]
    with pytest.raises(NotFound):
        data.api.log_input("0" * 32, name)
    with pytest.raises(NotFound):
        data.api.log_input(run.run_id, f"{name}@absent")


def test_deleting_a_dataset_then_gc_frees_only_what_nothing_reaches(backend: Backend, tmp_path: Path) -> None:
    """On a store of the test's own: with no grace period, a shared server's gc would also take the
    objects other tests have sent but not yet committed."""
    data = DataClient(backend.data, tmp_path / "cache")
    kept, dropped = unique("kept"), unique("dropped")
    tree = make_tree(tmp_path / "tree")
    data.add(tree, kept)
    other = tmp_path / "other"
    other.mkdir()
    (other / "only-here.bin").write_bytes(os.urandom(300_000))
    data.add(other, dropped)
    data.api.delete_dataset(dropped)
    with pytest.raises(NotFound):
        data.api.get_dataset(dropped)
    dry = data.api.collect_garbage(dry_run=True, grace_s=0)
    assert dry.dry_run and dry.deleted >= 4  # the big file's chunks, its index, the manifest, the commit
    report = data.api.collect_garbage(grace_s=0)
    assert report.deleted == dry.deleted and report.deleted_bytes >= 300_000
    out = tmp_path / "out"
    data.checkout(kept, out)  # everything reachable survived
    assert read_tree(out) == read_tree(tree)
    assert data.api.collect_garbage(grace_s=0).deleted == 0


def test_a_diff_says_how_the_rows_and_columns_of_tables_changed(data: DataClient, tmp_path: Path) -> None:
    import numpy as np
    import pandas as pd

    name = unique("tables")
    folder = tmp_path / "tables"
    folder.mkdir()
    rng = np.random.default_rng(7)
    big = pd.DataFrame({"id": np.arange(200_000), "income": rng.integers(0, 10**6, 200_000)})
    big.to_parquet(folder / "train.parquet", compression=None)  # several chunks: only its footer is read
    pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}).to_csv(folder / "small.csv", index=False)
    (folder / "broken.csv").write_text("a,b\n1,2,3,4\n")
    data.add(folder, name)
    big.assign(income=big.income * 1.5, score=1.0).head(150_000).to_parquet(folder / "train.parquet")
    pd.DataFrame({"a": [1, 2, 3]}).to_csv(folder / "small.csv", index=False)
    (folder / "broken.csv").write_text("a,b\n1,2,3,4,5\n")
    data.add(folder, name)
    diff = data.diff(f"{name}@main~1", name)
    changes = {change.path: change for change in diff.modified}
    train = changes["train.parquet"]
    assert train.old_table is not None and train.new_table is not None
    assert (train.old_table.rows, train.new_table.rows) == (200_000, 150_000)
    assert train.old_table.columns == {"id": "int64", "income": "int64"}
    assert train.new_table.columns == {"id": "int64", "income": "double", "score": "double"}
    small = changes["small.csv"]
    assert small.old_table is not None and small.new_table is not None
    assert (small.old_table.rows, small.new_table.rows) == (2, 3)
    assert small.new_table.columns == {"a": "int64"}
    assert changes["broken.csv"].old_table is None  # not a table after all: only sizes


def test_a_diff_summarises_a_bounded_number_of_tables_modified_ones_first(
    data: DataClient, tmp_path: Path
) -> None:
    from tether.data.tables import MAX_SUMMARIES

    name = unique("many-tables")
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "changed.csv").write_text("a\n1\n")
    data.add(folder, name)
    (folder / "changed.csv").write_text("a\n1\n2\n")
    for index in range(MAX_SUMMARIES + 5):
        (folder / f"new-{index:03d}.csv").write_text(f"x,y\n{index},1\n")
    data.add(folder, name)
    diff = data.diff(f"{name}@main~1", name)
    assert len(diff.added) == MAX_SUMMARIES + 5
    modified = diff.modified[0]
    assert modified.old_table is not None and modified.new_table is not None, "modified files come first"
    summarised = [change for change in diff.added if change.new_table is not None]
    assert len(summarised) == MAX_SUMMARIES - 2, "the modified file's two sides count against the limit"
    assert diff.tables_skipped == 7
