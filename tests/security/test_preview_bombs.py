"""Decompression bombs and oversized tables previewed through ``GET /runs/{id}/artifact-preview``.

The files are the probe's: 473 bytes of zstd Parquet holding 1,000 cells of 1 MiB, a small Parquet file
with one huge cell, and a 40 MB CSV with 100,000 columns. Each answer must be small and say what it left
out, and the server's peak memory (VmHWM, for this module's server alone) must stay far below what
decoding them would take.
"""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.security.conftest import API, Experiment, error_code

MiB = 1024 * 1024
PEAK_BOUND = 600 * MiB
"""The server starts near 150 MiB; decoding any one of these files whole takes gigabytes."""


def parquet(table: pa.Table) -> bytes:
    out = io.BytesIO()
    pq.write_table(table, out, compression="zstd", store_schema=False)
    return out.getvalue()


def repeated(value: str, times: int) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array([0] * times, pa.int32()), pa.array([value]))


def wide_csv(columns: int, size: int) -> bytes:
    header = ",".join(f"c{i}" for i in range(columns)).encode() + b"\n"
    row = ",".join(str(i % 10) for i in range(columns)).encode() + b"\n"
    return header + row * ((size - len(header)) // len(row))


def peak_rss(experiment: Experiment) -> int:
    process = experiment.server.server.process
    assert process is not None
    status = Path(f"/proc/{process.pid}/status").read_text()
    (line,) = [line for line in status.splitlines() if line.startswith("VmHWM:")]
    return int(line.split()[1]) * 1024


@pytest.fixture(scope="module")
def run_with_bombs(experiment: Experiment) -> str:
    run = experiment.new_run()
    files = {
        "bomb.parquet": parquet(pa.table({"s": repeated("x" * MiB, 1000)})),
        "one-cell.parquet": parquet(pa.table({"id": [1], "s": ["y" * (64 * MiB)]})),
        "wide.csv": wide_csv(100_000, 40 * 1000 * 1000),
    }
    assert len(files["bomb.parquet"]) < 600 and len(files["one-cell.parquet"]) < 16 * 1024
    with experiment.server.client("editor") as editor:
        for name, data in files.items():
            assert editor.put(f"{API}/runs/{run}/artifacts/{name}", content=data).status_code == 201
    return run


def preview(experiment: Experiment, run: str, path: str, rows: int = 1000) -> dict[str, object]:
    with experiment.server.client("reader") as reader:
        answer = reader.get(f"{API}/runs/{run}/artifact-preview", params={"path": path, "max_rows": rows})
    assert answer.status_code == 200, answer.text[:300]
    assert len(answer.content) < 3 * MiB
    found: dict[str, object] = answer.json()
    return found


def test_a_parquet_dictionary_bomb_answers_in_a_few_megabytes(
    experiment: Experiment, run_with_bombs: str
) -> None:
    found = preview(experiment, run_with_bombs, "bomb.parquet")
    assert found["truncated"] is True and "cells" in found["truncated_by"]  # type: ignore[operator]
    assert found["cut_cells"] == 1000 and found["total_rows"] == 1000
    assert peak_rss(experiment) < PEAK_BOUND


def test_a_parquet_cell_of_64_mib_is_left_out_and_named(experiment: Experiment, run_with_bombs: str) -> None:
    found = preview(experiment, run_with_bombs, "one-cell.parquet")
    assert found["columns"] == ["id"] and found["omitted_columns"] == ["s"]
    assert found["rows"] == [[1]] and "column_size" in found["truncated_by"]  # type: ignore[operator]
    assert peak_rss(experiment) < PEAK_BOUND


def test_a_csv_of_100000_columns_converts_only_the_first(experiment: Experiment, run_with_bombs: str) -> None:
    found = preview(experiment, run_with_bombs, "wide.csv")
    assert found["total_columns"] == 100_000 and len(found["columns"]) == 100  # type: ignore[arg-type]
    assert "columns" in found["truncated_by"]  # type: ignore[operator]
    assert peak_rss(experiment) < PEAK_BOUND


def test_a_preview_of_what_is_not_a_table_is_a_clear_4xx(experiment: Experiment, run_with_bombs: str) -> None:
    with experiment.server.client("reader") as reader:
        answer = reader.get(f"{API}/runs/{run_with_bombs}/artifact-preview", params={"path": "bomb.txt"})
        assert error_code(answer) == "INVALID_INPUT"
