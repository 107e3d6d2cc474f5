"""TrackingService: the one entry point to experiments, runs, params, metrics, tags and artifacts.

Contracts: every public method validates its input before touching storage and runs in one transaction,
so a refused call leaves nothing half-written. Params are immutable (the same value again is fine);
tags are upserts; metrics append to the history and move a key's latest value forward only when the new
point is later (step, then timestamp, then value). Runs of deleted experiments, and deleted runs, refuse
writes with Conflict.

The methods live with their idea (experiments.py, runs.py, batches.py, artifacts.py); this class joins
them over one database and one blob store. ``routes.py`` declares which of them the REST API offers.
"""

from __future__ import annotations

from tether.config import Quotas
from tether.storage.blobs import BlobStore
from tether.storage.db import Database
from tether.tracking.artifacts import Artifacts
from tether.tracking.batches import Batches
from tether.tracking.experiments import Experiments
from tether.tracking.runs import Runs


class TrackingService(Experiments, Runs, Batches, Artifacts):
    def __init__(self, db: Database, blobs: BlobStore, quotas: Quotas | None = None) -> None:
        self.db = db
        self.blobs = blobs
        self.quotas = quotas or Quotas()

    def __repr__(self) -> str:
        return f"TrackingService({self.db!r}, {self.blobs!r})"
