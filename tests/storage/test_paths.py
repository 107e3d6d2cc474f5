from __future__ import annotations

import posixpath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tether.errors import UnsafePath
from tether.storage.paths import MAX_KEY_BYTES, MAX_SEGMENT_BYTES, TEMP_PREFIX, join_key, safe_key


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("model.pkl", "model.pkl"),
        ("a/b/c.txt", "a/b/c.txt"),
        ("./a//b/./c", "a/b/c"),
        ("a/b/", "a/b"),
        ("dir with spaces/ünïcode.txt", "dir with spaces/ünïcode.txt"),
        ("..hidden/file..txt", "..hidden/file..txt"),
    ],
)
def test_safe_key_normalises(path: str, expected: str) -> None:
    assert safe_key(path) == expected


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("..", "'..'"),
        ("../etc/passwd", "'..'"),
        ("a/../../b", "'..'"),
        ("a/..", "'..'"),
        ("/etc/passwd", "absolute"),
        ("~/secrets", "absolute"),
        ("C:/Windows", "drive"),
        ("a\\..\\b", "backslash"),
        ("..\\evil", "backslash"),
        ("%2e%2e/etc/passwd", "percent"),
        ("%2E%2E%2Fetc", "percent"),
        ("a/%252e%252e/b", "percent"),
        ("a%00b", "percent"),
        ("a\x00b", "control"),
        ("a\nb", "control"),
        ("a?x=1", "'?'"),
        ("a#frag", "'?'"),
        ("", "empty"),
        ("./", "empty"),
        ("x" * (MAX_KEY_BYTES + 1), "longer"),
        ("a/" + "y" * 300, "over 255"),
        ("é" * 128, "over 255 bytes"),
        ("模" * 86, "over 255 bytes"),
        ("模" * 342, "longer than 1024 bytes"),
        (TEMP_PREFIX + "0123456789abcdef", "kept for files being written"),
        (f"a/{TEMP_PREFIX}x/b.txt", "kept for files being written"),
    ],
)
def test_safe_key_refuses(path: str, reason: str) -> None:
    with pytest.raises(UnsafePath) as info:
        safe_key(path)
    assert reason in str(info.value)


def test_names_are_limited_in_bytes_not_characters() -> None:
    assert safe_key("n" * MAX_SEGMENT_BYTES) == "n" * MAX_SEGMENT_BYTES
    assert safe_key("模" * 85) == "模" * 85
    assert safe_key("é" * 127 + "x") == "é" * 127 + "x"
    assert safe_key(f"x{TEMP_PREFIX}y") == f"x{TEMP_PREFIX}y"


def test_root_is_allowed_only_when_asked() -> None:
    assert safe_key("", allow_root=True) == ""
    assert safe_key("./", allow_root=True) == ""


def test_non_string_is_refused() -> None:
    with pytest.raises(UnsafePath):
        safe_key(b"bytes")  # type: ignore[arg-type]


def test_join_key_skips_the_root() -> None:
    assert join_key("runs/x/artifacts", "") == "runs/x/artifacts"
    assert join_key("", "a") == "a"


@given(st.text(max_size=80))
def test_any_accepted_key_stays_inside_its_root(path: str) -> None:
    try:
        key = safe_key(path)
    except UnsafePath:
        return
    joined = posixpath.normpath(posixpath.join("/root", key))
    assert joined.startswith("/root/")
    assert ".." not in key.split("/")
    assert "\\" not in key and "\x00" not in key and not key.startswith("/")
    assert safe_key(key) == key  # canonical form is a fixed point


@given(st.lists(st.sampled_from(["a", "b", ".", "..", "", "%2e", "x y"]), max_size=6))
def test_segments_with_dotdot_are_always_refused(segments: list[str]) -> None:
    path = "/".join(segments)
    if ".." in segments or "%2e" in segments:
        with pytest.raises(UnsafePath):
            safe_key(path)
