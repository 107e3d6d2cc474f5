"""The first rows of a tabular artifact (CSV, TSV, Parquet), for showing it as a table.

Only as much of the file is read as the preview needs: CSV is parsed block by block from the stream and
Parquet reads its footer and first row group, so previewing a multi-gigabyte artifact stays cheap.
"""

from __future__ import annotations

import datetime
import math
from typing import IO, TYPE_CHECKING, Any

from tether.errors import InvalidInput
from tether.tracking.limits import MAX_PREVIEW_ROWS
from tether.tracking.schemas import TablePreview

if TYPE_CHECKING:
    import pyarrow as pa

_FORMATS = {".csv": "csv", ".tsv": "tsv", ".parquet": "parquet", ".pq": "parquet"}


def table_format(path: str) -> str:
    """The preview format for a path by its extension; InvalidInput for anything else."""
    suffix = path[path.rfind(".") :].lower() if "." in path.rsplit("/", 1)[-1] else ""
    found = _FORMATS.get(suffix)
    if found is None:
        known = ", ".join(sorted(_FORMATS))
        raise InvalidInput(f"{path!r} cannot be previewed as a table; previews exist for {known} files")
    return found


def preview_table(stream: IO[bytes], path: str, max_rows: int) -> TablePreview:
    if not 1 <= max_rows <= MAX_PREVIEW_ROWS:
        raise InvalidInput(f"max_rows must be between 1 and {MAX_PREVIEW_ROWS}, got {max_rows}")
    import pyarrow as pa  # loaded on first preview: most processes that open a store never need it

    kind = table_format(path)
    total: int | None
    try:
        if kind == "parquet":
            batch, total = _parquet_head(stream, max_rows)
        else:
            batch, total = _csv_head(stream, max_rows, "\t" if kind == "tsv" else ",")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as error:
        raise InvalidInput(f"{path!r} is not a readable {kind} file: {error}") from None
    rows = [[_json_value(v) for v in row.values()] for row in batch.to_pylist()]
    return TablePreview(
        path=path,
        format=kind,
        columns=list(batch.schema.names),
        types=[str(field.type) for field in batch.schema],
        rows=rows,
        total_rows=total,
        truncated=total is None or total > len(rows),
    )


def _parquet_head(stream: IO[bytes], max_rows: int) -> tuple[pa.Table, int]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(stream)
    first = next(parquet.iter_batches(batch_size=max_rows), None)
    table = pa.Table.from_batches([first]) if first is not None else parquet.schema_arrow.empty_table()
    return table, parquet.metadata.num_rows


def _csv_head(stream: IO[bytes], max_rows: int, delimiter: str) -> tuple[pa.Table, int | None]:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    reader = pcsv.open_csv(stream, parse_options=pcsv.ParseOptions(delimiter=delimiter))
    batches, count = [], 0
    for batch in reader:
        batches.append(batch)
        count += batch.num_rows
        if count > max_rows:
            break
    else:
        table = pa.Table.from_batches(batches, schema=reader.schema)
        return table.slice(0, max_rows), count
    return pa.Table.from_batches(batches, schema=reader.schema).slice(0, max_rows), None


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return str(value)
