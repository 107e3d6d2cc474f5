"""Path-traversal shapes that broke other tracking servers, sent byte for byte, one by one.

Requests go out on a raw socket so that no client library normalises the path first. Every shape must be
answered 4xx (never 5xx), and the store must be unchanged afterwards.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import httpx
import pytest
from tests.server.conftest import ServerProcess

API = "/api/v1"

CORPUS = [
    "../escape.txt",
    "../../../../etc/passwd",
    "a/../../b.txt",
    "%2e%2e/escape.txt",
    "%2E%2e/escape.txt",
    "%2e%2e%2fescape.txt",
    "..%2fescape.txt",
    "..%2Fescape.txt",
    "%252e%252e/escape.txt",
    "%252e%252e%252fescape.txt",
    "..%5cescape.txt",
    "%5c..%5cescape.txt",
    "..\\escape.txt",
    "a\\..\\..\\b.txt",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "C:/Windows/win.ini",
    "C:%5cWindows",
    "a%3f/../../b.txt",
    "a%23/../../b.txt",
    "%3f../b.txt",
    "a%00.txt",
    "..%00/escape.txt",
    "./../escape.txt",
    "~/escape.txt",
]


def raw_request(url: str, method: str, target: str, body: bytes = b"") -> int:
    """Send one request with ``target`` exactly as given; return the status code."""
    parts = urlsplit(url)
    head = (
        f"{method} {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Length: {len(body)}\r\n"
        "Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(head.encode("latin-1") + body)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1])


@pytest.fixture(scope="module")
def target_run(server: ServerProcess) -> str:
    with httpx.Client(base_url=server.url) as client:
        run = client.post(f"{API}/runs", json={"run_name": "traversal-target"}).json()["run_id"]
        assert client.put(f"{API}/runs/{run}/artifacts/keep.txt", content=b"safe").status_code == 201
    return str(run)


def _unchanged(server: ServerProcess, run: str) -> None:
    with httpx.Client(base_url=server.url) as client:
        listing = client.get(f"{API}/runs/{run}/artifacts").json()
        assert listing == [{"path": "keep.txt", "is_dir": False, "size": 4}]
    assert not (server.home / "escape.txt").exists()
    assert not (server.home / "blobs" / "escape.txt").exists()
    assert not (server.home / "blobs" / "runs" / "escape.txt").exists()


@pytest.mark.parametrize("path", CORPUS)
def test_upload_refused(server: ServerProcess, target_run: str, path: str) -> None:
    status = raw_request(server.url, "PUT", f"{API}/runs/{target_run}/artifacts/{path}", b"evil")
    assert 400 <= status < 500
    _unchanged(server, target_run)


@pytest.mark.parametrize("path", CORPUS)
def test_download_refused(server: ServerProcess, target_run: str, path: str) -> None:
    status = raw_request(server.url, "GET", f"{API}/runs/{target_run}/artifacts/{path}")
    assert 400 <= status < 500


@pytest.mark.parametrize("path", CORPUS)
def test_listing_and_info_refused(server: ServerProcess, target_run: str, path: str) -> None:
    for route in ("artifacts", "artifact-info"):
        status = raw_request(server.url, "GET", f"{API}/runs/{target_run}/{route}?path={path}")
        assert 400 <= status < 500, route
