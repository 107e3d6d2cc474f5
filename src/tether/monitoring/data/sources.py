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
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from tether.errors import InvalidData
from tether.monitoring.data.profile import ReferenceProfile

if TYPE_CHECKING:
    import pandas as pd

DataLike = Union["pd.DataFrame", pa.Table, str, Path, "Dataset", ReferenceProfile]
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
        parquet: pq.ParquetFile | pads.Dataset | None = None,
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
        if isinstance(data, Dataset):
            return data
        if isinstance(data, ReferenceProfile):
            return cls(name, data.schema, data.num_rows, profile=data)
        if isinstance(data, pa.Table):
            return cls(name, data.schema, data.num_rows, table=data, batch_rows=batch_rows)
        if isinstance(data, (str, Path)):
            return cls._open_parquet(Path(data), name, batch_rows)
        if hasattr(data, "columns") and hasattr(data, "dtypes"):
            table = _table_from_pandas(data, name)
            return cls(name, table.schema, table.num_rows, table=table, batch_rows=batch_rows)
        raise InvalidData(
            f"the {name} data must be a pandas DataFrame, a pyarrow Table or a Parquet path (a file or a "
            f"folder), not {type(data).__name__}"
        )

    @classmethod
    def _open_parquet(cls, path: Path, name: str, batch_rows: int) -> Dataset:
        if not path.exists():
            raise InvalidData(f"the {name} data file {str(path)!r} does not exist")
        if path.is_dir():
            return cls._open_parquet_folder(path, name, batch_rows)
        try:
            parquet = pq.ParquetFile(path, pre_buffer=False)
        except (pa.ArrowInvalid, OSError) as error:
            raise InvalidData(
                f"the {name} data file {str(path)!r} is not readable Parquet: {error}"
            ) from None
        schema = parquet.schema_arrow
        return cls(name, schema, parquet.metadata.num_rows, parquet=parquet, batch_rows=batch_rows)

    @classmethod
    def _open_parquet_folder(cls, path: Path, name: str, batch_rows: int) -> Dataset:
        """A folder of Parquet files (as Spark, Dask or ``pyarrow.parquet.write_to_dataset`` write them),
        read file after file in path order; ``key=value`` folders become columns."""
        try:
            folder = pads.dataset(path, format="parquet", partitioning="hive")
            rows = folder.count_rows()
        except (pa.ArrowInvalid, OSError) as error:
            raise InvalidData(
                f"the {name} data folder {str(path)!r} is not readable Parquet: {error}"
            ) from None
        return cls(name, folder.schema, rows, parquet=folder, batch_rows=batch_rows)

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
        if isinstance(self._parquet, pq.ParquetFile):
            yield from self._parquet.iter_batches(
                batch_size=self.batch_rows, columns=wanted, use_threads=False
            )
            return
        for batch in self._parquet.to_batches(columns=wanted, batch_size=self.batch_rows, use_threads=False):
            if batch.num_rows:
                yield batch

    def column_values(self, column: str) -> pa.ChunkedArray:
        """A whole column; for metrics (ranking, AUC) that cannot work from summaries."""
        if self._table is not None:
            return self._table.column(column)
        chunks = [batch.column(0) for batch in self.batches([column])]
        return pa.chunked_array(chunks, type=self.type_of(column))


def as_float(array: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.float64]:
    """Numbers as float64 with missing values as NaN (booleans as 0/1, datetimes as their integer ticks).

    The cast is unchecked: integers beyond 2**53 (ids, hashes, nanosecond timestamps) round to the nearest
    float instead of failing, which is all a statistic over them needs.
    """
    kind = array.type
    if pa.types.is_temporal(kind):
        array = array.cast(pa.int32() if kind.bit_width == 32 else pa.int64())
    if not pa.types.is_floating(kind) or pa.types.is_float16(kind):
        array = array.cast(pa.float64(), safe=False)
    result: npt.NDArray[np.float64] = np.asarray(
        array.to_numpy(zero_copy_only=False) if isinstance(array, pa.Array) else array.to_numpy(),
        dtype=np.float64,
    )
    return result


def _table_from_pandas(frame: pd.DataFrame, name: str) -> pa.Table:
    duplicated = frame.columns[frame.columns.duplicated()].tolist()
    if duplicated:
        raise InvalidData(f"the {name} data has repeated column names: {duplicated}")
    zoned = [i for i, dtype in enumerate(frame.dtypes) if getattr(dtype, "tz", None) is not None]
    plain = frame.drop(columns=frame.columns[zoned]) if zoned else frame
    try:
        table = pa.Table.from_pandas(plain, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise InvalidData(
            f"the {name} data has a column with mixed types that cannot be read: {error}"
        ) from None
    if not zoned:
        return table
    plain_columns = iter(zip(table.column_names, table.columns, strict=True))
    names: list[str] = []
    arrays: list[pa.ChunkedArray] = []
    for position in range(frame.shape[1]):
        if position in zoned:
            names.append(str(frame.columns[position]))
            arrays.append(pa.chunked_array([_zoned_array(frame.iloc[:, position])]))
        else:
            found, array = next(plain_columns)
            names.append(found)
            arrays.append(array)
    return pa.Table.from_arrays(arrays, names=names)


def _zoned_array(column: pd.Series) -> pa.Array:
    """A time-zone-aware column converted explicitly: Arrow's own conversion reads ``Series.values``,
    which pandas deprecates for such columns (a warning, an error in our test runs)."""
    import pandas as pd

    dtype = column.dtype
    assert isinstance(dtype, pd.DatetimeTZDtype)
    utc = column.dt.tz_convert(None).to_numpy()
    return pa.array(utc, type=pa.timestamp(dtype.unit, tz=str(dtype.tz)), from_pandas=True)
