"""Signatures: inference from examples, and the checks and safe conversions applied at predict time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tether.errors import SignatureMismatch
from tether.models.signatures import (
    ColumnSpec,
    Signature,
    TableSpec,
    TensorSpec,
    conform,
    infer_signature,
    infer_spec,
)


def columns(spec: TableSpec | TensorSpec) -> dict[str, str]:
    assert isinstance(spec, TableSpec)
    return {c.name: c.dtype for c in spec.columns}


def test_a_frame_gives_its_columns_and_dtypes_including_nullable_ones() -> None:
    frame = pd.DataFrame(
        {
            "age": pd.array([31, None, 40], dtype="Int64"),
            "churned": pd.array([True, None, False], dtype="boolean"),
            "spend": [1.5, 2.0, 3.25],
            "plan": ["basic", "pro", None],
            "visits": np.array([1, 2, 3], dtype=np.int32),
        }
    )
    assert columns(infer_spec(frame)) == {
        "age": "Int64",
        "churned": "boolean",
        "spend": "float64",
        "plan": "str",
        "visits": "int32",
    }


def test_records_and_column_dicts_are_tables() -> None:
    assert columns(infer_spec([{"a": 1, "b": "x"}, {"a": 2, "b": "y"}])) == {"a": "int64", "b": "str"}
    assert columns(infer_spec({"a": [1.0, 2.0], "b": [True, False]})) == {"a": "float64", "b": "bool"}


def test_an_array_is_a_tensor_with_a_free_batch_axis() -> None:
    spec = infer_spec(np.zeros((5, 3, 2), dtype=np.float32))
    assert spec == TensorSpec(dtype="float32", shape=[None, 3, 2])


def test_outputs_are_inferred_beside_inputs() -> None:
    signature = infer_signature(np.ones((4, 2)), np.array([0, 1, 1, 0]))
    assert signature.outputs == TensorSpec(dtype="int64", shape=[None])


def test_a_column_of_mixed_values_has_no_signature() -> None:
    with pytest.raises(SignatureMismatch, match=r"'mixed'.*one type per column"):
        infer_spec(pd.DataFrame({"mixed": [1, "two", 3.0]}))


@pytest.mark.parametrize("example", [np.array(["a", object()], dtype=object), 3.5, "text"])
def test_an_example_that_is_neither_table_nor_numbers_is_refused(example: object) -> None:
    with pytest.raises(SignatureMismatch, match="cannot infer a signature"):
        infer_spec(example)


def test_a_signature_survives_json() -> None:
    signature = infer_signature(pd.DataFrame({"a": [1]}), np.array([0.5]))
    assert Signature.model_validate_json(signature.model_dump_json()) == signature


TABLE = TableSpec(columns=[ColumnSpec(name="a", dtype="int64"), ColumnSpec(name="b", dtype="float64")])


def test_input_forms_all_conform_to_the_same_frame() -> None:
    expected = pd.DataFrame({"a": [1, 2], "b": [0.5, 1.5]})
    forms = [
        expected,
        [{"a": 1, "b": 0.5}, {"a": 2, "b": 1.5}],
        {"a": [1, 2], "b": [0.5, 1.5]},
        pd.DataFrame({"b": [0.5, 1.5], "a": [1, 2], "extra": ["x", "y"]}),
    ]
    for form in forms:
        pd.testing.assert_frame_equal(conform(form, TABLE), expected)


def test_an_array_fills_the_columns_in_order() -> None:
    conformed = conform(np.array([[1, 0.5], [2, 1.5]]), TABLE)
    assert isinstance(conformed, pd.DataFrame)
    assert list(conformed.columns) == ["a", "b"] and conformed["a"].dtype == np.int64


def test_an_array_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(SignatureMismatch, match=r"shape \(rows, 2\).*got \(2, 3\)"):
        conform(np.zeros((2, 3)), TABLE)


def test_a_missing_column_is_named_with_its_type() -> None:
    with pytest.raises(SignatureMismatch, match=r"missing column\(s\) 'b' \(float64\)"):
        conform(pd.DataFrame({"a": [1]}), TABLE)


def test_safe_conversions_happen_and_keep_values() -> None:
    conformed = conform(pd.DataFrame({"a": np.array([1, 2], dtype=np.int32), "b": [1, 2]}), TABLE)
    assert conformed["a"].dtype == np.int64 and conformed["b"].dtype == np.float64
    whole = conform(pd.DataFrame({"a": [1.0, 2.0], "b": [0.0, 1.0]}), TABLE)
    assert whole["a"].tolist() == [1, 2]


@pytest.mark.parametrize(
    ("column", "values", "reason"),
    [
        ("a", [1.5, 2.0], "not whole numbers"),
        ("a", [1.0, None], "nullable 'Int64'"),
        ("a", ["1", "2"], "only whole numbers"),
        ("a", [True, False], "only whole numbers"),
        ("b", ["0.5", "1"], "only numbers"),
    ],
)
def test_unsafe_conversions_are_refused_naming_the_column(
    column: str, values: list[object], reason: str
) -> None:
    frame = pd.DataFrame({"a": [1, 2], "b": [0.5, 1.5]})
    frame[column] = values
    with pytest.raises(SignatureMismatch, match=rf"column '{column}' expects .*{reason}"):
        conform(frame, TABLE)


def test_nullable_columns_take_missing_values() -> None:
    spec = TableSpec(columns=[ColumnSpec(name="n", dtype="Int64"), ColumnSpec(name="f", dtype="boolean")])
    conformed = conform(pd.DataFrame({"n": [1.0, None], "f": pd.array([True, None], dtype="boolean")}), spec)
    assert conformed["n"].dtype == "Int64" and conformed["n"].isna().tolist() == [False, True]


def test_a_plain_bool_column_refuses_missing_values() -> None:
    spec = TableSpec(columns=[ColumnSpec(name="f", dtype="bool")])
    with pytest.raises(SignatureMismatch, match=r"column 'f'.*nullable 'boolean'"):
        conform(pd.DataFrame({"f": pd.array([True, None], dtype="boolean")}), spec)


def test_a_text_column_refuses_numbers() -> None:
    spec = TableSpec(columns=[ColumnSpec(name="plan", dtype="str")])
    assert conform([{"plan": "pro"}], spec)["plan"].tolist() == ["pro"]
    with pytest.raises(SignatureMismatch, match=r"column 'plan'.*integer values, not text"):
        conform(pd.DataFrame({"plan": [1, 2]}), spec)


TENSOR = TensorSpec(dtype="float32", shape=[None, 3])


def test_a_tensor_takes_any_batch_and_widens_safely() -> None:
    for rows in (1, 7):
        assert conform(np.zeros((rows, 3), dtype=np.float16), TENSOR).dtype == np.float32
    assert conform([[1.0, 2.0, 3.0]], TENSOR).dtype == np.float32
    assert conform([[1, 2, 3]], TENSOR).tolist() == [[1.0, 2.0, 3.0]]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (np.zeros((2, 4), dtype=np.float32), r"axis 1 .* size 3 \(any, 3\), got 4"),
        (np.zeros(3, dtype=np.float32), r"2 axes \(any, 3\), got \(3,\)"),
        (np.full((2, 3), 0.1), "float64 values do not all fit in float32 unchanged"),
        (np.zeros((2, 3), dtype=bool), "must be float32, got bool"),
        (np.array([["a", "b", "c"]]), "must be float32"),
    ],
)
def test_a_tensor_of_the_wrong_shape_or_type_is_refused(data: np.ndarray, reason: str) -> None:
    with pytest.raises(SignatureMismatch, match=reason):
        conform(data, TENSOR)
