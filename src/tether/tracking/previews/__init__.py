"""The first rows of a tabular artifact (CSV, TSV, Parquet), for showing it as a table.

Contracts: a preview reads the file incrementally and never holds more than a few megabytes, whatever the
file claims or contains; it is bounded in rows, columns, cell length and response bytes (``bounds``), and
every bound that cut it is named in ``TablePreview.truncated_by``. A file it cannot read within those
bounds (a header row longer than a CSV block, an oversized Parquet footer) is refused with InvalidInput.
"""

from __future__ import annotations

from typing import IO

from tether.errors import InvalidInput
from tether.tracking.previews.bounds import LIMITS, Head, PreviewLimits
from tether.tracking.schemas import TablePreview
from tether.types import PreviewCut

_FORMATS = {".csv": "csv", ".tsv": "tsv", ".parquet": "parquet", ".pq": "parquet"}
_CUT_ORDER: tuple[PreviewCut, ...] = ("rows", "columns", "column_size", "cells", "bytes")

__all__ = ["LIMITS", "PreviewLimits", "preview_table", "table_format"]


def table_format(path: str) -> str:
    """The preview format for a path by its extension; InvalidInput for anything else."""
    suffix = path[path.rfind(".") :].lower() if "." in path.rsplit("/", 1)[-1] else ""
    found = _FORMATS.get(suffix)
    if found is None:
        known = ", ".join(sorted(_FORMATS))
        raise InvalidInput(f"{path!r} cannot be previewed as a table; previews exist for {known} files")
    return found


def preview_table(
    stream: IO[bytes], path: str, max_rows: int, limits: PreviewLimits = LIMITS
) -> TablePreview:
    if not 1 <= max_rows <= limits.max_rows:
        raise InvalidInput(f"max_rows must be between 1 and {limits.max_rows}, got {max_rows}")
    import pyarrow as pa  # loaded on first preview: most processes that open a store never need it

    from tether.tracking.previews.delimited import csv_head
    from tether.tracking.previews.parquet import parquet_head

    kind = table_format(path)
    try:
        if kind == "parquet":
            head = parquet_head(stream, path, max_rows, limits)
        else:
            head = csv_head(stream, path, max_rows, "\t" if kind == "tsv" else ",", limits)
    except (pa.ArrowException, OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{path!r} is not a readable {kind} file: {error}") from None
    return _preview(head, path, kind, limits)


def _preview(head: Head, path: str, kind: str, limits: PreviewLimits) -> TablePreview:
    cut_cells = head.rows.cut_cells()
    cuts = set(head.cuts)
    if cut_cells or any(len(name) > limits.max_cell_chars for name in head.names):
        cuts.add("cells")
    if head.rows.cut_by_bytes:
        cuts.add("bytes")
    rows = head.rows.rows()
    if head.total_rows is not None and head.total_rows > len(rows):
        cuts.add("rows")
    return TablePreview(
        path=path,
        format=kind,
        columns=head.names,
        types=head.types,
        rows=rows,
        total_rows=head.total_rows,
        truncated=bool(cuts) or head.total_rows is None,
        total_columns=head.total_columns,
        truncated_by=[cut for cut in _CUT_ORDER if cut in cuts],
        omitted_columns=head.omitted,
        cut_cells=cut_cells,
        max_columns=limits.max_columns,
        max_cell_chars=limits.max_cell_chars,
        max_bytes=limits.max_bytes,
    )
