"""The first rows of a CSV or TSV file, with only their first columns ever held or parsed.

Records are split from the stream here (``records``), each keeping just the bytes of its shown fields;
those few are then parsed by pyarrow in one go, so the column types are inferred from every row shown.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from tether.errors import InvalidInput
from tether.tracking.previews.bounds import BoundedRows, Head, PreviewLimits
from tether.tracking.previews.cells import column_cells, cut
from tether.tracking.previews.records import Record, Records

if TYPE_CHECKING:
    import pyarrow as pa


def csv_head(stream: IO[bytes], path: str, max_rows: int, delimiter: str, limits: PreviewLimits) -> Head:
    records = Records(stream, delimiter, limits.max_columns, limits.csv_row_bytes, limits.csv_read_bytes)
    found = iter(records)
    header = next(found, None)
    if header is None:
        raise InvalidInput(f"{path!r} is empty: a table preview needs at least a header row")
    if not header.complete:
        raise InvalidInput(
            f"the header row of {path!r} is longer than the {limits.csv_row_bytes} bytes a preview "
            "keeps of one row"
        )
    width = min(header.fields, limits.max_columns)
    names = _names(header, width, delimiter, limits)
    head = Head(names, ["null"] * width, BoundedRows(width, limits), None, header.fields)
    if header.fields > width:
        head.cuts.add("columns")
    rows: list[bytes] = []
    size = 0
    for record in found:
        if len(rows) == max_rows:
            head.cuts.add("rows")
            break
        if not record.complete or size + len(record.head) > limits.csv_parse_bytes:
            head.cuts.add("bytes")
            break
        rows.append(record.head)
        size += len(record.head) + 1
    else:
        if records.exhausted:
            head.cuts.add("bytes")
        else:
            head.total_rows = len(rows)
    if rows:
        table = _parse(rows, width, delimiter)
        head.types = [str(field.type) for field in table.schema]
        for index, column in enumerate(table.columns):
            head.rows.add_column(index, column_cells(column.combine_chunks(), limits.max_cell_chars))
    return head


def _names(header: Record, width: int, delimiter: str, limits: PreviewLimits) -> list[str]:
    import pyarrow as pa

    text = header.head.removeprefix(b"\xef\xbb\xbf")
    found = _parse([text], width, delimiter, {f"f{index}": pa.string() for index in range(width)})
    return [str(cut(column[0].as_py() or "", limits.max_cell_chars)) for column in found.columns]


def _parse(
    rows: list[bytes], width: int, delimiter: str, types: dict[str, pa.DataType] | None = None
) -> pa.Table:
    """Parse complete records in memory, in one block and one thread."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    data = b"\n".join(rows)
    read = pcsv.ReadOptions(
        column_names=[f"f{index}" for index in range(width)], use_threads=False, block_size=len(data) + 1
    )
    parse = pcsv.ParseOptions(delimiter=delimiter, newlines_in_values=True)
    convert = pcsv.ConvertOptions(column_types=types or {})
    return pcsv.read_csv(pa.BufferReader(data), read, parse, convert)
