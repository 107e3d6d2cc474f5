"""Table previews read straight from a stream, against files built to be expensive to read.

Most tests shrink the bounds (PreviewLimits) so that small files cross them; tests/security/ sends the
full-size attacks through a server.
"""

from __future__ import annotations

import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tether.errors import InvalidInput
from tether.tracking.previews import LIMITS, PreviewLimits, preview_table
from tether.tracking.previews.pages import read_page
from tether.tracking.previews.records import Records
from tether.tracking.schemas import TablePreview

MiB = 1024 * 1024


def parquet_bytes(table: pa.Table, **options: object) -> io.BytesIO:
    out = io.BytesIO()
    pq.write_table(table, out, store_schema=False, **options)  # type: ignore[arg-type]
    out.seek(0)
    return out


def repeated(value: str, times: int) -> pa.DictionaryArray:
    """``times`` copies of one value, built without holding the copies (as the writer stores them)."""
    return pa.DictionaryArray.from_arrays(pa.array([0] * times, pa.int32()), pa.array([value]))


def preview(data: bytes | io.BytesIO, name: str, rows: int = 100, **limits: int) -> TablePreview:
    stream = data if isinstance(data, io.BytesIO) else io.BytesIO(data)
    return preview_table(stream, name, rows, PreviewLimits(**limits) if limits else LIMITS)


def response_bytes(found: TablePreview) -> int:
    return len(json.dumps(found.rows, ensure_ascii=False, separators=(",", ":")).encode())


# --- Parquet -------------------------------------------------------------------------------------------


def test_a_dictionary_of_one_long_value_is_not_expanded() -> None:
    bomb = parquet_bytes(pa.table({"s": repeated("x" * MiB, 1000)}), compression="zstd")
    assert len(bomb.getvalue()) < 1024
    found = preview(bomb, "bomb.parquet", rows=1000)
    assert len(found.rows) == 1000 and found.total_rows == 1000
    assert all(row[0] == "x" * LIMITS.max_cell_chars + "…" for row in found.rows)
    assert found.truncated_by == ["cells"] and found.cut_cells == 1000
    assert response_bytes(found) < LIMITS.max_bytes


def test_a_column_too_large_to_decode_is_left_out_and_named() -> None:
    table = pa.table({"id": [1, 2], "blob": ["y" * (2 * MiB), "z"], "tail": ["a", "b"]})
    found = preview(parquet_bytes(table, compression="zstd"), "t.parquet", parquet_column_bytes=MiB)
    assert found.columns == ["id", "tail"] and found.omitted_columns == ["blob"]
    assert found.rows == [[1, "a"], [2, "b"]]
    assert found.truncated_by == ["column_size"] and found.truncated


def test_a_page_that_expands_past_the_bound_is_never_decoded() -> None:
    table = pa.table({"s": ["q" * (64 * 1024)] * 200})
    data = parquet_bytes(table, compression="zstd", use_dictionary=False, data_page_size=64 * MiB)
    assert len(data.getvalue()) < 64 * 1024
    found = preview(data, "plain.parquet", parquet_column_bytes=MiB)
    assert found.omitted_columns == ["s"] and found.rows == []


def test_rows_are_fewer_when_their_pages_pass_the_column_bound() -> None:
    table = pa.table({"text": [f"{i:06d}" + "w" * 20_000 for i in range(400)]})
    data = parquet_bytes(table, use_dictionary=False, data_page_size=64 * 1024, write_batch_size=4)
    found = preview(data, "pages.parquet", rows=400, parquet_column_bytes=MiB)
    assert 10 < len(found.rows) < 100
    assert found.rows[0][0].startswith("000000") and found.rows[-1][0].startswith(
        f"{len(found.rows) - 1:06d}"
    )
    assert found.truncated_by == ["rows", "cells", "bytes"]


def test_a_list_with_a_million_values_per_row_is_bounded() -> None:
    values = pa.array([7] * 1_000_000, pa.int64())
    lists = pa.ListArray.from_arrays(pa.array([0, 500_000, 1_000_000], pa.int32()), values)
    table = pa.table({"n": [1, 2], "many": lists})
    found = preview(parquet_bytes(table, compression="zstd"), "lists.parquet", parquet_column_bytes=MiB)
    assert found.columns == ["n"] and found.omitted_columns == ["many"]


def test_nested_values_are_written_out_within_the_cell_bound() -> None:
    table = pa.table(
        {
            "tags": [["a", "b"], None, ["c" * 50] * 100],
            "point": [{"x": 1, "y": "p"}, {"x": 2, "y": None}, None],
            "attrs": pa.array([[("k", 1)], [], None], pa.map_(pa.string(), pa.int64())),
        }
    )
    found = preview(parquet_bytes(table), "nested.parquet", max_cell_chars=80)
    first, second, third = found.rows
    assert first == ['["a", "b"]', '{"x": 1, "y": "p"}', '{"k": 1}']
    assert second == [None, '{"x": 2, "y": null}', "{}"]
    assert third[0] is not None and len(third[0]) == 81 and third[0].endswith("…")
    assert third[1:] == [None, None]
    assert found.truncated_by == ["cells"] and found.cut_cells == 1


def test_only_the_first_columns_are_shown() -> None:
    table = pa.table({f"c{i}": [i] for i in range(150)})
    found = preview(parquet_bytes(table), "wide.parquet")
    assert found.columns == [f"c{i}" for i in range(100)] and found.total_columns == 150
    assert found.rows == [list(range(100))]
    assert found.truncated_by == ["columns"]


def test_the_response_stays_under_its_byte_bound() -> None:
    table = pa.table({"a": ["v" * 900] * 1000, "b": list(range(1000))})
    found = preview(parquet_bytes(table), "many.parquet", rows=1000, max_bytes=100_000)
    assert 50 < len(found.rows) < 200 and response_bytes(found) <= 100_000
    assert found.truncated_by == ["rows", "bytes"] and found.total_rows == 1000


def test_an_oversized_footer_is_refused_before_it_is_decoded() -> None:
    with pytest.raises(InvalidInput, match=r"metadata .* over the 64 bytes"):
        preview(parquet_bytes(pa.table({"a": [1]})), "f.parquet", parquet_footer_bytes=64)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PAR1", "only 4 bytes"),
        (b"PAR1" + b"\0" * 20, "does not end in a Parquet footer"),
        (b"PAR1" + b"\xff" * 8 + (4).to_bytes(4, "little") + b"PAR1", "not a readable parquet"),
    ],
)
def test_broken_parquet_is_invalid_input(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        preview(data, "broken.parquet")


def test_page_headers_are_read_for_both_page_versions() -> None:
    table = pa.table({"v": list(range(10_000))})
    for version, rows in (("1.0", None), ("2.0", 10_000)):
        data = parquet_bytes(table, data_page_version=version, use_dictionary=False)
        chunk = pq.read_metadata(data).row_group(0).column(0)
        page = read_page(data, chunk.data_page_offset)
        assert page.values == 10_000 and page.rows == rows
        assert (
            page.uncompressed >= 80_000 and page.end <= chunk.data_page_offset + chunk.total_compressed_size
        )


def test_an_empty_parquet_file_previews_its_columns() -> None:
    found = preview(parquet_bytes(pa.table({"a": pa.array([], pa.int64())})), "empty.parquet")
    assert (found.columns, found.rows, found.total_rows, found.truncated) == (["a"], [], 0, False)


# --- CSV and TSV -----------------------------------------------------------------------------------------


def test_a_csv_with_many_columns_converts_only_the_first() -> None:
    width = 5000
    data = (",".join(f"c{i}" for i in range(width)) + "\n" + ",".join("1" * width) + "\n") * 1
    found = preview(data.encode(), "wide.csv")
    assert len(found.columns) == 100 and found.total_columns == width
    assert found.rows == [[1] * 100] and found.total_rows == 1
    assert found.truncated_by == ["columns"]


def test_csv_cells_and_names_are_cut() -> None:
    data = f"id,{'n' * 50}\n1,{'x' * 500}\n2,short\n".encode()
    found = preview(data, "long.csv", max_cell_chars=40)
    assert found.columns == ["id", "n" * 40 + "…"]
    assert found.rows == [[1, "x" * 40 + "…"], [2, "short"]]
    assert found.cut_cells == 1 and found.truncated_by == ["cells"]


def test_a_csv_row_longer_than_the_row_bound_ends_the_preview_before_it() -> None:
    data = b"a,b\n1,x\n2," + b"y" * (200 * 1024) + b"\n3,z\n"
    found = preview(data, "big.csv", csv_row_bytes=64 * 1024)
    assert found.rows == [[1, "x"]] and found.total_rows is None
    assert found.truncated_by == ["bytes"]


def test_a_csv_header_longer_than_the_row_bound_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"header row .* longer than"):
        preview(b"a" * 5000 + b",b\n1,2\n", "h.csv", csv_row_bytes=1000)


def test_a_csv_is_read_only_up_to_the_read_bound() -> None:
    data = b"a\n" + b"1\n" * 100_000
    stream = io.BytesIO(data)
    found = preview_table(stream, "long.csv", 1000, PreviewLimits(csv_read_bytes=1000))
    assert stream.tell() <= 1000 and 0 < len(found.rows) < 500
    assert found.truncated_by == ["bytes"] and found.total_rows is None


def test_csv_rows_stop_at_the_response_bound() -> None:
    data = b"a,b\n" + b"".join(b"%d,%s\n" % (i, b"t" * 500) for i in range(1000))
    found = preview(data, "rows.csv", rows=1000, max_bytes=20_000)
    assert 10 < len(found.rows) < 60 and response_bytes(found) <= 20_000
    assert found.truncated_by == ["rows", "bytes"] and found.total_rows == 1000


def test_csv_quoting_newlines_crlf_and_a_byte_order_mark() -> None:
    data = b'\xef\xbb\xbf"a,1","b""q"\r\n"x\r\ny",2\r\n\r\n"",3\r\n'
    found = preview(data, "quoted.csv")
    assert found.columns == ["a,1", 'b"q']
    assert found.rows == [["x\r\ny", 2], ["", 3]] and found.total_rows == 2 and not found.truncated


def test_tsv_and_the_rows_bound() -> None:
    data = b"k\tv\n" + b"".join(b"%d\t%d\n" % (i, i * i) for i in range(50))
    found = preview(data, "t.tsv", rows=10)
    assert found.rows[3] == [3, 9] and len(found.rows) == 10
    assert found.truncated_by == ["rows"] and found.total_rows is None
    whole = preview(data, "t.tsv", rows=50)
    assert whole.total_rows == 50 and not whole.truncated


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "is empty"), (b"\n\n", "is empty"), (b"a,b,c\n1,2\n", "not a readable csv")],
)
def test_unreadable_csv_is_invalid_input(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        preview(data, "bad.csv")


def test_a_header_only_csv_has_no_rows() -> None:
    found = preview(b"a,b\n", "head.csv")
    assert (found.columns, found.rows, found.total_rows, found.truncated) == (["a", "b"], [], 0, False)


def test_records_keep_only_their_first_fields() -> None:
    data = b'1,"a,b",3,4\n"x\ny",2\nlast,row'
    records = list(Records(io.BytesIO(data), ",", columns=2, keep=100, read_bytes=1000))
    assert [(r.head, r.fields, r.complete) for r in records] == [
        (b'1,"a,b"', 4, True),
        (b'"x\ny",2', 2, True),
        (b"last,row", 2, True),
    ]
    cut = list(Records(io.BytesIO(b"a" * 50 + b",b\n"), ",", columns=2, keep=10, read_bytes=1000))
    assert cut[0].fields == 2 and not cut[0].complete and len(cut[0].head) <= 11


def test_records_are_split_the_same_across_chunk_boundaries() -> None:
    row = b'"q,""' + b"z" * 70_000 + b'""",tail\r\n'
    records = list(Records(io.BytesIO(row * 3), ",", columns=1, keep=200_000, read_bytes=10 * MiB))
    assert len(records) == 3 and all(r.fields == 2 and r.head == row[: row.index(b",tail")] for r in records)


def test_max_rows_is_checked() -> None:
    for rows in (0, LIMITS.max_rows + 1):
        with pytest.raises(InvalidInput, match="max_rows"):
            preview(b"a\n1\n", "a.csv", rows=rows)
