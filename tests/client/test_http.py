"""The HTTP transport alone, over a stand-in network: what it retries, what it raises, what URL it sends."""

from __future__ import annotations

import httpx
import pytest

from tether.client.http import ConnectionLost, HttpTransport, Unreachable
from tether.errors import NotFound


class Network:
    """An httpx transport that fails the first ``failures`` requests with ``error``, then answers 204."""

    def __init__(self, error: type[httpx.TransportError], failures: int = 10**9) -> None:
        self.error = error
        self.failures = failures
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if len(self.seen) <= self.failures:
            raise self.error("simulated", request=request)
        return httpx.Response(204)


def transport(network: Network, patience_s: float = 0.3) -> HttpTransport:
    return HttpTransport("http://tether.test", patience_s=patience_s, transport=httpx.MockTransport(network))


def test_a_request_that_never_left_is_retried_until_it_gets_through() -> None:
    network = Network(httpx.ConnectError, failures=2)
    assert transport(network, patience_s=30).request("POST", "/api/v1/x", body="{}").status_code == 204
    assert len(network.seen) == 3


def test_a_server_that_stays_away_is_unreachable_after_the_patience() -> None:
    network = Network(httpx.ConnectError)
    with pytest.raises(Unreachable, match=r"cannot reach the tether server at http://tether\.test"):
        transport(network).request("GET", "/api/v1/x")
    assert len(network.seen) > 1


def test_a_write_cut_off_after_it_was_sent_is_not_repeated() -> None:
    network = Network(httpx.RemoteProtocolError)
    with pytest.raises(ConnectionLost, match="may or may not have carried out"):
        transport(network).request("POST", "/api/v1/runs/r/batch", body="{}")
    assert len(network.seen) == 1


def test_a_read_cut_off_is_repeated() -> None:
    network = Network(httpx.ReadError, failures=1)
    assert transport(network, patience_s=30).request("GET", "/api/v1/x").status_code == 204
    assert len(network.seen) == 2


@pytest.mark.parametrize(
    ("path", "sent"),
    [
        ("/api/v1/runs/r/artifacts/../secrets", "/api/v1/runs/r/artifacts/%2E%2E/secrets"),
        ("/api/v1/runs/r/artifacts/./a/../b", "/api/v1/runs/r/artifacts/%2E/a/%2E%2E/b"),
        ("/api/v1/runs/r/artifacts/a..b/.c", "/api/v1/runs/r/artifacts/a..b/.c"),
    ],
)
def test_dot_segments_reach_the_server_as_written(path: str, sent: str) -> None:
    network = Network(httpx.ConnectError, failures=0)
    transport(network).request("GET", path)
    assert network.seen[0].url.raw_path.decode() == sent


def test_an_error_answer_becomes_the_servers_error_class() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"error": {"code": "NOT_FOUND", "message": "no run with id 'r'"}})

    http = HttpTransport("http://tether.test", transport=httpx.MockTransport(answer))
    with pytest.raises(NotFound, match="no run with id 'r'"):
        http.request("GET", "/api/v1/runs/r")
