"""Shared type aliases, and nothing else."""

from __future__ import annotations

from typing import Literal

Millis = int
"""Milliseconds since the Unix epoch."""

RunStatus = Literal["RUNNING", "FINISHED", "FAILED", "KILLED"]
LifecycleStage = Literal["active", "deleted"]
ViewType = Literal["active", "deleted", "all"]
PreviewCut = Literal["rows", "columns", "column_size", "cells", "bytes"]
"""A bound that cut a table preview short (see TablePreview.truncated_by)."""

MetricPoint = tuple[str, float, int, Millis]
"""(key, value, step, timestamp) as the fast paths pass it around."""

Level = Literal["READ", "EDIT", "MANAGE"]
"""Permission on one experiment; each level includes the ones before it."""
