"""``tether data``: add, status (its exit code), log, show, diff, checkout, branch, tag, untag, rm and gc,
with --json, on every target; and the refusals, each one line on stderr with a non-zero exit code."""

from __future__ import annotations

import os
from pathlib import Path

from tests.cli.runner import Cli
from tests.support import Target, unique


def tree(root: Path) -> Path:
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("alpha\n")
    (root / "sub" / "b.csv").write_text("x\n1\n")
    (root / "big.bin").write_bytes(os.urandom(400_000))
    return root


def test_add_status_log_diff_show_and_checkout(cli: Cli, tmp_path: Path) -> None:
    name = unique("churn")
    folder = tree(tmp_path / "data")
    added = cli("data", "add", str(folder), "--name", name, "-m", "October export")
    assert added.exit_code == 0, added.stderr
    assert added.stdout.startswith(f"committed {name}@main ") and "3 files" in added.stdout
    clean = cli("data", "status", str(folder), "--name", name)
    assert clean.exit_code == 0 and clean.stdout.startswith("clean: ")
    (folder / "a.txt").write_text("changed\n")
    (folder / "new.txt").write_text("n\n")
    dirty = cli("data", "status", str(folder), "--name", name)
    assert dirty.exit_code == 1
    changes = {tuple(line.split()[:2]) for line in dirty.stdout.splitlines()[3:]}
    assert changes == {("modified", "a.txt"), ("added", "new.txt")}
    second = cli.json("data", "add", str(folder), "-n", name, "-m", "November")
    assert second["changed"] and second["commit"]["message"] == "November"
    assert second["commit"]["created_at_iso"].endswith("+00:00")
    again = cli("data", "add", str(folder), "-n", name)
    assert again.exit_code == 0 and again.stdout.startswith("nothing changed")
    log = cli.json("data", "log", name)
    assert [c["message"] for c in log["commits"]] == ["November", "October export"]
    diff = cli.json("data", "diff", f"{name}@main~1", name)
    assert [c["path"] for c in diff["added"]] == ["new.txt"] and [c["path"] for c in diff["modified"]] == [
        "a.txt"
    ]
    shown = cli("data", "show", f"{name}@main~1")
    assert shown.exit_code == 0 and "October export" in shown.stdout and "sub/b.csv" in shown.stdout
    out = tmp_path / "restore"
    checked = cli("data", "checkout", f"{name}@main~1", str(out))
    assert checked.exit_code == 0, checked.stderr
    assert (out / "a.txt").read_text() == "alpha\n" and not (out / "new.txt").exists()
    assert (out / "big.bin").read_bytes() == (folder / "big.bin").read_bytes()
    refused = cli("data", "checkout", name, str(out))
    assert refused.exit_code == 1 and refused.stderr.startswith("error: ") and "not empty" in refused.stderr
    assert cli("data", "checkout", name, str(out), "--force").exit_code == 0
    assert (out / "new.txt").exists()


def test_branches_tags_listing_and_lineage(cli: Cli, tmp_path: Path) -> None:
    name = unique("refs")
    folder = tree(tmp_path / "data")
    assert cli("data", "add", str(folder), "-n", name).exit_code == 0
    tagged = cli("data", "tag", f"{name}@main", "v3")
    assert tagged.exit_code == 0 and tagged.stdout.startswith(f"tagged {name}@")
    moved = cli("data", "tag", name, "v3")
    assert moved.exit_code == 1 and "tags do not move" in moved.stderr and moved.stderr.count("\n") == 1
    assert cli("data", "branch", name, "cleaned", "--from", "v3").exit_code == 0
    (folder / "a.txt").write_text("clean\n")
    assert cli("data", "add", str(folder), "-n", name, "--branch", "cleaned").exit_code == 0
    listed = cli.json("data", "ls")
    mine = next(d for d in listed["datasets"] if d["name"] == name)
    assert mine["commits"] == 2 and [r["name"] for r in mine["refs"]] == ["cleaned", "main", "v3"]
    table = cli("data", "ls")
    assert any(line.split()[:4] == [name, "2", "cleaned,", "main"] for line in table.stdout.splitlines())
    graph = cli.json("lineage", f"data:{name}@v3", "--downstream")
    assert graph["root"].startswith(f"data:{name}@") and len(graph["root"]) == len(f"data:{name}@") + 64
    assert cli("data", "untag", name, "v3").exit_code == 0
    gone = cli("data", "log", f"{name}@v3")
    assert gone.exit_code == 1 and "no branch, tag or commit 'v3'" in gone.stderr


def test_refusals_are_one_line_with_the_right_exit_code(cli: Cli, tmp_path: Path) -> None:
    folder = tree(tmp_path / "data")
    usage = cli("data", "add", str(folder))
    assert usage.exit_code == 2 and "--name" in usage.stderr
    (folder / "link").symlink_to(folder / "a.txt")
    linked = cli("data", "add", str(folder), "-n", unique("links"))
    assert linked.exit_code == 1 and "symbolic link" in linked.stderr and "Traceback" not in linked.stderr
    missing = cli("data", "add", str(tmp_path / "absent"), "-n", unique("absent"))
    assert missing.exit_code == 1 and "is not a folder" in missing.stderr
    unknown = cli("data", "log", unique("never"))
    assert unknown.exit_code == 1 and unknown.stderr.startswith("error: no dataset named")
    bad = cli("data", "show", "bad name")
    assert bad.exit_code == 1 and "dataset name" in bad.stderr


def test_rm_then_gc_on_a_store_of_its_own(target: Target, cli: Cli, tmp_path: Path) -> None:
    name = unique("gone")
    assert cli("data", "add", str(tree(tmp_path / "data")), "-n", name).exit_code == 0
    assert cli("data", "rm", name).exit_code == 0
    assert name not in [d["name"] for d in cli.json("data", "ls")["datasets"]]
    dry = cli.json("data", "gc", "--dry-run", "--grace", "0")
    assert dry["dry_run"] and (dry["deleted"] >= 6 or target.remote)
    if not target.remote:  # a shared server holds other tests' uploads, which no grace would protect
        report = cli("data", "gc", "--grace", "0")
        assert report.exit_code == 0 and report.stdout.startswith(f"deleted {dry['deleted']} objects")


def test_push_and_pull_through_a_folder(cli: Cli, tmp_path: Path) -> None:
    name = unique("remote")
    remote = str(tmp_path / "remote")
    assert cli("data", "add", str(tree(tmp_path / "data")), "-n", name).exit_code == 0
    pushed = cli("data", "push", name, "--to", remote)
    assert pushed.exit_code == 0, pushed.stderr
    assert pushed.stdout.startswith(f"pushed {name} to {remote}: 1 commits") and "refs: main" in pushed.stdout
    assert cli.json("data", "push", name, "--to", remote)["objects"] == 0
    elsewhere = tmp_path / "elsewhere"
    other = Cli({"TETHER_HOME": str(elsewhere), "COLUMNS": "240"})
    pulled = other.json("data", "pull", name, "--from", remote)
    assert pulled["commits"] == 1 and pulled["refs"] == ["main"]
    assert other("data", "checkout", name, str(tmp_path / "out")).exit_code == 0
    assert (tmp_path / "out" / "a.txt").read_text() == "alpha\n"
    absent = other("data", "pull", unique("absent"), "--from", remote)
    assert absent.exit_code == 1 and "no dataset named" in absent.stderr
    bad = other("data", "pull", name, "--from", remote, TETHER_REMOTE_OPTIONS="[1]")
    assert bad.exit_code == 1 and "TETHER_REMOTE_OPTIONS" in bad.stderr
