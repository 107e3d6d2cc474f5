"""``tether data``: versioned datasets (add a folder as a commit, see its history, diff, check it out)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from tether.cli import output
from tether.cli.options import Json
from tether.cli.session import connected

if TYPE_CHECKING:
    from tether.client.backend import Backend
    from tether.data.schemas import Commit, DatasetFile, FileChange
    from tether.sdk.data import DataClient

app = typer.Typer(
    help="Datasets: folders versioned as commits, with branches, tags, diffs and checkouts.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

Name = Annotated[
    str, typer.Option("--name", "-n", metavar="NAME", help="The dataset's name.", show_default=False)
]
Dataset = Annotated[
    str, typer.Argument(metavar="NAME", help="The dataset's name (see 'tether data ls').", show_default=False)
]
Spec = Annotated[
    str,
    typer.Argument(
        metavar="SPEC",
        help="A dataset version: NAME (its main branch), NAME@BRANCH, NAME@TAG, NAME@COMMIT (7+ hex digits), "
        "each optionally followed by ~N (N commits back), such as churn@main~1.",
        show_default=False,
    ),
]
Folder = Annotated[str, typer.Argument(metavar="FOLDER", help="A local folder.", show_default=False)]
Branch = Annotated[str, typer.Option("--branch", "-b", metavar="BRANCH", help="The branch to commit on.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")]


@app.command(
    "add",
    epilog="\b\nExamples:\n  tether data add ./data/churn --name churn -m 'October export'\n"
    "  tether data add ./clean --name churn --branch cleaned",
)
def add(
    folder: Folder,
    name: Name,
    message: Annotated[str, typer.Option("--message", "-m", help="What this version is.")] = "",
    branch: Branch = "main",
    quiet: Quiet = False,
    as_json: Json = False,
) -> None:
    """Commit FOLDER as the next version of dataset NAME: hashes what changed, sends what the store lacks."""
    with connected() as backend, output.phases(enabled=not (quiet or as_json)) as progress:
        added = _client(backend).add(folder, name, message=message, branch=branch, progress=progress)
    if as_json:
        output.print_json(
            {
                "commit": _commit_json(added.commit),
                "changed": added.changed,
                "files": added.files,
                "bytes": added.bytes,
                "hashed_files": added.hashed_files,
                "sent_objects": added.sent_objects,
                "sent_bytes": added.sent_bytes,
            }
        )
        return
    commit = added.commit
    if not added.changed:
        output.done(f"nothing changed: {name}@{branch} is {commit.commit_id[:12]} ({commit.files} files)")
        return
    output.done(
        f"committed {name}@{branch} {commit.commit_id[:12]}: {commit.files} files, "
        f"{output.size(commit.bytes)}; sent {added.sent_objects} objects ({output.size(added.sent_bytes)})"
    )


@app.command(
    "status",
    epilog="\b\nExample:\n  tether data status ./data/churn --name churn\n  tether data status . -n churn@v3",
)
def status(
    folder: Folder,
    name: Annotated[
        str,
        typer.Option(
            "--name",
            "-n",
            metavar="NAME[@REV]",
            help="The dataset (and revision, default main) to compare with.",
        ),
    ],
    quiet: Quiet = False,
    as_json: Json = False,
) -> None:
    """Show what changed in FOLDER since a dataset version; sends nothing (exit code 1 when it differs)."""
    dataset, rev = _split(name)
    with connected() as backend, output.phases(enabled=not (quiet or as_json)) as progress:
        found = _client(backend).status(folder, dataset, rev or "main", progress=progress)
    if as_json:
        output.print_json(
            {
                "commit": None if found.commit is None else found.commit.commit_id,
                "clean": found.clean,
                "added": [c.model_dump() for c in found.added],
                "removed": [c.model_dump() for c in found.removed],
                "modified": [c.model_dump() for c in found.modified],
            }
        )
    else:
        against = (
            "a new dataset"
            if found.commit is None
            else f"{dataset}@{rev or 'main'} ({found.commit.commit_id[:12]})"
        )
        if found.clean:
            output.done(f"clean: {folder} matches {against}")
        else:
            output.done(f"{folder} against {against}:")
            _print_changes(found.added, found.removed, found.modified)
    if not found.clean:
        raise typer.Exit(1)


@app.command("ls", epilog="\b\nExample:\n  tether data ls --json")
def list_datasets(as_json: Json = False) -> None:
    """List the datasets, with their branches and tags."""
    with connected() as backend:
        found = _client(backend).list()
    if as_json:
        output.print_json({"datasets": [output.with_times(d.model_dump(), "created_at") for d in found]})
        return
    output.print_table(
        ["name", "commits", "branches", "tags", "created"],
        [
            [
                d.name,
                str(d.commits),
                ", ".join(r.name for r in d.refs if r.kind == "branch"),
                ", ".join(r.name for r in d.refs if r.kind == "tag") or "-",
                output.local_time(d.created_at),
            ]
            for d in found
        ],
        right=["commits"],
    )


@app.command(
    "log", epilog="\b\nExamples:\n  tether data log churn\n  tether data log churn@cleaned --limit 5"
)
def log(
    spec: Spec,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="Show at most this many.")] = 50,
    as_json: Json = False,
) -> None:
    """Show the history of a dataset from a revision back, newest first."""
    dataset, rev = _split(spec)
    with connected() as backend:
        commits = backend.data.log(dataset, rev or "main", limit)
    if as_json:
        output.print_json({"commits": [_commit_json(c) for c in commits]})
        return
    output.print_table(
        ["commit", "created", "author", "files", "size", "message"],
        [
            [
                c.commit_id[:12],
                output.local_time(c.created_at),
                c.author or "-",
                str(c.files),
                output.size(c.bytes),
                c.message,
            ]
            for c in commits
        ],
        no_wrap=["commit", "created"],
        right=["files", "size"],
    )


@app.command("show", epilog="\b\nExample:\n  tether data show churn@v3")
def show(spec: Spec, as_json: Json = False) -> None:
    """Show one dataset version: its commit and its files."""
    with connected() as backend:
        commit = backend.data.resolve(spec)
        files = _all_files(backend, commit.ref)
    if as_json:
        output.print_json({**_commit_json(commit), "entries": [f.model_dump() for f in files]})
        return
    output.print_fields(
        [
            ("commit", commit.commit_id),
            ("ref", commit.ref),
            ("parents", ", ".join(p[:12] for p in commit.parents) or "-"),
            ("author", commit.author or "-"),
            ("created", output.local_time(commit.created_at)),
            ("message", commit.message or "-"),
            ("files", f"{commit.files} ({output.size(commit.bytes)})"),
        ],
        title=f"dataset {commit.dataset}",
    )
    output.print_section("files")
    output.print_table(
        ["path", "size", "digest"],
        [
            [f.path + ("/" if f.kind == "dir" else ""), output.size(f.size), f.digest[:12] or "-"]
            for f in files
        ],
        right=["size"],
    )


@app.command("diff", epilog="\b\nExample:\n  tether data diff churn@main~1 churn@main")
def diff(old: Spec, new: Spec, as_json: Json = False) -> None:
    """Show which files were added, removed or modified from OLD to NEW."""
    with connected() as backend:
        found = backend.data.diff(old, new)
    if as_json:
        output.print_json(found.model_dump())
        return
    output.done(f"{old} ({found.old[:12]}) -> {new} ({found.new[:12]}), {found.unchanged} unchanged:")
    _print_changes(found.added, found.removed, found.modified)
    if found.tables_skipped:
        output.note(
            f"{found.tables_skipped} more table file(s) changed; their rows and columns are not summarised "
            "(a diff summarises a limited number of tables, modified files first: see docs/data.md)"
        )


@app.command(
    "checkout",
    epilog="\b\nExamples:\n  tether data checkout churn@v3 ./restore\n"
    "  tether data checkout churn ./data --force",
)
def checkout(
    spec: Spec,
    folder: Folder,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Write into a folder that is not empty (overwriting the version's files)."
        ),
    ] = False,
    quiet: Quiet = False,
) -> None:
    """Write a dataset version's files into FOLDER (empty or new unless --force)."""
    with connected() as backend, output.phases(enabled=not quiet) as progress:
        commit = _client(backend).checkout(spec, folder, force=force, progress=progress)
    output.done(f"checked out {commit.dataset}@{commit.commit_id[:12]} into {folder}: {commit.files} files")


REMOTE = (
    "The remote: an fsspec URL (s3://bucket/prefix) or a folder; fsspec options (an S3 endpoint, a profile) "
    "come from TETHER_REMOTE_OPTIONS, a JSON object."
)


@app.command(
    "push",
    epilog="\b\nExamples:\n  tether data push churn --to s3://bucket/tether-data\n"
    "  tether data push churn@v3 --to /mnt/shared/datasets",
)
def push(
    spec: Annotated[
        str,
        typer.Argument(
            metavar="NAME[@REV]",
            help="The dataset (every branch and tag), or one revision and its history.",
            show_default=False,
        ),
    ],
    to: Annotated[str, typer.Option("--to", metavar="URL", help=REMOTE, show_default=False)],
    force: Annotated[
        bool, typer.Option("--force", help="Move the remote's branches even where they have diverged.")
    ] = False,
    quiet: Quiet = False,
    as_json: Json = False,
) -> None:
    """Send a dataset's commits and the objects they reach to a remote; only what it lacks travels, and an
    interrupted push resumes where it stopped."""
    with connected() as backend, output.phases(enabled=not (quiet or as_json)) as progress:
        moved = _client(backend).push(spec, to, force=force, progress=progress)
    _print_moved(moved, f"pushed {spec} to {to}", as_json)


@app.command(
    "pull",
    epilog="\b\nExamples:\n  tether data pull churn --from s3://bucket/tether-data\n"
    "  tether data pull churn@v3 --from /mnt/shared/datasets",
)
def pull(
    spec: Annotated[
        str,
        typer.Argument(
            metavar="NAME[@REF]",
            help="The dataset (every branch and tag the remote holds), or one branch, tag or full commit id.",
            show_default=False,
        ),
    ],
    source: Annotated[str, typer.Option("--from", metavar="URL", help=REMOTE, show_default=False)],
    quiet: Quiet = False,
    as_json: Json = False,
) -> None:
    """Fetch a dataset's commits and objects from a remote into the store, and set its branches and tags."""
    with connected() as backend, output.phases(enabled=not (quiet or as_json)) as progress:
        moved = _client(backend).pull(spec, source, progress=progress)
    _print_moved(moved, f"pulled {spec} from {source}", as_json)


def _print_moved(moved: Any, what: str, as_json: bool) -> None:
    if as_json:
        output.print_json(
            {"commits": moved.commits, "objects": moved.objects, "bytes": moved.bytes, "refs": moved.refs}
        )
        return
    refs = ", ".join(moved.refs) or "none moved"
    output.done(
        f"{what}: {moved.commits} commits, {moved.objects} objects ({output.size(moved.bytes)}); refs: {refs}"
    )


@app.command("branch", epilog="\b\nExample:\n  tether data branch churn cleaned --from main")
def branch(
    dataset: Dataset,
    new: Annotated[str, typer.Argument(metavar="BRANCH", help="The new branch's name.", show_default=False)],
    start: Annotated[str, typer.Option("--from", metavar="REV", help="Where the branch starts.")] = "main",
) -> None:
    """Start a branch of a dataset at a revision; commit on it with 'tether data add --branch'."""
    with connected() as backend:
        made = backend.data.set_ref(dataset, new, "branch", start)
    output.done(f"branch {dataset}@{made.name} at {made.commit_id[:12]}")


@app.command("tag", epilog="\b\nExample:\n  tether data tag churn@main v3")
def tag(
    spec: Spec,
    name: Annotated[str, typer.Argument(metavar="TAG", help="The tag's name.", show_default=False)],
) -> None:
    """Put a tag on a dataset version; a tag never moves (delete it with 'tether data untag')."""
    dataset, rev = _split(spec)
    with connected() as backend:
        made = backend.data.set_ref(dataset, name, "tag", rev or "main")
    output.done(f"tagged {dataset}@{made.commit_id[:12]} as {made.name}")


@app.command("untag", epilog="\b\nExample:\n  tether data untag churn v3")
def untag(
    dataset: Dataset,
    name: Annotated[
        str, typer.Argument(metavar="REF", help="The tag (or branch) to delete.", show_default=False)
    ],
) -> None:
    """Delete a tag or a branch (the commits stay, reachable from other branches and tags or by id)."""
    with connected() as backend:
        backend.data.delete_ref(dataset, name)
    output.done(f"deleted {dataset}@{name}")


@app.command("rm", epilog="\b\nExample:\n  tether data rm churn")
def remove(dataset: Dataset) -> None:
    """Delete a dataset with all its commits, branches and tags; 'tether data gc' then frees its bytes."""
    with connected() as backend:
        backend.data.delete_dataset(dataset)
    output.done(f"deleted dataset {dataset}")


@app.command("gc", epilog="\b\nExamples:\n  tether data gc --dry-run\n  tether data gc --grace 0")
def gc(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count what would go; delete nothing.")] = False,
    grace: Annotated[
        float,
        typer.Option(
            "--grace",
            min=0,
            metavar="SECONDS",
            help="Keep unreachable objects younger than this (an add under way).",
        ),
    ] = 3600.0,
    as_json: Json = False,
) -> None:
    """Delete data objects that no commit of any dataset reaches."""
    with connected() as backend:
        report = backend.data.collect_garbage(dry_run, grace)
    if as_json:
        output.print_json(report.model_dump())
        return
    verb = "would delete" if dry_run else "deleted"
    output.done(
        f"{verb} {report.deleted} objects ({output.size(report.deleted_bytes)}); kept {report.reachable} "
        f"reachable and {report.kept_recent} recent"
    )


def _all_files(backend: Backend, ref: str) -> list[DatasetFile]:
    """Every entry of a version, page by page (a tree of 100,000 files is ten requests)."""
    from tether.schemas import every_item

    return every_item(lambda token: backend.data.list_files(ref, max_results=10_000, page_token=token))


def _client(backend: Backend) -> DataClient:
    from tether.sdk.data import DataClient

    return DataClient(backend.data)


def _split(spec: str) -> tuple[str, str | None]:
    from tether.data.schemas import split_spec

    return split_spec(spec)


def _commit_json(commit: Commit) -> dict[str, Any]:
    return output.with_times(commit.model_dump(), "created_at")


def _print_changes(added: list[FileChange], removed: list[FileChange], modified: list[FileChange]) -> None:
    rows: list[list[output.Cell]] = []
    rows += [[("added", "green"), _path(c), output.size(c.new_size), _table_note(c)] for c in added]
    rows += [[("removed", "red"), _path(c), output.size(c.old_size), _table_note(c)] for c in removed]
    rows += [
        [
            ("modified", "yellow"),
            _path(c),
            f"{output.size(c.old_size)} -> {output.size(c.new_size)}",
            _table_note(c),
        ]
        for c in modified
    ]
    if not rows:
        output.done("no differences")
        return
    output.print_table(["change", "path", "size", "table"], rows)


def _path(change: FileChange) -> str:
    """The changed path, with a trailing slash when it is an empty folder."""
    return change.path + "/" if (change.new_kind or change.old_kind) == "dir" else change.path


def _table_note(change: FileChange) -> str:
    """Rows and columns of a table file: its shape when added or removed, what changed when modified."""
    old, new = change.old_table, change.new_table
    if old is None or new is None:
        table = old or new
        return "-" if table is None else f"{table.rows:,} rows, {len(table.columns)} columns"
    parts = [f"{old.rows:,} rows" if old.rows == new.rows else f"{old.rows:,} -> {new.rows:,} rows"]
    parts += [f"+{name}" for name in new.columns if name not in old.columns]
    parts += [f"-{name}" for name in old.columns if name not in new.columns]
    parts += [
        f"{name}: {old.columns[name]} -> {kind}"
        for name, kind in new.columns.items()
        if name in old.columns and old.columns[name] != kind
    ]
    return "; ".join(parts)
