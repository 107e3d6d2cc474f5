"""Which of a server's worker processes load which model, and how a worker learns its place.

With ``--workers N`` the processes share the port and the kernel hands each new connection to any of
them. A model whose ``workers`` setting is below N is loaded by that many workers only (a large model
need not sit in memory N times); the others forward its requests to one that holds it (``peers.py``).

Places are slots ``0 … N-1``. Models with a ``workers`` count are laid out one after another around the
ring of slots, so two single-worker models land on different processes; models without one are on every
slot. A worker claims the first free slot by taking an exclusive ``flock`` on ``slot-<i>.lock`` in the
server's runtime folder and holds it for its life, so a worker that dies frees its slot and the process
started in its place takes the same slot and loads the same models.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from tether.errors import ConfigError
from tether.serving.config import ServingConfig

CLAIM_WAIT_S = 30.0
"""How long a new worker waits for a slot: a restarted worker may start before the old one is gone."""


def placement(config: ServingConfig) -> dict[str, tuple[int, ...]]:
    """For each served name, the slots whose workers load it."""
    count, start, placed = config.workers, 0, {}
    for model in config.models:
        if model.workers is None:
            placed[model.served_as] = tuple(range(count))
            continue
        placed[model.served_as] = tuple(sorted((start + i) % count for i in range(model.workers)))
        start = (start + model.workers) % count
    return placed


def is_split(config: ServingConfig) -> bool:
    """Whether some worker lacks some model, so that workers need slots and forwarding at all."""
    return config.workers > 1 and any(model.workers not in (None, config.workers) for model in config.models)


class Slot:
    """This process's slot, held (by an open, locked file) until the process ends or ``release``."""

    def __init__(self, index: int, descriptor: int) -> None:
        self.index = index
        self._descriptor: int | None = descriptor

    def release(self) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)  # closing the file drops its lock
            self._descriptor = None


def claim_slot(folder: Path, count: int, wait_s: float = CLAIM_WAIT_S) -> Slot:
    """The first of ``count`` slots in ``folder`` that no live process holds."""
    deadline = time.monotonic() + wait_s
    while True:
        for index in range(count):
            descriptor = os.open(folder / f"slot-{index}.lock", os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(descriptor)
                continue
            return Slot(index, descriptor)
        if time.monotonic() >= deadline:
            raise ConfigError(f"all {count} worker slots in {folder} stayed taken for {wait_s:g} s")
        time.sleep(0.05)


def socket_path(folder: Path, index: int) -> Path:
    """Where the worker in slot ``index`` takes requests forwarded by the other workers."""
    return folder / f"slot-{index}.sock"
