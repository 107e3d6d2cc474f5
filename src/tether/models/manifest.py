"""The manifest of a model package: what the model is, what it needs, and the hash of every file.

A package is a folder: ``tether-model.json`` (this manifest) beside the framework's own files. Every other
file is listed with its size and BLAKE3 digest, and ``verify`` refuses a package in which a file changed,
went missing or was added, before any of it is read by a framework.
"""

from __future__ import annotations

import json
from pathlib import Path

import blake3
from pydantic import ValidationError

from tether.errors import CorruptPackage
from tether.models.signatures import Signature
from tether.schemas import Millis, ReadModel

MANIFEST_NAME = "tether-model.json"
FORMAT = 1


class PackagedFile(ReadModel):
    path: str
    size: int
    blake3: str


class Manifest(ReadModel):
    format: int = FORMAT
    flavor: str
    framework: str
    framework_version: str
    tether_version: str
    python_version: str
    created_at: Millis
    source_run: str | None = None
    """The reference of the run that logged the package (``run:<id>``), when one did."""
    signature: Signature
    input_example: str | None = None
    requirements: list[str]
    """Pinned ``name==version`` lines for the framework and what it needs, as installed when saved."""
    uses_pickle: bool
    """Whether loading runs pickle, which can execute any code; such packages load only with an opt-in."""
    files: list[PackagedFile]


def digest(path: Path) -> str:
    """The BLAKE3 digest of a file, hex; large files are hashed through a memory map on all cores."""
    hasher = blake3.blake3(max_threads=blake3.blake3.AUTO)
    hasher.update_mmap(path)
    return hasher.hexdigest()


def files_of(folder: Path) -> list[PackagedFile]:
    """Every file below ``folder`` but the manifest, sorted, with its size and digest."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink()):
        relative = path.relative_to(folder).as_posix()
        if path.is_symlink():
            raise CorruptPackage(
                f"the package holds a symbolic link, {relative}; packages hold plain files only"
            )
        if relative == MANIFEST_NAME:
            continue
        found.append(PackagedFile(path=relative, size=path.stat().st_size, blake3=digest(path)))
    return found


def write(folder: Path, manifest: Manifest) -> None:
    (folder / MANIFEST_NAME).write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")


def read(folder: Path) -> Manifest:
    """The manifest of the package in ``folder``; CorruptPackage when there is none or it is unreadable."""
    path = folder / MANIFEST_NAME
    if path.is_symlink():
        raise CorruptPackage(f"the manifest {path} is a symbolic link; packages hold plain files only")
    if not path.is_file():
        raise CorruptPackage(f"{folder} is not a model package: it has no {MANIFEST_NAME}")
    try:
        manifest = Manifest.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, ValidationError) as error:
        raise CorruptPackage(f"the manifest {path} cannot be read: {error}") from None
    if manifest.format > FORMAT:
        raise CorruptPackage(
            f"the package was written in format {manifest.format}, newer than this tether reads ({FORMAT}); "
            "upgrade tether to load it"
        )
    return manifest


def verify(folder: Path, manifest: Manifest) -> None:
    """Refuse the package unless its files are exactly those listed, with the listed contents."""
    expected = {f.path: f for f in manifest.files}
    present = {f.path: f for f in files_of(folder)}
    added = sorted(set(present) - set(expected))
    missing = sorted(set(expected) - set(present))
    changed = sorted(p for p in set(present) & set(expected) if present[p] != expected[p])
    problems = [
        f"{label}: {', '.join(paths[:5])}"
        for label, paths in (("changed", changed), ("missing", missing), ("not in the manifest", added))
        if paths
    ]
    if problems:
        raise CorruptPackage(
            f"the model package {folder} does not match its manifest ({'; '.join(problems)}); "
            "it was modified after it was saved, so it is not loaded"
        )
