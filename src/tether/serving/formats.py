"""Request bodies in every format the model server accepts, read into one shape; and predictions written out.

A request becomes :class:`Inputs`: columns of plain Python values (from JSON), a DataFrame (CSV, Arrow)
or an array (tensor models). Inputs from many requests are combined into one predict call and the
predictions are split back by row counts. Missing columns are refused here, before a request is queued,
so a bad request names what is wrong without waiting for a batch; type problems surface when the batch is
conformed to the signature, and the batch runner then finds which request caused them.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
import pandas as pd

from tether.errors import InvalidInput, SignatureMismatch
from tether.models.signatures import Signature, TableSpec, TensorSpec

JSON_TYPES = ("application/json", "", "application/x-www-form-urlencoded")
"""JSON, also when unlabelled or labelled as a form (what ``curl -d`` sends unless told otherwise)."""
CSV_TYPES = ("text/csv",)
ARROW_TYPES = ("application/vnd.apache.arrow.stream", "application/vnd.apache.arrow.file")
ACCEPTED = "application/json, text/csv, application/vnd.apache.arrow.stream"

OIP_TYPES = {
    "BOOL": "bool",
    "INT8": "int8",
    "INT16": "int16",
    "INT32": "int32",
    "INT64": "int64",
    "UINT8": "uint8",
    "UINT16": "uint16",
    "UINT32": "uint32",
    "UINT64": "uint64",
    "FP16": "float16",
    "FP32": "float32",
    "FP64": "float64",
    "BYTES": "object",
}
"""The Open Inference Protocol's tensor data types and the NumPy dtypes they are read as."""


@dataclass(frozen=True)
class Inputs:
    """One request's rows: ``columns`` (JSON values), ``frame`` or ``array``, exactly one of them set."""

    rows: int
    columns: dict[str, list[Any]] | None = None
    frame: pd.DataFrame | None = None
    array: np.ndarray | None = None

    def split(self, size: int) -> list[Inputs]:
        """This request cut into pieces of at most ``size`` rows (a request over the batch cap)."""
        if self.rows <= size:
            return [self]
        pieces = []
        for start in range(0, self.rows, size):
            stop = min(start + size, self.rows)
            if self.columns is not None:
                cut = {name: values[start:stop] for name, values in self.columns.items()}
                pieces.append(Inputs(stop - start, columns=cut))
            elif self.frame is not None:
                pieces.append(Inputs(stop - start, frame=self.frame.iloc[start:stop]))
            else:
                assert self.array is not None
                pieces.append(Inputs(stop - start, array=self.array[start:stop]))
        return pieces


def combine(batch: Sequence[Inputs]) -> pd.DataFrame | np.ndarray:
    """One model input holding every row of ``batch``, in order."""
    if batch[0].array is not None:
        arrays = [item.array for item in batch if item.array is not None]
        joined: np.ndarray = arrays[0] if len(arrays) == 1 else np.concatenate(arrays)
        return joined
    if all(item.columns is not None for item in batch):
        names = list(batch[0].columns or {})
        merged: dict[str, list[Any]] = {name: [] for name in names}
        for item in batch:
            assert item.columns is not None
            for name in names:
                merged[name].extend(item.columns[name])
        columns: pd.DataFrame = pd.DataFrame(merged)
        return columns
    frames = [item.frame if item.frame is not None else pd.DataFrame(item.columns) for item in batch]
    table: pd.DataFrame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    return table


def split_outputs(outputs: Any, counts: Sequence[int]) -> list[Any]:
    """Predictions for a combined batch cut back into one piece per request."""
    if isinstance(outputs, (pd.DataFrame, pd.Series)):
        outputs = outputs.to_numpy()
    outputs = np.asarray(outputs)
    if outputs.ndim == 0 or len(outputs) != sum(counts):
        raise SignatureMismatch(
            f"the model returned {outputs.shape} for {sum(counts)} rows; a served model must give one "
            "prediction per row"
        )
    pieces, start = [], 0
    for count in counts:
        pieces.append(outputs[start : start + count])
        start += count
    return pieces


def content_type(header: str | None) -> str:
    return (header or "").split(";", 1)[0].strip().lower()


def parse_json(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise InvalidInput(f"the request body is not valid JSON: {error}") from None


def read_request(body: bytes, media: str, signature: Signature) -> Inputs:
    """The rows of a tether or MLflow scoring request in any accepted media type."""
    if media in CSV_TYPES:
        return _from_frame(_read_csv(body), signature)
    if media in ARROW_TYPES:
        return _from_frame(_read_arrow(body), signature)
    if media not in JSON_TYPES:
        raise InvalidInput(f"unsupported content type {media!r}; send one of {ACCEPTED}")
    return read_json(parse_json(body), signature)


def read_json(document: Any, signature: Signature) -> Inputs:
    """``instances`` (records or rows), ``inputs`` (columns or records), ``dataframe_split`` or
    ``dataframe_records``: exactly one of them."""
    if not isinstance(document, dict):
        raise InvalidInput(
            "the request body must be a JSON object with 'instances', 'inputs' or 'dataframe_split'"
        )
    given = [
        key for key in ("instances", "inputs", "dataframe_split", "dataframe_records") if key in document
    ]
    if len(given) != 1:
        raise InvalidInput(
            "the request body needs exactly one of 'instances', 'inputs', 'dataframe_split' or "
            f"'dataframe_records', got {given or sorted(document)}"
        )
    key = given[0]
    value = document[key]
    spec = signature.inputs
    if isinstance(spec, TensorSpec):
        if key.startswith("dataframe"):
            raise InvalidInput(f"this model takes a tensor; send 'instances' or 'inputs', not {key!r}")
        if isinstance(value, dict):
            if len(value) != 1:
                raise InvalidInput(f"this model takes one tensor; {key!r} names {len(value)}")
            value = next(iter(value.values()))
        return _tensor(value, spec, key)
    if key == "dataframe_split":
        return _from_split(value, spec)
    if isinstance(value, dict) and key == "inputs":
        return _from_columns(value, spec)
    return _from_records(value, spec, key)


def read_oip(document: Any, signature: Signature) -> Inputs:
    """An Open Inference Protocol v2 ``infer`` request: one named tensor per column for a table model,
    one tensor for a tensor model."""
    if (
        not isinstance(document, dict)
        or not isinstance(document.get("inputs"), list)
        or not document["inputs"]
    ):
        raise InvalidInput(
            "an inference request needs 'inputs': a list of tensors (name, shape, datatype, data)"
        )
    tensors = [_oip_tensor(item, index) for index, item in enumerate(document["inputs"])]
    spec = signature.inputs
    if isinstance(spec, TensorSpec):
        if len(tensors) != 1:
            raise InvalidInput(f"this model takes one input tensor, got {len(tensors)}")
        return _tensor(tensors[0][1], spec, "inputs")
    columns: dict[str, list[Any]] = {}
    for name, tensor in tensors:
        column = tensor[:, 0] if tensor.ndim == 2 and tensor.shape[1] == 1 else tensor
        if column.ndim != 1:
            raise InvalidInput(
                f"input {name!r} must have shape [rows] or [rows, 1] for a table model, "
                f"got {list(tensor.shape)}"
            )
        columns[name] = column.tolist()
    return _from_columns(columns, spec)


def oip_output(name: str, outputs: np.ndarray) -> dict[str, Any]:
    """One output tensor of an inference response (data flattened, row-major)."""
    array = np.asarray(outputs)
    kind = next((oip for oip, dtype in OIP_TYPES.items() if dtype == str(array.dtype)), "BYTES")
    data = array.reshape(-1).tolist() if kind != "BYTES" else [str(v) for v in array.reshape(-1)]
    return {"name": name, "datatype": kind, "shape": list(array.shape), "data": data}


def oip_datatype(dtype: str) -> str:
    """The Open Inference Protocol name of a signature dtype (text and categories travel as BYTES)."""
    return next((oip for oip, numpy in OIP_TYPES.items() if numpy == dtype.lower()), "BYTES")


def dumps(document: Any) -> bytes:
    return orjson.dumps(document, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)


def predictions_json(outputs: Any) -> Any:
    """Predictions as JSON values: a list per row (or a value per row for one output)."""
    if isinstance(outputs, np.ndarray) and outputs.dtype != object and outputs.dtype.kind in "biuf":
        return outputs if outputs.flags.c_contiguous else np.ascontiguousarray(outputs)
    return np.asarray(outputs).tolist()


def _oip_tensor(item: Any, index: int) -> tuple[str, np.ndarray]:
    if not isinstance(item, dict):
        raise InvalidInput(f"inputs[{index}] must be an object with name, shape, datatype and data")
    missing = [key for key in ("name", "shape", "datatype", "data") if key not in item]
    if missing:
        raise InvalidInput(f"inputs[{index}] is missing {', '.join(missing)}")
    name, shape, kind, data = item["name"], item["shape"], item["datatype"], item["data"]
    if kind not in OIP_TYPES:
        raise InvalidInput(f"inputs[{index}] ({name!r}) has datatype {kind!r}; known: {', '.join(OIP_TYPES)}")
    if not isinstance(shape, list) or not all(isinstance(size, int) and size >= 0 for size in shape):
        raise InvalidInput(
            f"inputs[{index}] ({name!r}) needs a shape of non-negative integers, got {shape!r}"
        )
    try:
        array = np.asarray(data, dtype=OIP_TYPES[kind])
        return str(name), array.reshape(shape)
    except (TypeError, ValueError, OverflowError) as error:
        raise InvalidInput(
            f"inputs[{index}] ({name!r}) does not hold {kind} data of shape {shape}: {error}"
        ) from None


def _tensor(value: Any, spec: TensorSpec, key: str) -> Inputs:
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise InvalidInput(f"{key!r} is not a rectangular array: {error}") from None
    if array.dtype == object:
        raise InvalidInput(f"{key!r} is not a rectangular array of numbers")
    if array.ndim == len(spec.shape) - 1:  # one instance without its batch axis
        array = array[np.newaxis]
    if array.ndim != len(spec.shape):
        raise SignatureMismatch(
            f"{key!r} must have {len(spec.shape)} axes (rows first), got shape {list(array.shape)}"
        )
    return Inputs(len(array), array=array)


def _names(spec: TableSpec) -> list[str]:
    return [column.name for column in spec.columns]


def _from_records(records: Any, spec: TableSpec, key: str) -> Inputs:
    if not isinstance(records, list) or not records:
        raise InvalidInput(f"{key!r} must be a non-empty list of rows")
    names = _names(spec)
    if all(isinstance(row, dict) for row in records):
        for index, row in enumerate(records):
            missing = [name for name in names if name not in row]
            if missing:
                raise SignatureMismatch(
                    f"{key}[{index}] is missing column(s) {', '.join(map(repr, missing))}"
                )
        return Inputs(len(records), columns={name: [row[name] for row in records] for name in names})
    if all(isinstance(row, list) for row in records):
        for index, row in enumerate(records):
            if len(row) != len(names):
                raise SignatureMismatch(
                    f"{key}[{index}] has {len(row)} values; this model takes {len(names)} "
                    f"({', '.join(names)})"
                )
        return Inputs(
            len(records), columns={name: [row[i] for row in records] for i, name in enumerate(names)}
        )
    raise InvalidInput(f"{key!r} must hold rows that are all objects (column: value) or all lists")


def _from_columns(columns: Mapping[str, Any], spec: TableSpec) -> Inputs:
    names = _names(spec)
    missing = [name for name in names if name not in columns]
    if missing:
        raise SignatureMismatch(f"the input is missing column(s) {', '.join(map(repr, missing))}")
    picked = {name: columns[name] if isinstance(columns[name], list) else [columns[name]] for name in names}
    lengths = {name: len(values) for name, values in picked.items()}
    if len(set(lengths.values())) != 1:
        raise InvalidInput(f"the columns have different lengths: {lengths}")
    rows = next(iter(lengths.values()))
    if rows == 0:
        raise InvalidInput("the input has no rows")
    return Inputs(rows, columns=picked)


def _from_split(split: Any, spec: TableSpec) -> Inputs:
    if (
        not isinstance(split, dict)
        or not isinstance(split.get("columns"), list)
        or not isinstance(split.get("data"), list)
    ):
        raise InvalidInput("'dataframe_split' needs 'columns' (a list of names) and 'data' (a list of rows)")
    header = split["columns"]
    for index, row in enumerate(split["data"]):
        if not isinstance(row, list) or len(row) != len(header):
            raise InvalidInput(f"dataframe_split row {index} must be a list of {len(header)} values")
    return _from_columns({name: [row[i] for row in split["data"]] for i, name in enumerate(header)}, spec)


def _from_frame(frame: pd.DataFrame, signature: Signature) -> Inputs:
    if frame.empty:
        raise InvalidInput("the input has no rows")
    spec = signature.inputs
    if isinstance(spec, TensorSpec):
        return Inputs(len(frame), array=frame.to_numpy())
    missing = [name for name in _names(spec) if name not in frame.columns]
    if missing:
        raise SignatureMismatch(f"the input is missing column(s) {', '.join(map(repr, missing))}")
    return Inputs(len(frame), frame=frame)


def _read_csv(body: bytes) -> pd.DataFrame:
    try:
        frame: pd.DataFrame = pd.read_csv(io.BytesIO(body))
        return frame
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise InvalidInput(f"the CSV body cannot be read: {' '.join(str(error).split())}") from None


def _read_arrow(body: bytes) -> pd.DataFrame:
    import pyarrow as pa

    try:
        try:
            table = pa.ipc.open_stream(body).read_all()
        except pa.ArrowInvalid:
            table = pa.ipc.open_file(body).read_all()
        frame: pd.DataFrame = table.to_pandas()
        return frame
    except pa.ArrowException as error:
        raise InvalidInput(f"the body is not an Arrow IPC stream or file: {error}") from None
