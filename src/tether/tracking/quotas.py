"""Quotas: how large one artifact may be, how many bytes an experiment's artifacts may take, and how many
distinct keys of each kind a run may hold (``tether.config.Quotas``, docs/limits.md).

A refused upload stops while it streams, as soon as it passes the limit, so it never takes the space it
asks for; the blob store drops the unfinished file. A batch that would give a run too many keys is
refused whole, inside its transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO

from sqlalchemy import Connection

from tether.config import Quotas
from tether.errors import InvalidInput, TooLarge
from tether.tracking import usage


def upload_allowance(
    quotas: Quotas, conn: Connection, run_id: str, experiment_id: int, path: str
) -> tuple[int | None, str]:
    """The most bytes the upload may write, and what to say when it writes more (None: no limit)."""
    limits: list[tuple[int, str]] = []
    if quotas.max_artifact_bytes is not None:
        limits.append(
            (quotas.max_artifact_bytes, f"an artifact may have at most {quotas.max_artifact_bytes} bytes")
        )
    if quotas.max_experiment_artifact_bytes is not None:
        used = usage.experiment_bytes(conn, experiment_id) - usage.artifact_size(conn, run_id, path)
        room = max(0, quotas.max_experiment_artifact_bytes - used)
        limits.append(
            (
                room,
                f"experiment {experiment_id} holds {used} bytes of artifacts and may hold at most "
                f"{quotas.max_experiment_artifact_bytes}: this file may have {room}",
            )
        )
    if not limits:
        return None, ""
    return min(limits)


class Allowance:
    """A binary stream that raises TooLarge once more than ``limit`` bytes have been read from it."""

    def __init__(self, stream: IO[bytes], limit: int, reason: str) -> None:
        self._stream = stream
        self._left = limit
        self._reason = reason

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        self._left -= len(chunk)
        if self._left < 0:
            raise TooLarge(f"the upload was refused: {self._reason}")
        return chunk


def check_keys(
    quotas: Quotas, conn: Connection, run_id: str, held: Mapping[str, int], given: Mapping[str, int]
) -> None:
    """After a batch's writes, inside its transaction: refuse it if a run now has too many keys.

    ``held`` counts each kind's keys before the batch and ``given`` the keys the batch names; only a kind
    whose sum passes the limit can have too many, and only those are counted again.
    """
    most = quotas.max_keys_per_run
    if most is None:
        return
    near = [kind for kind, count in given.items() if held[kind] + count > most]
    if not near:
        return
    for kind, now in usage.key_counts(conn, run_id, near).items():
        if now > most:
            raise InvalidInput(
                f"run '{run_id}' would have {now} distinct {kind} keys; a run may have at most {most}. "
                "Log values under fewer keys (a metric's steps, or one artifact for many values)."
            )
