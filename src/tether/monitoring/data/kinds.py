"""The words for what a column holds and what a model does, shared by mappings, summaries and profiles."""

from __future__ import annotations

from typing import Literal

ColumnKind = Literal["numeric", "categorical", "text", "datetime"]
"""How a feature column is read (and which drift tests and quality checks apply to it)."""
Task = Literal["classification", "regression"]
