"""What a diff says about tables: rows and columns of a CSV or Parquet file in a dataset version.

A stored file is read through ``StoredFile``, a seekable reader over its objects that fetches a chunk only
when a read reaches it, so a Parquet file's row count and schema cost its footer (a chunk or two), not the
whole file. A CSV file is streamed once, block by block, by pyarrow's reader (quoted newlines count right),
and only up to ``MAX_CSV_BYTES``: a larger one gets no summary rather than a slow diff. One diff summarises
at most ``MAX_SUMMARIES`` table files and ``MAX_DIFF_CSV_BYTES`` of CSV in all (``Summaries``), modified
files first, so a version that adds ten thousand CSV files still diffs in moments.
"""

from __future__ import annotations

import bisect
import io
from collections.abc import Callable
from itertools import accumulate

from tether.data.chunks import decode_index
from tether.data.manifest import Entry
from tether.data.schemas import TableSummary

MAX_CSV_BYTES = 256 * 1024 * 1024
MAX_SUMMARIES = 100
MAX_DIFF_CSV_BYTES = 1024 * 1024 * 1024
TABLE_SUFFIXES = (".csv", ".tsv", ".parquet")


class StoredFile(io.RawIOBase):
    """A read-only, seekable view of one stored file, reading its chunks on demand through ``get``."""

    def __init__(self, entry: Entry, get: Callable[[str], bytes]) -> None:
        super().__init__()
        self._get = get
        self._size = entry.size
        if entry.kind == "chunked":
            self._chunks = decode_index(get(entry.digest))
        else:
            self._chunks = [(entry.digest, entry.size)]
        self._starts = [0, *accumulate(size for _, size in self._chunks)][:-1]
        self._position = 0
        self._cached: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        """Fill ``buffer`` across as many chunks as it spans (pyarrow takes a short read for the end)."""
        done = 0
        while done < len(buffer) and self._position < self._size:
            index = bisect.bisect_right(self._starts, self._position) - 1
            data = self._chunk(index)
            start = self._position - self._starts[index]
            count = min(len(buffer) - done, len(data) - start)
            buffer[done : done + count] = data[start : start + count]
            self._position += count
            done += count
        return done

    def _chunk(self, index: int) -> bytes:
        if self._cached is None or self._cached[0] != index:
            self._cached = (index, self._get(self._chunks[index][0]))
        return self._cached[1]


class Summaries:
    """The table summaries of one diff, within its budget; ``skipped`` counts the table files left out."""

    def __init__(self, get: Callable[[str], bytes]) -> None:
        self._get = get
        self._files = 0
        self._csv_bytes = 0
        self.skipped = 0

    def of(self, entry: Entry | None) -> TableSummary | None:
        suffix = _suffix(entry) if entry is not None else ""
        if entry is None or not suffix:
            return None
        csv = suffix != ".parquet" and entry.size <= MAX_CSV_BYTES
        if self._files >= MAX_SUMMARIES or (csv and self._csv_bytes + entry.size > MAX_DIFF_CSV_BYTES):
            self.skipped += 1
            return None
        self._files += 1
        self._csv_bytes += entry.size if csv else 0
        return summarize(entry, self._get)


def _suffix(entry: Entry) -> str:
    """The entry's table suffix (``.csv``, ``.tsv``, ``.parquet``), or "" when it is no table file."""
    suffix = "." + entry.path.rsplit(".", 1)[-1].lower() if "." in entry.path else ""
    return suffix if suffix in TABLE_SUFFIXES and not entry.is_dir else ""


def summarize(entry: Entry, get: Callable[[str], bytes]) -> TableSummary | None:
    """Rows and column types of a CSV, TSV or Parquet file; None for another file, or one that does not
    parse as its suffix says (a diff reports the bytes then, not an error)."""
    suffix = _suffix(entry)
    if not suffix:
        return None
    import pyarrow as pa

    try:
        if suffix == ".parquet":
            return _parquet(StoredFile(entry, get))
        if entry.size > MAX_CSV_BYTES:
            return None
        return _csv(StoredFile(entry, get), "\t" if suffix == ".tsv" else ",")
    except (pa.ArrowException, OSError, ValueError):  # not a table after all: the diff shows the bytes
        return None


def _parquet(stream: StoredFile) -> TableSummary:
    import pyarrow.parquet as pq

    found = pq.ParquetFile(stream)
    schema = found.schema_arrow
    return TableSummary(rows=found.metadata.num_rows, columns={f.name: str(f.type) for f in schema})


def _csv(stream: StoredFile, delimiter: str) -> TableSummary:
    from pyarrow import csv

    reader = csv.open_csv(
        io.BufferedReader(stream, buffer_size=1024 * 1024),
        parse_options=csv.ParseOptions(delimiter=delimiter),
    )
    rows = sum(batch.num_rows for batch in reader)
    return TableSummary(rows=rows, columns={f.name: str(f.type) for f in reader.schema})
