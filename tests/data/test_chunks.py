"""Content hashes and content-defined chunks: object names, chunk bounds, indexes and dedup across edits."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from blake3 import blake3

from tether.data.chunks import (
    INDEX_HEADER,
    MAX_CHUNK,
    MIN_CHUNK,
    SEGMENT,
    Chunk,
    HashedFile,
    decode_index,
    digest,
    encode_index,
    hash_bytes,
    hash_file,
)
from tether.errors import InvalidData

MB = 1024 * 1024


def _check_chunks(hashed: HashedFile, data: bytes | memoryview) -> None:
    """The chunks tile ``data`` in order, each within the FastCDC bounds and named by its bytes."""
    assert hashed.chunked
    assert b"".join(bytes(data[c.offset : c.offset + c.size]) for c in hashed.chunks) == bytes(data)
    offset = 0
    for chunk in hashed.chunks:
        assert chunk.offset == offset
        assert chunk.digest == digest(data[chunk.offset : chunk.offset + chunk.size])
        offset += chunk.size
    assert offset == len(data) == hashed.size
    for chunk in hashed.chunks[:-1]:
        assert MIN_CHUNK <= chunk.size <= MAX_CHUNK
    assert 0 < hashed.chunks[-1].size <= MAX_CHUNK
    assert hashed.index == encode_index(hashed.chunks)
    assert hashed.digest == blake3(hashed.index).hexdigest()


def _sizes(hashed: HashedFile) -> dict[str, int]:
    return {chunk.digest: chunk.size for chunk in hashed.chunks}


def _new_bytes(old: HashedFile, new: HashedFile) -> tuple[int, int]:
    """How many chunks of ``new`` (and how many bytes in them) ``old`` does not already hold."""
    fresh = {name: size for name, size in _sizes(new).items() if name not in _sizes(old)}
    return len(fresh), sum(fresh.values())


def test_a_small_file_is_one_object_named_by_blake3(tmp_path: Path) -> None:
    data = os.urandom(1000)
    path = tmp_path / "small.bin"
    path.write_bytes(data)
    hashed = hash_file(path)
    assert hashed == HashedFile(blake3(data).hexdigest(), 1000)
    assert not hashed.chunked
    assert hashed.index == b""


def test_a_file_of_exactly_one_max_chunk_is_still_one_object() -> None:
    data = os.urandom(MAX_CHUNK)
    assert hash_bytes(data) == HashedFile(blake3(data).hexdigest(), MAX_CHUNK)
    assert hash_bytes(data + b"x").chunked


def test_an_empty_file_hashes_to_blake3_of_nothing(tmp_path: Path) -> None:
    path = tmp_path / "empty"
    path.write_bytes(b"")
    assert hash_file(path) == HashedFile(blake3(b"").hexdigest(), 0)
    assert hash_bytes(b"").digest == blake3(b"").hexdigest()


def test_a_large_file_is_cut_into_bounded_chunks_that_make_up_the_file(tmp_path: Path) -> None:
    data = os.urandom(3 * MB + 17)
    path = tmp_path / "large.bin"
    path.write_bytes(data)
    hashed = hash_file(path)
    _check_chunks(hashed, data)
    assert len(hashed.chunks) > 3 * MB // MAX_CHUNK - 1
    assert hash_bytes(data) == hashed
    assert hash_bytes(memoryview(data)) == hashed


def test_one_byte_over_max_chunk_is_chunked_with_a_small_tail() -> None:
    data = os.urandom(MAX_CHUNK + 1)
    _check_chunks(hash_bytes(data), data)


def test_the_index_round_trips() -> None:
    chunks = (Chunk("a" * 64, 0, 10), Chunk("0123456789abcdef" * 4, 10, MAX_CHUNK))
    index = encode_index(chunks)
    assert index.startswith(INDEX_HEADER)
    assert decode_index(index) == [("a" * 64, 10), ("0123456789abcdef" * 4, MAX_CHUNK)]
    assert decode_index(encode_index([])) == []


def test_a_real_files_index_round_trips() -> None:
    hashed = hash_bytes(os.urandom(MB))
    assert decode_index(hashed.index) == [(c.digest, c.size) for c in hashed.chunks]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"garbage",
        b"tether-chunks 2\n" + b"a" * 64 + b" 10\n",
        INDEX_HEADER + b"abc 10\n",
        INDEX_HEADER + b"a" * 64 + b"\n",
        INDEX_HEADER + b"a" * 64 + b" \n",
        INDEX_HEADER + b"a" * 64 + b" -1\n",
        INDEX_HEADER + b"a" * 64 + b" 12x\n",
        INDEX_HEADER + b"a" * 65 + b" 10\n",
        INDEX_HEADER + b"a" * 64 + " ².".encode(),
    ],
    ids=[
        "empty",
        "garbage",
        "other-version",
        "short-name",
        "no-size",
        "empty-size",
        "negative",
        "not-a-number",
        "long-name",
        "unicode-digit",
    ],
)
def test_decode_index_refuses_what_is_not_an_index(data: bytes) -> None:
    with pytest.raises(InvalidData):
        decode_index(data)


@pytest.mark.parametrize("name", [b"z" * 64, "é".encode() * 32], ids=["letters", "non-ascii"])
def test_decode_index_refuses_a_name_that_is_not_hex(name: bytes) -> None:
    with pytest.raises(InvalidData):
        decode_index(INDEX_HEADER + name + b" 10\n")


def test_overwriting_one_megabyte_in_the_middle_changes_only_the_chunks_around_it() -> None:
    """FastCDC cuts by content, so an edit is contained: the rest of a 200 MB file is stored already."""
    rng = np.random.default_rng(20240611)
    data = rng.integers(0, 256, size=200 * MB, dtype=np.uint8)
    old = hash_bytes(memoryview(data))
    middle = 100 * MB + 12345
    data[middle : middle + MB] = rng.integers(0, 256, size=MB, dtype=np.uint8)
    new = hash_bytes(memoryview(data))
    assert new.digest != old.digest
    assert new.size == old.size
    count, size = _new_bytes(old, new)
    assert MB <= size < MB + 4 * MAX_CHUNK
    assert count < MB // MIN_CHUNK
    unchanged = [c for c in new.chunks if c.offset + c.size <= middle - 2 * MAX_CHUNK]
    assert unchanged and all(c.digest in _sizes(old) for c in unchanged)


def test_inserting_ten_bytes_near_the_start_changes_only_a_few_chunks() -> None:
    data = np.random.default_rng(7).bytes(20 * MB)
    old = hash_bytes(data)
    new = hash_bytes(data[:5000] + b"0123456789" + data[5000:])
    assert new.size == old.size + 10
    count, size = _new_bytes(old, new)
    assert 1 <= count <= 3
    assert size < 3 * MAX_CHUNK


@pytest.mark.parametrize(
    "kind",
    ["random", "zeros", "repeating", "mixed"],
)
def test_cutting_on_threads_finds_exactly_the_cuts_of_one_pass(kind: str) -> None:
    """Segments cut apart and stitched must name a file as one pass from the start does, however the
    work is split: zeros are cut only by the size limit, a repeating block cuts at the same few places."""
    rng = np.random.default_rng(11)
    data = {
        "random": rng.bytes(6 * MB),
        "zeros": bytes(6 * MB),
        "repeating": rng.bytes(300_007) * 20,
        "mixed": rng.bytes(MB) + bytes(2 * MB) + rng.bytes(MB) + b"ab" * MB,
    }[kind]
    one_pass = hash_bytes(data)
    _check_chunks(one_pass, data)
    with ThreadPoolExecutor(3) as pool:
        for segment in (MAX_CHUNK, 3 * MAX_CHUNK + 7, 1_000_003, MB):
            assert hash_bytes(data, pool=pool, segment=segment) == one_pass, segment


def test_a_file_of_many_segments_hashes_the_same_with_and_without_a_pool(tmp_path: Path) -> None:
    path = tmp_path / "large.bin"
    path.write_bytes(np.random.default_rng(5).bytes(SEGMENT * 2 + 12345))
    with ThreadPoolExecutor(2) as pool:
        assert hash_file(path, pool=pool) == hash_file(path)
