"""Records of a delimited file (CSV, TSV), split from a stream a chunk at a time.

Each record keeps only the bytes of its first fields, however long the rest of it is, so a row of 100,000
columns or a cell of 200 MiB costs no more memory than the bound. Quoted fields (with doubled quotes, and
newlines inside) are honoured; a record ends at a newline outside quotes; empty lines are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

CHUNK = 64 * 1024
_QUOTE = b'"'


@dataclass(frozen=True)
class Record:
    """The first ``columns`` fields of one record, as raw bytes (quotes and all)."""

    head: bytes
    fields: int
    """How many fields the whole record has."""
    complete: bool
    """False when the first fields run past the bytes a record may keep: ``head`` is then cut short."""


class Records:
    """The records of ``stream``, reading at most ``read_bytes`` of it; ``eof`` and ``exhausted`` say
    afterwards whether the file ended, or the read bound stopped the reading."""

    def __init__(self, stream: IO[bytes], delimiter: str, columns: int, keep: int, read_bytes: int) -> None:
        self.stream = stream
        self.scanner = _Scanner(delimiter.encode(), columns, keep)
        self.read_bytes = read_bytes
        self.read = 0
        self.eof = False
        self.exhausted = False

    def __iter__(self) -> Iterator[Record]:
        data, pos = b"", 0
        scanner = self.scanner
        while True:
            if pos >= len(data):
                if self.read >= self.read_bytes:
                    self.exhausted = True
                    return
                data, pos = self.stream.read(min(CHUNK, self.read_bytes - self.read)), 0
                self.read += len(data)
                if not data:
                    self.eof = True
                    if scanner.length:
                        yield scanner.finish()
                    return
            end = scanner.feed(data, pos)
            if end is None:
                pos = len(data)
                continue
            pos = end
            if scanner.length:
                yield scanner.finish()
            else:
                scanner.finish()


class _Scanner:
    """The state of one record being read: in quotes or not, fields seen, the bytes kept."""

    def __init__(self, delimiter: bytes, columns: int, keep: int) -> None:
        self.delimiter = delimiter
        self.columns = columns
        self.keep = keep
        self._reset()

    def _reset(self) -> None:
        self.in_quotes = False
        self.fields = 1
        self.kept = bytearray()
        self.narrow_end: int | None = None
        self.length = 0

    def finish(self) -> Record:
        """The record read so far (empty when nothing was); the scanner starts on the next one."""
        narrow = self.narrow_end if self.narrow_end is not None else self.length
        record = Record(bytes(self.kept[:narrow]), self.fields if self.length else 0, narrow <= self.keep)
        self._reset()
        return record

    def feed(self, data: bytes, pos: int) -> int | None:
        """Scan ``data`` from ``pos``: the index just past the record's newline, or None if it goes on."""
        while pos < len(data):
            if self.in_quotes:
                close = data.find(_QUOTE, pos)
                stop = len(data) if close < 0 else close + 1
                self._take(data, pos, stop)
                if close < 0:
                    return None
                self.in_quotes, pos = False, stop
                continue
            quote = data.find(_QUOTE, pos)
            stop = len(data) if quote < 0 else quote
            line = _newline(data, pos, stop)
            self._count(data, pos, stop if line < 0 else line)
            if line >= 0:
                self._take(data, pos, line)
                return line + 1
            self._take(data, pos, stop)
            if quote < 0:
                return None
            self._take(data, quote, quote + 1)
            self.in_quotes, pos = True, quote + 1
        return None

    def _count(self, data: bytes, start: int, end: int) -> None:
        """Count the delimiters in ``data[start:end]`` and note where the last field kept ends."""
        found = data.count(self.delimiter, start, end)
        if self.narrow_end is None and self.fields + found > self.columns:
            at = start
            for _ in range(self.columns - self.fields + 1):
                at = data.find(self.delimiter, at, end) + 1
            self.narrow_end = self.length + (at - 1 - start)
        self.fields += found

    def _take(self, data: bytes, start: int, end: int) -> None:
        room = self.keep + 1 - len(self.kept)
        if room > 0:
            self.kept += data[start : min(end, start + room)]
        self.length += end - start


def _newline(data: bytes, start: int, end: int) -> int:
    """The first CR or LF in ``data[start:end]``, or -1."""
    found = [at for at in (data.find(b"\n", start, end), data.find(b"\r", start, end)) if at >= 0]
    return min(found) if found else -1
