"""Uploads stream from the socket into the blob store: no copy in TMPDIR, nothing left by a client that
goes away mid-body.

The server runs with TMPDIR pointed at an empty folder of its own. While a large upload is half sent,
the artifact is already growing under its temporary name in the store, the server holds no file in
TMPDIR (not even an unlinked one, as a spooled temporary file would be), and a client that closes the
connection then leaves no file and no listing entry behind.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from tests.security.conftest import API, Experiment
from tests.server.conftest import SecuredServer, serve_secured

MiB = 1024 * 1024
BLOCK = bytes(range(256)) * 4096
"""One MiB of data to send, block after block."""


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("server-tmpdir")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def secured(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, scratch: Path
) -> Iterator[SecuredServer]:
    yield from serve_secured(request, tmp_path_factory, env={"TMPDIR": str(scratch)})


def wait_for(condition: Callable[[], bool], what: str, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


class Upload:
    """A PUT sent by hand on a raw socket, so that the test decides when the body stops."""

    def __init__(self, server: SecuredServer, run: str, name: str, size: int) -> None:
        parts = urlsplit(server.url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=60)
        head = (
            f"PUT {API}/runs/{run}/artifacts/{name} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"Authorization: Bearer {server.tokens['editor']}\r\nContent-Length: {size}\r\n"
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        self.sock.sendall(head.encode())

    def send(self, mib: int) -> None:
        for _ in range(mib):
            self.sock.sendall(BLOCK)

    def answer(self) -> bytes:
        data = b""
        while b"\r\n\r\n" not in data or not data.endswith(b"}"):
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            data += chunk
        return data

    def close(self) -> None:
        self.sock.close()


def temporary_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(".tether-tmp-")] if folder.exists() else []


def open_files_under(pid: int, folder: Path) -> list[str]:
    """What the process holds open below ``folder``, deleted files included."""
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(folder)):
            found.append(target)
    return found


def server_pid(experiment: Experiment) -> int:
    process = experiment.server.server.process
    assert process is not None
    return process.pid


def test_a_large_upload_never_touches_tmpdir(experiment: Experiment, scratch: Path) -> None:
    run = experiment.new_run()
    folder = experiment.artifacts_dir(run)
    upload = Upload(experiment.server, run, "big.bin", 96 * MiB)
    try:
        upload.send(48)
        wait_for(
            lambda: any(p.stat().st_size >= 24 * MiB for p in temporary_files(folder)), "the store to fill"
        )
        assert list(scratch.iterdir()) == []
        assert open_files_under(server_pid(experiment), scratch) == []
        upload.send(48)
        answer = upload.answer()
    finally:
        upload.close()
    assert answer.startswith(b"HTTP/1.1 201"), answer[:200]
    assert [p.name for p in folder.iterdir()] == ["big.bin"]
    assert (folder / "big.bin").stat().st_size == 96 * MiB
    assert list(scratch.iterdir()) == []


def test_a_client_that_disconnects_mid_body_leaves_nothing(experiment: Experiment) -> None:
    run = experiment.new_run()
    folder = experiment.artifacts_dir(run)
    upload = Upload(experiment.server, run, "cut.bin", 64 * MiB)
    try:
        upload.send(8)
        wait_for(
            lambda: any(p.stat().st_size > 0 for p in temporary_files(folder)),
            "the upload to reach the store",
        )
    finally:
        upload.close()
    wait_for(lambda: not temporary_files(folder), "the temporary file to be removed")
    assert list(folder.iterdir()) == []
    with experiment.server.client("reader") as reader:
        assert reader.get(f"{API}/runs/{run}/artifacts").json() == []
        assert reader.get(f"{API}/runs/{run}/artifacts/cut.bin").status_code == 404


def test_the_run_is_checked_before_any_byte_is_read(experiment: Experiment) -> None:
    run = experiment.new_run()
    with experiment.server.client("owner") as owner:
        assert owner.delete(f"{API}/runs/{run}").status_code == 204
    upload = Upload(experiment.server, run, "late.bin", 64 * MiB)
    try:
        answer = upload.answer()  # answered before the client has sent a byte of the body
    finally:
        upload.close()
    assert answer.split(b" ", 2)[1].startswith(b"4"), answer[:200]
    assert not experiment.artifacts_dir(run).exists()
