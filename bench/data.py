"""Data versioning: add, status, re-add, push and storage growth of a folder, tether beside DVC 3.

Both tools get the same bytes (pseudo-random, from blake3's extendable output with fixed seeds, so no
two files or chunks are alike), each in a copy of its own inside one fresh temporary folder per part:
tether's embedded store (TETHER_HOME, TETHER_CACHE_DIR in that folder, TETHER_URI unset) and a DVC repo
made by ``dvc init --no-scm`` with a local-folder remote (and DVC's site cache in that folder too). Every
figure is one run of the whole command line (``tether data …``, ``dvc …``) as a subprocess, interpreter
start included, timed once, warm: right after the data is written, nothing is dropped from the page
cache. The no-op status on many files is also timed as one call of each tool's Python API in a fresh
process, after the import. Hashing throughput compares tether's ``hash_file`` with raw blake3 (and DVC's
md5 file hash) on the same file, read from the page cache.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import _common as c
from tether.data.chunks import SEGMENT

MB = 10**6
GB = 10**9
NAME = "bench"
PIECE = 8 * 2**20
"""Files are written in pieces of this many bytes."""
HASH_REPEATS = 3

FULL: dict[str, int] = {
    "tree_files": 2_000,
    "tree_bytes": GB,
    "small_files": 100_000,
    "small_size": 1024,
    "big_bytes": 500 * MB,
    "edit_bytes": 5 * MB,
    "hash_bytes": GB,
}
QUICK: dict[str, int] = {
    "tree_files": 100,
    "tree_bytes": GB // 20,
    "small_files": 5_000,
    "small_size": 1024,
    "big_bytes": 25 * MB,
    "edit_bytes": 250_000,
    "hash_bytes": GB // 20,
}
NO_OP_STATUS_TARGET_S = 1.0
HASH_TARGET = 1.5
"""tether's hash_file should be within this factor of raw single-threaded blake3."""


# --- data ---------------------------------------------------------------------------------------------


def _write(path: Path, size: int, seed: str, at: int | None = None) -> None:
    """``size`` pseudo-random bytes of stream ``seed`` as the new file ``path``, or written over its bytes
    from offset ``at`` on (in place: the rest of the file stays)."""
    from blake3 import blake3

    path.parent.mkdir(parents=True, exist_ok=True)
    source = blake3(seed.encode())
    with open(path, "wb" if at is None else "r+b") as out:
        out.seek(at or 0)
        done = 0
        while done < size:
            step = min(PIECE, size - done)
            out.write(source.digest(length=step, seek=done))
            done += step


def _sizes(count: int, total: int, seed: int) -> list[int]:
    """``count`` file sizes of a long-tailed spread (log-normal), 1 byte or more, adding up to ``total``."""
    rng = random.Random(seed)
    weights = [rng.lognormvariate(0, 1.5) for _ in range(count)]
    scale = (total - count) / sum(weights)
    sizes = [1 + int(w * scale) for w in weights]
    sizes[sizes.index(max(sizes))] += total - sum(sizes)
    return sizes


def _relative(index: int, per_folder: int) -> str:
    return f"d{index // per_folder:03d}/f{index:06d}.bin"


def _write_tree(root: Path, sizes: Sequence[int], per_folder: int, seed: str) -> None:
    for index, size in enumerate(sizes):
        _write(root / _relative(index, per_folder), size, f"{seed}/{index}")


def _bytes_under(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def _filesystem(path: Path) -> str:
    """The type of the file system ``path`` is on (from /proc/mounts), or "unknown"."""
    best, kind = "", "unknown"
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return kind
    target = str(path.resolve())
    for line in mounts:
        fields = line.split()
        if (
            len(fields) > 2
            and (target + "/").startswith(fields[1].rstrip("/") + "/")
            and len(fields[1]) > len(best)
        ):
            best, kind = fields[1], fields[2]
    return kind


# --- the two tools, each in its own part of one temporary folder --------------------------------------

BIN = c.BIN


class Tether:
    """tether's embedded store in ``root/home``, its machine cache in ``root/cache``, the data in
    ``root/data``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.blobs = root / "home" / "blobs"
        self.env = c.tether_env(TETHER_HOME=str(root / "home"), TETHER_CACHE_DIR=str(root / "cache"))

    def add(self, message: str) -> tuple[float, dict[str, Any]]:
        command = ["data", "add", str(self.data), "--name", NAME, "-m", message, "--json"]
        seconds, out = _timed([str(BIN / "tether"), *command], self.root, self.env)
        return seconds, json.loads(out)

    def status(self, clean: bool) -> float:
        command = [str(BIN / "tether"), "data", "status", str(self.data), "--name", NAME, "-q"]
        return _timed(command, self.root, self.env, expect=0 if clean else 1)[0]

    def push(self, remote: Path) -> float:
        command = [str(BIN / "tether"), "data", "push", NAME, "--to", str(remote), "-q"]
        return _timed(command, self.root, self.env)[0]

    def stored(self) -> int:
        return _bytes_under(self.blobs)


class Dvc:
    """A DVC repo (no Git) in ``root/repo`` tracking ``root/repo/data``, its remote in ``root/remote``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.repo = root / "repo"
        self.data = self.repo / "data"
        self.cache = self.repo / ".dvc" / "cache"
        self.env = c.child_env(DVC_NO_ANALYTICS="1", DVC_SITE_CACHE_DIR=str(root / "site-cache"))
        self.repo.mkdir(parents=True)
        self.run("init", "--no-scm", "-q")
        self.run("remote", "add", "-d", "local", str(root / "remote"))

    def run(self, *arguments: str, expect: int = 0) -> float:
        return _timed([str(BIN / "dvc"), *arguments], self.repo, self.env, expect=expect)[0]

    def add(self) -> float:
        return self.run("add", "-q", "data")

    def status(self, clean: bool) -> float:
        return self.run("status", "-q", expect=0 if clean else 1)

    def stored(self) -> int:
        return _bytes_under(self.cache)


def _timed(command: Sequence[str], cwd: Path, env: dict[str, str], expect: int = 0) -> tuple[float, str]:
    """Wall seconds of ``command`` run to completion in ``cwd``, and its output; it must exit ``expect``."""
    start = time.perf_counter()
    done = subprocess.run(
        command, check=False, cwd=cwd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    seconds = time.perf_counter() - start
    if done.returncode != expect:
        raise RuntimeError(
            f"{' '.join(command[:4])} … exited {done.returncode}, not {expect}:\n"
            f"{done.stderr[-3000:]}{done.stdout[-2000:]}"
        )
    return seconds, done.stdout


def _pair(root: Path) -> tuple[Tether, Dvc]:
    return Tether(root / "tether"), Dvc(root / "dvc")


# --- workers (each runs in a fresh interpreter) ------------------------------------------------------


def tether_status_api(config: dict[str, Any]) -> dict[str, Any]:
    """One ``tt.data.status`` call after ``import tether`` (it connects to the store on first use)."""
    import tether as tt

    start = time.perf_counter()
    found = tt.data.status(config["folder"], NAME)
    seconds = time.perf_counter() - start
    return {"status_s": seconds, "clean": found.clean}


def dvc_status_api(config: dict[str, Any]) -> dict[str, Any]:
    """``Repo(root).status()`` after ``import dvc.repo``: the same work as ``dvc status`` in-process."""
    from dvc.repo import Repo  # type: ignore[import-untyped]

    start = time.perf_counter()
    with Repo(config["repo"]) as repo:
        found = repo.status()
    seconds = time.perf_counter() - start
    return {"status_s": seconds, "clean": not found}


def hash_speed(config: dict[str, Any]) -> dict[str, Any]:
    """Seconds (median of repeats) to hash one file: tether's hash_file on the file, raw blake3 on its
    bytes in memory (one thread and AUTO), and DVC's md5 file hash (what ``dvc add`` computes)."""
    from blake3 import blake3
    from dvc_data.hashfile.hash import file_md5

    from tether.data.chunks import hash_file

    path = config["path"]
    data = Path(path).read_bytes()  # from the page cache: the parent has just written it

    def median_s(work: Any) -> float:
        times = []
        for _ in range(config["repeats"]):
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
        return c.median(times)

    with ThreadPoolExecutor(os.cpu_count()) as pool:  # as ``add`` hashes a file of many segments
        tether_s = median_s(lambda: hash_file(path, pool=pool))
    return {
        "hash_file": tether_s,
        "blake3_1": median_s(lambda: blake3(data, max_threads=1).digest()),
        "blake3_auto": median_s(lambda: blake3(data, max_threads=blake3.AUTO).digest()),
        "dvc_md5": median_s(lambda: file_md5(path)),
    }


WORKERS: dict[str, c.Worker] = {
    "tether_status_api": tether_status_api,
    "dvc_status_api": dvc_status_api,
    "hash_speed": hash_speed,
}


# --- the parts ----------------------------------------------------------------------------------------


def _tree(size: dict[str, int]) -> tuple[list[c.Row], list[str]]:
    """A tree of varied files: add, one file changed, status and re-add, then a push of each."""
    sizes = _sizes(size["tree_files"], size["tree_bytes"], seed=3)
    label = f"{len(sizes):,} files / {_gb(sum(sizes))}"
    with c.fresh_dir("data-tree") as root:
        tether, dvc = _pair(root)
        for folder in (tether.data, dvc.data):
            _write_tree(folder, sizes, 100, "tree")
        tether_add, first = tether.add("first")
        dvc_add = dvc.add()
        if first["files"] != len(sizes) or first["bytes"] != sum(sizes):
            raise RuntimeError(f"tether added {first['files']} files of {first['bytes']} bytes")

        # Change one mid-sized file in place: its first 4 KiB get other bytes, its size stays.
        changed = sorted(range(len(sizes)), key=sizes.__getitem__)[len(sizes) // 2]
        for folder in (tether.data, dvc.data):
            _write(folder / _relative(changed, 100), min(4096, sizes[changed]), "changed", at=0)
        tether_status, dvc_status = tether.status(clean=False), dvc.status(clean=False)
        tether_readd, again = tether.add("one file changed")
        dvc_readd = dvc.add()
        if not again["changed"] or again["hashed_files"] > 1:
            raise RuntimeError(f"tether's re-add changed={again['changed']}, hashed {again['hashed_files']}")
        tether_push = tether.push(root / "tether-remote")
        dvc_push = dvc.run("push", "-q")
        pushed = _bytes_under(root / "tether-remote"), _bytes_under(dvc.root / "remote")
    rows = [
        c.lower_better(f"add {label}, s", tether_add, dvc_add),
        c.lower_better("status after changing one file, s", tether_status, dvc_status),
        c.lower_better("re-add after changing one file, s", tether_readd, dvc_readd),
        c.lower_better(f"push {label} to a local-folder remote, s", tether_push, dvc_push),
    ]
    notes = [
        f"tree: {label} in {_folders(len(sizes), 100)}, sizes log-normal (smallest {min(sizes):,} B, "
        f"largest {max(sizes) / MB:.1f} MB); the changed file is {sizes[changed] / 1000:,.0f} kB, its first "
        f"4 KiB overwritten in place. tether's status hashes the changed file and remembers it (DVC's state "
        f"does the same), so the re-add hashed {again['hashed_files']} file(s); it sent "
        f"{again['sent_objects']} object(s).",
        f"push: both remotes are empty folders; tether's push wrote {pushed[0] / MB:,.0f} MB (packs of "
        f"objects and their indexes), DVC's {pushed[1] / MB:,.0f} MB (one file per file).",
    ]
    return rows, notes


def _small(size: dict[str, int]) -> tuple[list[c.Row], list[str], dict[str, float]]:
    """Many small files: add, then a status that finds nothing changed (CLI and Python API)."""
    count, each = size["small_files"], size["small_size"]
    label = f"{count:,} files of {each:,} B"
    with c.fresh_dir("data-small") as root:
        tether, dvc = _pair(root)
        for folder in (tether.data, dvc.data):
            _write_tree(folder, [each] * count, 1000, "small")
        tether_add, first = tether.add("small files")
        dvc_add = dvc.add()
        if first["files"] != count:
            raise RuntimeError(f"tether added {first['files']} files, not {count}")
        tether_status, dvc_status = tether.status(clean=True), dvc.status(clean=True)
        tether_api = c.run_worker(
            __file__, "tether_status_api", {"folder": str(tether.data)}, tether.env
        ).data
        dvc_api = c.run_worker(__file__, "dvc_status_api", {"repo": str(dvc.repo)}, dvc.env).data
        if not (tether_api["clean"] and dvc_api["clean"]):
            raise RuntimeError(f"a no-op status found changes: tether {tether_api}, dvc {dvc_api}")
    rows = [
        c.lower_better(f"add {label}, s", tether_add, dvc_add),
        c.lower_better(f"no-op status, {count:,} files, s", tether_status, dvc_status),
        c.lower_better(
            f"no-op status, {count:,} files, Python API call, s", tether_api["status_s"], dvc_api["status_s"]
        ),
    ]
    notes = [
        f"small files: {label} in {_folders(count, 1000)}.",
        "Python API call: tt.data.status(folder, name) vs dvc.repo.Repo(root).status(), each the first call "
        "in a fresh process after importing the package (so it includes opening the store or repo).",
    ]
    figures = {"cli": tether_status, "api": tether_api["status_s"]}
    return rows, notes, figures


def _growth(size: dict[str, int]) -> tuple[list[c.Row], list[str]]:
    """One large file: add it, overwrite a region in its middle, re-add; what each store grew by."""
    big, edit = size["big_bytes"], size["edit_bytes"]
    with c.fresh_dir("data-growth") as root:
        tether, dvc = _pair(root)
        for folder in (tether.data, dvc.data):
            _write(folder / "big.bin", big, "big")
        tether_add, _ = tether.add("big file")
        dvc_add = dvc.add()
        before = {"tether": tether.stored(), "dvc": dvc.stored()}
        for folder in (tether.data, dvc.data):
            _write(folder / "big.bin", edit, "edit", at=big // 2 - edit // 2)
        tether_readd, again = tether.add("edited")
        dvc_readd = dvc.add()
        if not again["changed"]:
            raise RuntimeError("tether's re-add of the edited file changed nothing")
        grew = {"tether": tether.stored() - before["tether"], "dvc": dvc.stored() - before["dvc"]}
    share = f"{edit / big:.0%}"
    rows = [
        c.lower_better(f"add one {_mb(big)} file, s", tether_add, dvc_add),
        c.lower_better(
            f"re-add after editing {share} of it ({_mb(edit)} in the middle), s", tether_readd, dvc_readd
        ),
        c.lower_better("storage added by that re-add, MB", grew["tether"] / MB, grew["dvc"] / MB),
        c.lower_better(
            "storage added by that re-add, % of the file", grew["tether"] / big * 100, grew["dvc"] / big * 100
        ),
    ]
    notes = [
        f"storage: bytes of the files under TETHER_HOME/blobs and .dvc/cache before and after re-adding "
        f"(before: tether {before['tether'] / MB:,.1f} MB, DVC {before['dvc'] / MB:,.1f} MB for the "
        f"{_mb(big)} file); tether stores a large file as content-defined chunks (FastCDC), DVC whole.",
    ]
    return rows, notes


def _hashing(size: dict[str, int]) -> tuple[list[c.Row], list[str]]:
    total = size["hash_bytes"]
    with c.fresh_dir("data-hash") as root:
        path = root / "hash.bin"
        _write(path, total, "hash")
        found = c.run_worker(__file__, "hash_speed", {"path": str(path), "repeats": HASH_REPEATS}).data
    rate = {key: total / GB / seconds for key, seconds in found.items()}
    rows = [
        c.higher_better("hash_file vs raw blake3, 1 thread, GB/s", rate["hash_file"], rate["blake3_1"]),
        c.higher_better(
            "hash_file vs raw blake3, AUTO threads, GB/s", rate["hash_file"], rate["blake3_auto"]
        ),
        c.higher_better(
            "hash_file vs DVC's file_md5 (what dvc add hashes with), GB/s", rate["hash_file"], rate["dvc_md5"]
        ),
    ]
    factor = rate["blake3_1"] / rate["hash_file"]
    verdict = "met" if factor <= HASH_TARGET else "missed"
    notes = [
        f"hashing: one {_gb(total)} file, median of {HASH_REPEATS} passes each, in one process; raw blake3 "
        "hashes the bytes already read into memory, hash_file maps the file (page cache) and cuts it into "
        f"FastCDC chunks, each hashed, in {SEGMENT // 2**20} MiB segments on one thread per core as add does "
        f"({os.cpu_count()} here). Raw single-thread blake3 is {factor:.2f}× as fast as hash_file "
        f"(target ≤ {HASH_TARGET}×: {verdict}).",
    ]
    return rows, notes


def _folders(files: int, per_folder: int) -> str:
    count = -(-files // per_folder)
    return f"{count:,} folder{'s' if count > 1 else ''} of {per_folder:,} files"


def _gb(size: int) -> str:
    return f"{size / GB:.2f} GB" if size < GB else f"{size / GB:.1f} GB"


def _mb(size: int) -> str:
    return f"{size / MB:,.0f} MB" if size >= MB else f"{size / 1000:,.0f} kB"


def bench(quick: bool) -> None:
    size = QUICK if quick else FULL
    c.header(
        "Data versioning: tether data vs DVC (add, status, re-add, push, storage growth, hashing)",
        ("tether", "dvc", "dvc-data", "blake3", "pyfastcdc"),
    )
    parts = []
    rows, notes = _tree(size)
    parts.append((rows, notes))
    small_rows, small_notes, status = _small(size)
    parts.append((small_rows, small_notes))
    parts.append(_growth(size))
    hash_rows, hash_notes = _hashing(size)

    c.print_markdown(
        ("operation", "tether", "dvc", "ratio"),
        [(r.operation, r.tether, r.mlflow, r.ratio) for rows, _ in parts for r in rows],
    )
    print()
    c.print_markdown(
        ("hashing, from the page cache", "tether", "peer", "ratio"),
        [(r.operation, r.tether, r.mlflow, r.ratio) for r in hash_rows],
    )
    verdict = "met" if status["cli"] < NO_OP_STATUS_TARGET_S else "missed"
    cache_type = "reflink, else copy"
    notes = [
        "ratio > 1×: tether is faster or smaller (times and sizes: dvc / tether; rates: tether / peer).",
        f"machine: {os.cpu_count()} cores, temporary folders on {_filesystem(Path(tempfile.gettempdir()))} "
        f"(DVC's default cache.type, {cache_type}, so copies here unless the file system can reflink).",
        "every command timed once as a whole process (interpreter start and imports included), warm: run "
        "right after its data was written, nothing dropped from the page cache; the tool order is tether "
        "first, then DVC, on its own copy of the same bytes.",
        f"no-op status target for tether on {size['small_files']:,} files: < {NO_OP_STATUS_TARGET_S:.0f} s; "
        f"the command took {status['cli']:.2f} s, the Python API call {status['api']:.2f} s ({verdict} "
        "by the command).",
        *(note for _, part_notes in parts for note in part_notes),
        *hash_notes,
    ]
    print("\n" + "\n".join(f"- {note}" for note in notes))


if __name__ == "__main__":
    c.main(__doc__.splitlines()[0], bench, WORKERS)
