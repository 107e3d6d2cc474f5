"""A reference summarised once and saved, to compare many current batches with it without the raw data.

``summarize(reference_df, target="churned")`` reads the data once (twice for numeric columns: bins are
placed from a first pass) and keeps only summaries; ``profile.save("ref.json")`` writes them as JSON and
``load_profile`` reads them back. A profile stands in for the reference in ``Report.run``: metrics that
work from summaries (the drift metrics) give the same result as with the raw reference, and metrics that
need raw rows report "not computed" with the reason.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from tether.errors import InvalidData
from tether.monitoring.data.kinds import ColumnKind, Task
from tether.monitoring.data.summaries import DatasetSummary

FORMAT = "tether.monitoring.profile/1"


@dataclass(frozen=True)
class ReferenceProfile:
    """The summaries of a reference dataset, with its schema and how its columns were read."""

    name: str
    num_rows: int
    schema: pa.Schema
    kinds: dict[str, ColumnKind]
    """The kind of every feature column, as the mapping resolved it."""
    target: str | None
    prediction: list[str]
    task: Task | None
    summary: DatasetSummary
    created_at: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "name": self.name,
            "num_rows": self.num_rows,
            "created_at": self.created_at,
            "schema": base64.b64encode(self.schema.serialize().to_pybytes()).decode("ascii"),
            "kinds": self.kinds,
            "target": self.target,
            "prediction": self.prediction,
            "task": self.task,
            "summary": self.summary.to_dict(),
        }

    def save(self, path: str | Path) -> Path:
        target = Path(path)
        target.write_text(json.dumps(self.to_dict(), separators=(",", ":")), encoding="utf-8")
        return target

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReferenceProfile:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise InvalidData(f"not a tether reference profile (expected format {FORMAT!r})")
        try:
            schema = pa.ipc.read_schema(pa.py_buffer(base64.b64decode(data["schema"])))
            return cls(
                name=str(data["name"]),
                num_rows=int(data["num_rows"]),
                schema=schema,
                kinds=dict(data["kinds"]),
                target=data["target"],
                prediction=list(data["prediction"]),
                task=data["task"],
                summary=DatasetSummary.from_dict(data["summary"]),
                created_at=int(data["created_at"]),
            )
        except (KeyError, TypeError, ValueError, pa.ArrowInvalid) as error:
            raise InvalidData(f"the reference profile is damaged: {error!r}") from None


def load_profile(path: str | Path) -> ReferenceProfile:
    """A profile written by ``ReferenceProfile.save``."""
    source = Path(path)
    if not source.is_file():
        raise InvalidData(f"the reference profile {str(source)!r} does not exist")
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidData(f"the reference profile {str(source)!r} is not JSON: {error}") from None
    return ReferenceProfile.from_dict(data)
