"""Header values built from user data (Content-Disposition) and parsed from client input (Range)."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from tether.server.headers import RangeError, byte_range, content_disposition

HOSTILE = [
    'a"; filename="evil.exe',
    "模型.txt",
    'quote"back\\slash.txt',
    "semi;colon, comma.txt",
    "percent%41.txt",
    "tab\tand\nnewline.txt",
    "apostrophe's *star*.txt",
    "emoji 😀.png",
    "é" * 127 + ".x",
    "",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_name_stays_one_quoted_parameter(name: str) -> None:
    header = content_disposition(name)
    header.encode("latin-1")  # what an HTTP server can send at all
    assert re.fullmatch(
        r'attachment; filename="[\x20-\x7e]*"(; filename\*=UTF-8\'\'[A-Za-z0-9!#$&+\-.^_`|~%]+)?', header
    )
    fallback = re.search(r'filename="([^"]*)"', header)
    assert fallback is not None and '"' not in fallback.group(1) and "\\" not in fallback.group(1)
    exact = unquote(header.split("filename*=UTF-8''", 1)[1]) if "filename*" in header else fallback.group(1)
    assert exact == (name or "download")


def test_a_plain_name_is_sent_as_it_is() -> None:
    assert content_disposition("model.pkl") == 'attachment; filename="model.pkl"'
    assert content_disposition("a b-c_d.txt") == 'attachment; filename="a b-c_d.txt"'


def test_a_name_outside_latin_1_gets_an_ascii_stand_in_and_the_exact_name() -> None:
    assert content_disposition("模型.txt") == (
        "attachment; filename=\"__.txt\"; filename*=UTF-8''%E6%A8%A1%E5%9E%8B.txt"
    )
    assert content_disposition('a"; filename="evil.exe') == (
        "attachment; filename=\"a_; filename=_evil.exe\"; filename*=UTF-8''a%22%3B%20filename%3D%22evil.exe"
    )


@pytest.mark.parametrize(
    ("header", "size", "span"),
    [
        (None, 10, None),
        ("", 10, None),
        ("bytes=0-3", 10, (0, 4)),
        ("bytes=4-", 10, (4, 10)),
        ("bytes=-3", 10, (7, 10)),
        ("bytes=-30", 10, (0, 10)),
        ("bytes=5-500", 10, (5, 10)),
        (" bytes=1-1 ", 10, (1, 2)),
        ("bytes=0-9999999999999999999", 10, (0, 10)),
    ],
)
def test_ranges(header: str | None, size: int, span: tuple[int, int] | None) -> None:
    assert byte_range(header, size) == span


@pytest.mark.parametrize(
    "header",
    [
        "bytes=" + "9" * 5000 + "-",
        "bytes=-" + "1" * 5000,
        "bytes=1-" + "2" * 20,
        "bytes=0-1,3-4",
        "bytes=-",
        "bytes=x-1",
        "items=0-1",
        "bytes=5-3",
        "bytes=10-",
        "bytes=０-1",
    ],
)
def test_unsatisfiable_or_malformed_ranges_are_range_errors(header: str) -> None:
    with pytest.raises(RangeError):
        byte_range(header, 10)
