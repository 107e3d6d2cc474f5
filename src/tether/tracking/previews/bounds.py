"""How much of a file a table preview may read, decode and send, and the rows kept within that.

Every bound is fixed before reading starts, so a preview costs a few megabytes whatever the file holds:
a kilobyte of compressed Parquet that expands to gigabytes, a cell of 200 MiB, or 100,000 columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tether.tracking.limits import MAX_PREVIEW_ROWS
from tether.tracking.previews.cells import Cell, column_cells, is_cut, json_size

if TYPE_CHECKING:
    import pyarrow as pa

MiB = 1024 * 1024


@dataclass(frozen=True)
class PreviewLimits:
    """The bounds of one table preview; the defaults are what the server and the SDK use."""

    max_rows: int = MAX_PREVIEW_ROWS
    """Rows a caller may ask for."""
    max_columns: int = 100
    """Columns shown: the first ones of the file."""
    max_cell_chars: int = 1000
    """A longer text cell is cut to this many characters, followed by '…'."""
    max_bytes: int = 2 * MiB
    """Cell data in one response, as JSON; rows are dropped from the end to stay under it."""
    csv_row_bytes: int = 1 * MiB
    """The shown fields of one CSV row must fit in this; a longer row ends the preview before it."""
    csv_parse_bytes: int = 4 * MiB
    """The shown fields of all the rows of one preview, handed to the CSV parser together."""
    csv_read_bytes: int = 16 * MiB
    """The most of a CSV file one preview reads."""
    parquet_footer_bytes: int = 4 * MiB
    """A larger Parquet footer (the file's metadata) is not decoded."""
    parquet_column_bytes: int = 8 * MiB
    """Page data decoded for one column; a column whose first rows need more is left out."""
    parquet_pages: int = 2000
    """Page headers walked per column to find what its first rows cost."""


LIMITS = PreviewLimits()


@dataclass
class BoundedRows:
    """Cells gathered batch by batch (CSV) or column by column (Parquet), kept under ``max_bytes`` by
    dropping rows from the end; ``cut_by_bytes`` says whether that happened."""

    width: int
    limits: PreviewLimits
    columns: list[list[Cell]] = field(init=False)
    sizes: list[int] = field(init=False, default_factory=list)
    total: int = field(init=False, default=0)
    cut_by_bytes: bool = field(init=False, default=False)
    _seeded: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self.columns = [[] for _ in range(self.width)]

    @property
    def count(self) -> int:
        return len(self.sizes) if self.width else 0

    def add_batch(self, arrays: list[pa.Array]) -> bool:
        """Append the rows of one batch (an array per column); False once the byte bound cut them."""
        cells = [column_cells(array, self.limits.max_cell_chars) for array in arrays]
        for row in range(len(arrays[0]) if arrays else 0):
            size = sum(json_size(column[row]) for column in cells)
            if self.total + size > self.limits.max_bytes:
                self.cut_by_bytes = True
                return False
            for column, found in zip(self.columns, cells, strict=True):
                column.append(found[row])
            self.sizes.append(size)
            self.total += size
        return True

    def add_column(self, index: int, cells: list[Cell]) -> None:
        """Set one whole column; rows past the byte bound are dropped from every column."""
        if not self._seeded:
            self.sizes, self._seeded = [0] * len(cells), True
        cells = cells[: len(self.sizes)]
        self.columns[index] = cells
        for row, cell in enumerate(cells):
            self.sizes[row] += json_size(cell)
        self.total = sum(self.sizes)
        if self.total > self.limits.max_bytes:
            self._keep(self._rows_that_fit())

    def rows(self) -> list[list[Cell]]:
        return [list(row) for row in zip(*self.columns, strict=True)] if self.width else []

    def cut_cells(self) -> int:
        """How many kept cells were cut to ``max_cell_chars``."""
        limit = self.limits.max_cell_chars
        return sum(is_cut(cell, limit) for column in self.columns for cell in column)

    def _rows_that_fit(self) -> int:
        running = 0
        for row, size in enumerate(self.sizes):
            running += size
            if running > self.limits.max_bytes:
                return row
        return len(self.sizes)

    def _keep(self, rows: int) -> None:
        self.cut_by_bytes = True
        self.sizes = self.sizes[:rows]
        self.columns = [column[:rows] for column in self.columns]
        self.total = sum(self.sizes)


@dataclass
class Head:
    """What a reader found at the start of a file, before it becomes a TablePreview."""

    names: list[str]
    types: list[str]
    rows: BoundedRows
    total_rows: int | None
    total_columns: int
    cuts: set[str] = field(default_factory=set)
    """The bounds that cut the preview: ``rows``, ``columns``, ``column_size`` (cells and bytes are
    found from ``rows``)."""
    omitted: list[str] = field(default_factory=list)
    """Columns among the first ``max_columns`` left out because decoding them would cost too much."""
