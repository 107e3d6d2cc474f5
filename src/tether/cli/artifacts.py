"""``tether artifacts``: list a run's files, download them, or print one to stdout.

Downloads stream through ``open_artifact`` chunk by chunk, so a progress bar can count bytes and a file of
any size never sits in memory. Each file is written under a temporary name and renamed when complete, so
an interrupted download never leaves a truncated file under the real name.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer

from tether.cli import output
from tether.cli.options import Json, RunId
from tether.cli.session import tracking
from tether.errors import InvalidInput, UnsafePath

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from tether.client.backend import TrackingAPI
    from tether.tracking.schemas import ArtifactInfo

app = typer.Typer(
    help="List, download and print a run's artifacts.", no_args_is_help=True, rich_markup_mode=None
)

CHUNK_SIZE = 1024 * 1024
LARGE_FILE = 8 * CHUNK_SIZE
"""A single file at least this big gets a progress bar; smaller ones finish before one would help."""


def walk(api: TrackingAPI, run_id: str, path: str) -> Iterator[ArtifactInfo]:
    """Every entry below ``path``, depth first, each directory before its contents."""
    for entry in api.list_artifacts(run_id, path):
        yield entry
        if entry.is_dir:
            yield from walk(api, run_id, entry.path)


@app.command(
    "ls",
    epilog="""Examples:

\b
  tether artifacts ls 0f3c5e6d2b7a4c1e9d8f7a6b5c4d3e2f
  tether artifacts ls 0f3c5e6d2b7a4c1e9d8f7a6b5c4d3e2f model --recursive
  tether artifacts ls 0f3c5e6d2b7a4c1e9d8f7a6b5c4d3e2f -r --json""",
)
def list_artifacts(
    run_id: RunId,
    path: Annotated[
        str, typer.Argument(metavar="PATH", help="A directory among the run's artifacts. Default: the top.")
    ] = "",
    recursive: Annotated[
        bool, typer.Option("--recursive", "-r", help="Also list inside directories.")
    ] = False,
    as_json: Json = False,
) -> None:
    """List a run's artifacts: path, size, and a trailing / on directories."""
    with tracking() as api:
        entries = list(walk(api, run_id, path)) if recursive else api.list_artifacts(run_id, path)
    if as_json:
        output.print_json({"run_id": run_id, "path": path, "artifacts": [e.model_dump() for e in entries]})
        return
    if not entries:
        output.note(f"run {run_id} has no artifacts" + (f" under '{path}'" if path else ""))
        return
    files = [e for e in entries if not e.is_dir]
    total = sum(e.size or 0 for e in files)
    output.print_table(
        ["path", "size"],
        [[f"{e.path}/", ("dir", "dim")] if e.is_dir else [e.path, output.size(e.size)] for e in entries],
        right=["size"],
        caption=f"{len(files)} file{'' if len(files) == 1 else 's'}, {output.size(total)}",
    )


@dataclass(frozen=True)
class Download:
    """One artifact file and the local file it becomes."""

    path: str
    target: Path
    size: int | None


@app.command(
    "get",
    epilog="""Examples:

\b
  tether artifacts get 0f3c5e6d2b7a4c1e9d8f7a6b5c4d3e2f model.txt
  tether artifacts get 0f3c5e6d2b7a4c1e9d8f7a6b5c4d3e2f model -o ./downloads
  tether artifacts get 0f3c5e6d2b7a4c1e9d8f7a6b5c4d3e2f . -o ./everything""",
)
def get(
    run_id: RunId,
    path: Annotated[
        str,
        typer.Argument(
            metavar="PATH", help="A file or directory among the artifacts; '.' for all.", show_default=False
        ),
    ],
    destination: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="DEST",
            file_okay=False,
            help="Local directory to download into (created if needed).",
        ),
    ] = Path("."),
    as_json: Json = False,
) -> None:
    """Download a file, or a directory with everything in it, into DEST.

    A file lands as DEST/<its name>; a directory as DEST/<its name>/...; '.' puts the whole tree in DEST.
    """
    with tracking() as api:
        downloads, root = _plan(api, run_id, path, destination)
        sizes = [d.size for d in downloads]
        total = None if None in sizes else sum(s or 0 for s in sizes)
        show_bar = len(downloads) > 1 or total is None or total >= LARGE_FILE
        with output.transfer(total, enabled=show_bar and not as_json) as advance:
            written = sum(_fetch(api, run_id, d, advance) for d in downloads)
    if as_json:
        output.print_json(
            {
                "run_id": run_id,
                "path": path,
                "destination": str(root),
                "files": [str(d.target) for d in downloads],
                "bytes": written,
            }
        )
        return
    if not downloads:
        output.note(f"run {run_id} has no artifacts")
        return
    count = f"{len(downloads)} file{'' if len(downloads) == 1 else 's'}"
    where = downloads[0].target if len(downloads) == 1 else root
    output.done(f"downloaded {count} ({output.size(written)}) to {where}")


def _plan(api: TrackingAPI, run_id: str, path: str, destination: Path) -> tuple[list[Download], Path]:
    """The files to fetch and where each goes; the first listing also checks the run and the path."""
    entries = api.list_artifacts(run_id, path)
    if not entries:
        name = _last_segment(path)
        if not name:
            return [], destination
        parent = path.rstrip("/").rpartition("/")[0]
        size = next(
            (e.size for e in api.list_artifacts(run_id, parent) if _last_segment(e.path) == name), None
        )
        plan = [Download(path, destination / name, size)]
        root = destination
    else:
        prefix = entries[0].path.rpartition("/")[0]
        root = destination / _last_segment(prefix) if prefix else destination
        files: list[ArtifactInfo] = []
        for entry in entries:
            files.extend(walk(api, run_id, entry.path) if entry.is_dir else [entry])
        plan = [
            Download(e.path, root / e.path[len(prefix) :].lstrip("/"), e.size) for e in files if not e.is_dir
        ]
    for download in plan:
        _check_inside(download.target, destination)
    return plan, root


def _last_segment(path: str) -> str:
    """The name a path ends in, ignoring empty and '.' segments: 'a/b/' -> 'b', './' -> ''."""
    segments = [s for s in path.split("/") if s not in ("", ".")]
    return segments[-1] if segments else ""


def _check_inside(target: Path, destination: Path) -> None:
    """Refuse a local path outside DEST, whatever names the store (or a server) hands back."""
    base = destination.resolve()
    resolved = target.resolve()
    if resolved != base and base not in resolved.parents:
        raise UnsafePath(f"refusing to write {target}: it is outside {destination}")


def _fetch(api: TrackingAPI, run_id: str, download: Download, advance: Callable[[str, int], None]) -> int:
    """Stream one artifact to its target through a temporary file; returns the bytes written."""
    partial = download.target.with_name(f".{download.target.name}.partial")
    written = 0
    with api.open_artifact(run_id, download.path) as source:
        out = _create(partial, download.target)
        try:
            with out:
                while chunk := source.read(CHUNK_SIZE):
                    out.write(chunk)
                    written += len(chunk)
                    advance(download.path, len(chunk))
            os.replace(partial, download.target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
    return written


def _create(partial: Path, target: Path) -> IO[bytes]:
    """The temporary file; a DEST that cannot be written (a file, no permission) is the user's to fix."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return open(partial, "wb")
    except OSError as error:
        raise InvalidInput(f"cannot write {target}: {error.strerror or error}") from error


@app.command(
    "cat",
    epilog="""Examples:

\b
  tether artifacts cat 0f3c5e6d2b7a4c1e9d8f7a6b5c4d3e2f features.json | jq .
  tether artifacts cat 0f3c5e6d2b7a4c1e9d8f7a6b5c4d3e2f model.txt > model.txt""",
)
def cat(
    run_id: RunId,
    path: Annotated[str, typer.Argument(metavar="PATH", help="An artifact file.", show_default=False)],
) -> None:
    """Write one artifact file to stdout, byte for byte, as it streams in."""
    out = typer.get_binary_stream("stdout")
    with tracking() as api, api.open_artifact(run_id, path) as source:
        while chunk := source.read(CHUNK_SIZE):
            out.write(chunk)
    out.flush()
