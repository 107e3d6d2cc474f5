"""The data a report reads: a pandas frame, an Arrow table, or a Parquet file read in chunks.

Everything downstream sees Arrow record batches, so a Parquet file larger than memory is read one row
group at a time while a frame already in memory is one batch. Metrics that only need summaries (counts,
histograms) never hold more than one batch; ``column_values`` is for metrics that need a column whole.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Union

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from tether.errors import InvalidData

if TYPE_CHECKING:
    import pandas as pd

    from tether.monitoring.profile import ReferenceProfile

DataLike = Union["pd.DataFrame", pa.Table, str, Path, "Dataset", "ReferenceProfile"]
"""What a report accepts as reference or current data (a saved profile stands in for a reference)."""

DEFAULT_BATCH_ROWS = 65_536
"""Rows per batch. Parquet is read without read-ahead (``pre_buffer``) and on one thread: the reader then
holds about one batch rather than whole row groups, which took a third of the memory in bench/drift.py."""


class Dataset:
    """One side of a comparison (reference or current), readable as Arrow batches."""

    def __init__(
        self,
        name: str,
        schema: pa.Schema,
        num_rows: int,
        table: pa.Table | None = None,
        parquet: pq.ParquetFile | None = None,
        batch_rows: int = DEFAULT_BATCH_ROWS,
        profile: ReferenceProfile | None = None,
    ) -> None:
        self.name = name
        self.profile = profile
        """Set when this side is a saved summary: no rows to read, only the profile's summaries."""
        self.schema = schema
        self.num_rows = num_rows
        self._table = table
        self._parquet = parquet
        self.batch_rows = batch_rows

    @classmethod
    def of(cls, data: DataLike, name: str, batch_rows: int = DEFAULT_BATCH_ROWS) -> Dataset:
        """Wrap ``data``; a path is opened lazily as Parquet (only its footer is read here)."""
        from tether.monitoring.profile import ReferenceProfile

        if isinstance(data, Dataset):
            return data
        if isinstance(data, ReferenceProfile):
            return data.as_dataset(name)
        if isinstance(data, pa.Table):
            return cls(name, data.schema, data.num_rows, table=data, batch_rows=batch_rows)
        if isinstance(data, (str, Path)):
            return cls._open_parquet(Path(data), name, batch_rows)
        if hasattr(data, "columns") and hasattr(data, "dtypes"):
            table = _table_from_pandas(data, name)
            return cls(name, table.schema, table.num_rows, table=table, batch_rows=batch_rows)
        raise InvalidData(
            f"the {name} data must be a pandas DataFrame, a pyarrow Table or a Parquet path, "
            f"not {type(data).__name__}"
        )

    @classmethod
    def _open_parquet(cls, path: Path, name: str, batch_rows: int) -> Dataset:
        if not path.exists():
            raise InvalidData(f"the {name} data file {str(path)!r} does not exist")
        try:
            parquet = pq.ParquetFile(path, pre_buffer=False)
        except (pa.ArrowInvalid, OSError) as error:
            raise InvalidData(
                f"the {name} data file {str(path)!r} is not readable Parquet: {error}"
            ) from None
        schema = parquet.schema_arrow
        return cls(name, schema, parquet.metadata.num_rows, parquet=parquet, batch_rows=batch_rows)

    @property
    def columns(self) -> list[str]:
        return list(self.schema.names)

    def type_of(self, column: str) -> pa.DataType:
        return self.schema.field(column).type

    def batches(self, columns: Sequence[str] | None = None) -> Iterator[pa.RecordBatch]:
        """The rows in order, ``batch_rows`` at a time, restricted to ``columns`` when given."""
        wanted = list(columns) if columns is not None else None
        if self._table is not None:
            table = self._table.select(wanted) if wanted is not None else self._table
            yield from table.to_batches(max_chunksize=self.batch_rows)
            return
        if self._parquet is None:
            raise InvalidData(
                f"the {self.name} data is a saved profile (summaries only), and this needs its rows"
            )
        yield from self._parquet.iter_batches(batch_size=self.batch_rows, columns=wanted, use_threads=False)

    def column_values(self, column: str) -> pa.ChunkedArray:
        """A whole column; for metrics (ranking, AUC) that cannot work from summaries."""
        if self._table is not None:
            return self._table.column(column)
        chunks = [batch.column(0) for batch in self.batches([column])]
        return pa.chunked_array(chunks, type=self.type_of(column))


def as_float(array: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.float64]:
    """Numbers as float64 with missing values as NaN (booleans as 0/1)."""
    if pa.types.is_boolean(array.type) or pa.types.is_integer(array.type) or pa.types.is_decimal(array.type):
        array = array.cast(pa.float64())
    elif pa.types.is_temporal(array.type):
        array = array.cast(pa.int64()).cast(pa.float64())
    result: npt.NDArray[np.float64] = np.asarray(
        array.to_numpy(zero_copy_only=False) if isinstance(array, pa.Array) else array.to_numpy(),
        dtype=np.float64,
    )
    return result


def _table_from_pandas(frame: pd.DataFrame, name: str) -> pa.Table:
    duplicated = frame.columns[frame.columns.duplicated()].tolist()
    if duplicated:
        raise InvalidData(f"the {name} data has repeated column names: {duplicated}")
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise InvalidData(
            f"the {name} data has a column with mixed types that cannot be read: {error}"
        ) from None
