"""Garbage collection of data objects: keep everything a commit reaches, delete the rest.

Reachable are the commit objects, their manifests, every file object a manifest names, and every chunk a
chunk index names. An unreachable object younger than the grace period stays: an ``add`` uploads its
objects before its commit lands, and deleting them in between would make that commit fail. A manifest or
index that cannot be read stops the collection before anything is deleted, so a damaged store never loses
objects to a partial view of what is reachable.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from tether.data.chunks import decode_index
from tether.data.manifest import decode_manifest
from tether.data.objects import ObjectStore
from tether.data.schemas import GcReport


def reachable(objects: ObjectStore, manifests: Iterable[str], commits: Iterable[str]) -> set[str]:
    keep = set(commits)
    expanded: set[str] = set()
    for manifest in manifests:
        keep.add(manifest)
        for entry in decode_manifest(objects.get(manifest)).entries:
            if entry.is_dir:
                continue
            keep.add(entry.digest)
            if entry.kind == "chunked" and entry.digest not in expanded:
                expanded.add(entry.digest)
                keep.update(chunk for chunk, _ in decode_index(objects.get(entry.digest)))
    return keep


def collect(
    objects: ObjectStore,
    manifests: Iterable[str],
    commits: Iterable[str],
    *,
    dry_run: bool,
    grace_s: float,
) -> GcReport:
    keep = reachable(objects, manifests, commits)
    cutoff = time.time() - grace_s
    deleted = deleted_bytes = recent = 0
    for stored in objects.listing():
        if stored.digest in keep:
            continue
        if stored.modified is None or stored.modified > cutoff:
            recent += 1
            continue
        if not dry_run:
            objects.delete(stored.digest)
        deleted += 1
        deleted_bytes += stored.size
    return GcReport(
        reachable=len(keep), deleted=deleted, deleted_bytes=deleted_bytes, kept_recent=recent, dry_run=dry_run
    )
