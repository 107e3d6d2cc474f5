"""Shared type aliases, and nothing else."""

from __future__ import annotations

from typing import Literal, Union

RunId = str
"""32 lowercase hex characters (a uuid4 without dashes)."""

ExperimentId = str
"""An integer shown as a string; "0" is the default experiment."""

Millis = int
"""Milliseconds since the Unix epoch."""

JSONValue = Union[str, int, float, bool, None, list["JSONValue"], dict[str, "JSONValue"]]

RunStatus = Literal["RUNNING", "FINISHED", "FAILED", "KILLED"]
LifecycleStage = Literal["active", "deleted"]
ViewType = Literal["active", "deleted", "all"]

MetricPoint = tuple[str, float, int, Millis]
"""(key, value, step, timestamp) as the fast paths pass it around."""
