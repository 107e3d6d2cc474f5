"""The first rows of a Parquet file, decoded column by column within a fixed memory bound.

Before anything is decoded, the footer's size is checked and the page headers of each shown column are
walked to learn what its first rows cost: a few hundred bytes of zstd can declare a gigabyte page, and a
dictionary of one long string can stand for a thousand copies of it. A column is read only when its pages
fit ``parquet_column_bytes``; a flat column is decoded a few rows at a time (so that no batch can expand
past the bound, however its dictionary is used) and each batch is cut to cells at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from tether.errors import InvalidInput
from tether.tracking.previews.bounds import BoundedRows, Head, PreviewLimits
from tether.tracking.previews.cells import Cell, column_cells
from tether.tracking.previews.pages import DICTIONARY_PAGE, PageHeader, read_page

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq

MAGIC = b"PAR1"
STREAM_BUFFER = 64 * 1024
"""Column data is read through a buffer this large, instead of whole column chunks at once."""
MEMO_BYTES = 128
"""What reading text as a dictionary costs per distinct value (pyarrow hashes each one)."""


@dataclass(frozen=True)
class _Field:
    """One top-level field: its leaf columns, and what decoding its first rows costs."""

    index: int
    leaves: range
    nested: bool
    """Has a repeated leaf (a list or a map): its rows cannot be counted page by page."""
    rows: int
    """How many of the wanted rows fit the column bound (0: not even one)."""
    dictionary: int
    """The largest dictionary page among its leaves, uncompressed."""


def parquet_head(stream: IO[bytes], path: str, max_rows: int, limits: PreviewLimits) -> Head:
    import pyarrow.parquet as pq

    metadata = _metadata(stream, path, limits)
    schema = metadata.schema.to_arrow_schema()
    wanted = min(max_rows, metadata.num_rows)
    leaves = _leaves(schema, metadata, path)[: limits.max_columns]
    fields = [_plan(stream, metadata, index, span, wanted, limits) for index, span in enumerate(leaves)]
    shown = [f for f in fields if f.rows > 0 or wanted == 0]
    count = min((f.rows for f in shown), default=wanted)
    head = Head(
        names=[schema[f.index].name for f in shown],
        types=[str(schema[f.index].type) for f in shown],
        rows=BoundedRows(len(shown), limits),
        total_rows=metadata.num_rows,
        total_columns=len(schema),
        omitted=[schema[f.index].name for f in fields if f not in shown],
    )
    cuts = {
        "columns": len(schema) > len(fields),
        "column_size": len(shown) < len(fields),
        "bytes": count < wanted,
    }
    head.cuts.update(cut for cut, applies in cuts.items() if applies)
    memo = [leaf for f in shown if f.nested for leaf in f.leaves if _physical(metadata, leaf) == "BYTE_ARRAY"]
    parquet = pq.ParquetFile(
        stream,
        metadata=metadata,
        read_dictionary=[metadata.schema.column(leaf).path for leaf in memo],
        pre_buffer=False,
        buffer_size=STREAM_BUFFER,
    )
    groups = _groups_for(metadata, count)
    for position, f in enumerate(shown):
        batch = count if f.nested or not f.dictionary else limits.parquet_column_bytes // (4 * f.dictionary)
        name = schema[f.index].name
        head.rows.add_column(position, _cells(parquet, name, count, max(1, batch), groups, limits))
    return head


def _cells(
    parquet: pq.ParquetFile, name: str, rows: int, batch: int, groups: list[int], limits: PreviewLimits
) -> list[Cell]:
    """The first ``rows`` cells of a column, read ``batch`` rows at a time and cut to cells at once."""
    cells: list[Cell] = []
    if rows == 0:
        return cells
    found = parquet.iter_batches(
        batch_size=min(batch, rows), row_groups=groups, columns=[name], use_threads=False
    )
    for part in found:
        cells.extend(column_cells(part.column(0), limits.max_cell_chars))
        if len(cells) >= rows:
            break
    return cells[:rows]


def _metadata(stream: IO[bytes], path: str, limits: PreviewLimits) -> pq.FileMetaData:
    """The footer, once its declared size is known to be within the bound."""
    import pyarrow.parquet as pq

    size = stream.seek(0, 2)
    if size < 12:
        raise InvalidInput(f"{path!r} is not a readable parquet file: it is only {size} bytes")
    stream.seek(size - 8)
    tail = stream.read(8)
    if tail[4:] != MAGIC:
        raise InvalidInput(f"{path!r} is not a readable parquet file: it does not end in a Parquet footer")
    length = int.from_bytes(tail[:4], "little")
    if length > limits.parquet_footer_bytes:
        raise InvalidInput(
            f"the metadata of {path!r} takes {length} bytes, over the {limits.parquet_footer_bytes} bytes "
            "a preview decodes; download the file to read it"
        )
    stream.seek(0)
    return pq.read_metadata(stream)


def _leaves(schema: pa.Schema, metadata: pq.FileMetaData, path: str) -> list[range]:
    """The Parquet leaf columns of each top-level field, in order."""
    out, start = [], 0
    for field in schema:
        count = _leaf_count(field.type)
        out.append(range(start, start + count))
        start += count
    if start != metadata.num_columns:
        raise InvalidInput(f"{path!r} has a Parquet schema whose columns cannot be matched to its fields")
    return out


def _leaf_count(kind: pa.DataType) -> int:
    import pyarrow as pa

    if pa.types.is_struct(kind):
        return sum(_leaf_count(child.type) for child in kind)
    if pa.types.is_map(kind):
        return _leaf_count(kind.key_type) + _leaf_count(kind.item_type)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        return _leaf_count(kind.value_type)
    return 1


def _physical(metadata: pq.FileMetaData, leaf: int) -> str:
    return str(metadata.schema.column(leaf).physical_type)


def _plan(
    stream: IO[bytes],
    metadata: pq.FileMetaData,
    index: int,
    leaves: range,
    wanted: int,
    limits: PreviewLimits,
) -> _Field:
    nested = any(metadata.schema.column(leaf).max_repetition_level > 0 for leaf in leaves)
    share = limits.parquet_column_bytes // max(1, len(leaves))
    walks = [_Walk(metadata, leaf, nested, share, limits.parquet_pages) for leaf in leaves]
    rows = min((walk.affordable(stream, wanted) for walk in walks), default=wanted)
    return _Field(index, leaves, nested, rows, max((walk.dictionary for walk in walks), default=0))


class _Walk:
    """What decoding the first rows of one leaf column costs, from its page headers.

    A page counts its compressed and uncompressed size and the memory of its decoded values. Rows are
    counted page by page in a flat column; a nested one counts a row group's rows only once the whole of
    its column chunk fits, and pays for hashing its text (it is read as a dictionary).
    """

    def __init__(self, metadata: pq.FileMetaData, leaf: int, nested: bool, budget: int, pages: int) -> None:
        column = metadata.schema.column(leaf)
        physical = str(column.physical_type)
        width = {"FIXED_LEN_BYTE_ARRAY": int(column.length), "INT96": 12}.get(physical, 8)
        self.metadata, self.leaf, self.nested = metadata, leaf, nested
        self.memo = MEMO_BYTES if nested and physical == "BYTE_ARRAY" else 0
        self.per_value = width + 8 + self.memo
        self.budget, self.pages_left = budget, pages
        self.spent = self.dictionary = 0

    def affordable(self, stream: IO[bytes], wanted: int) -> int:
        covered = 0
        for group in range(self.metadata.num_row_groups):
            if covered >= wanted:
                break
            in_group, complete = self._group(stream, group, wanted - covered)
            if not complete:
                return covered if self.nested else covered + in_group
            covered += in_group
        return min(covered, wanted)

    def _group(self, stream: IO[bytes], group: int, wanted: int) -> tuple[int, bool]:
        """Rows of one row group that fit, and whether the walk may go on to the next group."""
        chunk = self.metadata.row_group(group).column(self.leaf)
        group_rows = self.metadata.row_group(group).num_rows
        offset = chunk.data_page_offset
        if chunk.has_dictionary_page and 0 < (chunk.dictionary_page_offset or 0) < offset:
            offset = chunk.dictionary_page_offset
        end = offset + chunk.total_compressed_size
        rows = 0
        while offset < end and (self.nested or rows < wanted):
            page = _page(stream, offset)
            self.pages_left -= 1
            self.spent += max(page.uncompressed, page.compressed)
            if page.kind == DICTIONARY_PAGE:
                self.spent += page.values * self.memo
                self.dictionary = max(self.dictionary, page.uncompressed)
            else:
                self.spent += page.values * self.per_value
            if self.spent > self.budget or self.pages_left < 0:
                return min(rows, group_rows), False
            if page.kind != DICTIONARY_PAGE and not self.nested:
                rows += page.rows if page.rows is not None else page.values
            offset = page.end
        return (group_rows if self.nested else min(rows, group_rows)), True


def _page(stream: IO[bytes], offset: int) -> PageHeader:
    try:
        return read_page(stream, offset)
    except ValueError as error:
        raise InvalidInput(f"a page header of the Parquet file is unreadable: {error}") from None


def _groups_for(metadata: pq.FileMetaData, rows: int) -> list[int]:
    """The first row groups, as many as hold ``rows`` rows."""
    groups: list[int] = []
    covered = 0
    for group in range(metadata.num_row_groups):
        if covered >= rows and groups:
            break
        groups.append(group)
        covered += metadata.row_group(group).num_rows
    return groups
