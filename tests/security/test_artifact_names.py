"""Artifact names and download headers that made the server answer 5xx or echo a name unescaped.

Every answer here must be the JSON error body with a 4xx, or a success whose headers a browser reads as
one file name: the exact one.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

import httpx
import pytest
from tests.security.conftest import API, Experiment, error_code


@pytest.fixture(scope="module")
def run(experiment: Experiment) -> str:
    return experiment.new_run()


def upload(experiment: Experiment, run: str, path: str, data: bytes = b"data") -> httpx.Response:
    with experiment.server.client("editor") as editor:
        return editor.put(f"{API}/runs/{run}/artifacts/{quote(path)}", content=data)


def download(experiment: Experiment, run: str, path: str, **headers: str) -> httpx.Response:
    with experiment.server.client("reader") as reader:
        return reader.get(f"{API}/runs/{run}/artifacts/{quote(path)}", headers=headers)


def listed(experiment: Experiment, run: str) -> list[str]:
    with experiment.server.client("reader") as reader:
        return [
            e["path"] for e in reader.get(f"{API}/runs/{run}/artifacts", params={"recursive": True}).json()
        ]


def exact_name(response: httpx.Response) -> str:
    """The file name a browser takes from Content-Disposition (filename* wins, as RFC 6266 says)."""
    header = response.headers["content-disposition"]
    if "filename*=UTF-8''" in header:
        return unquote(header.split("filename*=UTF-8''", 1)[1])
    return header.split('filename="', 1)[1].rsplit('"', 1)[0]


@pytest.mark.parametrize("digits", [20, 5000])
def test_a_range_with_thousands_of_digits_is_416(experiment: Experiment, run: str, digits: int) -> None:
    assert upload(experiment, run, "range.txt", b"0123456789").status_code == 201
    for header in (f"bytes={'9' * digits}-", f"bytes=-{'1' * digits}", f"bytes=0-{'7' * digits}"):
        answer = download(experiment, run, "range.txt", range=header)
        assert answer.status_code == 416 and error_code(answer) == "RANGE_NOT_SATISFIABLE"
        assert answer.headers["content-range"] == "bytes */10"


def test_a_name_outside_latin_1_downloads_under_its_own_name(experiment: Experiment, run: str) -> None:
    assert upload(experiment, run, "模型.txt", "权重".encode()).status_code == 201
    for answer in (
        download(experiment, run, "模型.txt"),
        download(experiment, run, "模型.txt", range="bytes=0-2"),
    ):
        assert answer.status_code in (200, 206)
        assert exact_name(answer) == "模型.txt"
        assert 'filename="__.txt"' in answer.headers["content-disposition"]


def test_a_name_cannot_inject_a_second_file_name(experiment: Experiment, run: str) -> None:
    name = 'a"; filename="evil.exe'
    assert upload(experiment, run, name).status_code == 201
    answer = download(experiment, run, name)
    assert answer.status_code == 200
    header = answer.headers["content-disposition"]
    assert header.count('"') == 2 and 'filename="evil.exe"' not in header
    assert exact_name(answer) == name


@pytest.mark.parametrize("length", [215, 240, 255])
def test_names_up_to_255_bytes_are_stored_listed_and_read(
    experiment: Experiment, run: str, length: int
) -> None:
    name = f"long/{'n' * length}"
    assert upload(experiment, run, name, b"long name").status_code == 201
    assert name in listed(experiment, run)
    assert download(experiment, run, name).content == b"long name"


def test_a_name_over_255_bytes_is_refused_however_few_its_characters(
    experiment: Experiment, run: str
) -> None:
    answer = upload(experiment, run, "模" * 86)
    assert error_code(answer) == "UNSAFE_PATH" and "255 bytes" in answer.json()["error"]["message"]


def test_a_file_where_a_folder_is_needed_is_409(experiment: Experiment, run: str) -> None:
    assert upload(experiment, run, "clash/a", b"file").status_code == 201
    below = upload(experiment, run, "clash/a/b.txt")
    assert below.status_code == 409 and error_code(below) == "CONFLICT"
    assert upload(experiment, run, "clash/d/b.txt").status_code == 201
    over = upload(experiment, run, "clash/d")
    assert over.status_code == 409 and error_code(over) == "CONFLICT"
    assert download(experiment, run, "clash/a").content == b"file"
    assert [p for p in listed(experiment, run) if p.startswith("clash/")] == ["clash/a", "clash/d/b.txt"]


def test_the_reserved_temporary_prefix_is_refused_up_front(experiment: Experiment, run: str) -> None:
    for name in (".tether-tmp-0123456789abcdef", "dir/.tether-tmp-x"):
        answer = upload(experiment, run, name)
        assert error_code(answer) == "UNSAFE_PATH" and "kept for files being written" in answer.text
    assert not any(".tether-tmp-" in p for p in listed(experiment, run))


def test_a_name_that_once_looked_temporary_is_listed(experiment: Experiment, run: str) -> None:
    name = "report.partial-" + "0" * 32
    assert upload(experiment, run, name).status_code == 201
    assert name in listed(experiment, run)
