"""A worker that does not hold a model passes its requests to one that does, over a Unix socket.

Used when serving.yaml gives a model fewer ``workers`` than the server runs (see ``placement.py``). Each
worker listens on the shared TCP port, where the kernel may hand it a request for any model, and on its
slot's socket, where only other workers call. A request for a model held elsewhere is sent, whole, to
the model's workers in turn; the one that answers does everything a direct request gets (authentication,
validation, batching, the prediction log) and its answer goes back unchanged. Every answer names the
slot that made it in ``x-tether-worker``. ``GET /v1/models`` lists every model, asking the holders of
those that are not here. Health, readiness and ``/metrics`` speak for the worker that answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.requests import Request

from tether.errors import TetherError, WorkerUnavailable
from tether.serving.app import error_response, read_body, request_id_of
from tether.serving.config import ServingConfig
from tether.serving.placement import Slot, claim_slot, placement, socket_path

log = logging.getLogger("tether.serving")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

FORWARD_TIMEOUT_S = 300.0
"""How long a forwarded request may take; the holder's own queue limits usually answer far sooner."""
HOP_HEADERS = {b"host", b"content-length", b"transfer-encoding", b"connection", b"keep-alive"}


def split_app(config: ServingConfig, folder: Path, build: Callable[[ServingConfig], App]) -> App:
    """This worker's app: a slot claimed in ``folder``, its models built by ``build``, the rest forwarded."""
    slot = claim_slot(folder, config.workers)
    placed = placement(config)
    local = [model for model in config.models if slot.index in placed[model.served_as]]
    app = build(config.model_copy(update={"models": local}))
    log.info("worker slot %d serves %s", slot.index, ", ".join(m.served_as for m in local) or "no model")
    only = config.models[0].served_as if len(config.models) == 1 else None
    return ForwardingApp(app, Peers(folder, placed, slot, config.max_request_bytes), invocations_model=only)


class Peers:
    """The other workers, by slot, and which of them hold each model this one does not."""

    def __init__(self, folder: Path, placed: dict[str, tuple[int, ...]], slot: Slot, max_bytes: int) -> None:
        self.folder = folder
        self.slot = slot
        self.order = list(placed)
        self.remote = {name: slots for name, slots in placed.items() if slot.index not in slots}
        self.max_bytes = max_bytes
        self._turns = {name: itertools.cycle(range(len(slots))) for name, slots in self.remote.items()}
        self._clients: dict[int, httpx.AsyncClient] = {}

    def _client(self, index: int) -> httpx.AsyncClient:
        client = self._clients.get(index)
        if client is None:
            transport = httpx.AsyncHTTPTransport(uds=str(socket_path(self.folder, index)))
            timeout = httpx.Timeout(FORWARD_TIMEOUT_S, connect=5.0)
            client = self._clients[index] = httpx.AsyncClient(
                transport=transport, base_url="http://worker", timeout=timeout
            )
        return client

    def _holders(self, name: str) -> Iterator[int]:
        """The model's slots, starting at the next in turn, so the load spreads over them."""
        slots = self.remote[name]
        first = next(self._turns[name])
        return iter(slots[first:] + slots[:first])

    async def send(
        self, name: str, method: str, target: str, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> httpx.Response:
        """The answer of the first holder of ``name`` that takes the request."""
        sent = [(k, v) for k, v in headers if k.lower() not in HOP_HEADERS]
        for index in self._holders(name):
            try:
                return await self._client(index).request(method, target, headers=sent, content=body)
            except httpx.ConnectError:
                continue  # that worker is not listening (restarting): the next holder may be
            except httpx.TimeoutException:
                raise WorkerUnavailable(
                    f"the worker holding model {name!r} did not answer in {FORWARD_TIMEOUT_S:g} s",
                    retry_after_s=1,
                ) from None
            except httpx.TransportError:
                raise WorkerUnavailable(
                    f"the worker holding model {name!r} went away while answering; send the request again",
                    retry_after_s=1,
                ) from None
        raise WorkerUnavailable(
            f"no worker holding model {name!r} is up right now (one may be restarting); try again shortly",
            retry_after_s=1,
        )

    async def close(self) -> None:
        await asyncio.gather(*(client.aclose() for client in self._clients.values()))
        self._clients.clear()


class ForwardingApp:
    """The worker's ASGI app: its own models answered here, the others' forwarded to their holders."""

    def __init__(self, app: App, peers: Peers, invocations_model: str | None = None) -> None:
        self.app = app
        self.peers = peers
        self.invocations_model = invocations_model
        self._label = str(peers.slot.index).encode()
        self._listener: _PeerListener | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, self._on_shutdown(receive), self._on_startup(send))
            return
        if scope["type"] == "http":
            path = scope["path"]
            if path == "/v1/models" and scope["method"] == "GET" and self.peers.remote:
                await self._listing(scope, receive, send)
                return
            name = self._model_in(path)
            if name is not None and name in self.peers.remote:
                await self._forward(name, scope, receive, send)
                return
        await self.labelled(scope, receive, send)

    async def labelled(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The local app, its answers marked with this worker's slot."""

        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-tether-worker", self._label)]
            await send(message)

        await self.app(scope, receive, marked)

    def _model_in(self, path: str) -> str | None:
        for prefix in ("/v1/models/", "/v2/models/"):
            if path.startswith(prefix):
                return path[len(prefix) :].split("/", 1)[0]
        return self.invocations_model if path == "/invocations" else None

    async def _forward(self, name: str, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            body = await read_body(request, self.peers.max_bytes)
            target = scope["path"] + (f"?{scope['query_string'].decode()}" if scope["query_string"] else "")
            answer = await self.peers.send(name, scope["method"], target, scope["headers"], body)
        except TetherError as error:
            await error_response(error, request_id_of(request))(scope, receive, send)
            return
        headers = [(k, v) for k, v in answer.headers.raw if k.lower() not in HOP_HEADERS]
        headers.append((b"content-length", str(len(answer.content)).encode()))
        await send({"type": "http.response.start", "status": answer.status_code, "headers": headers})
        await send({"type": "http.response.body", "body": answer.content})

    async def _listing(self, scope: Scope, receive: Receive, send: Send) -> None:
        """``GET /v1/models`` over every worker: this one's models, and the others' asked of their holders."""
        status, headers, body = await _captured(self.labelled, scope, receive)
        if status != 200:
            await _replay(send, status, headers, body)
            return
        found = {model["name"]: model for model in json.loads(body)["models"]}
        for name in self.peers.remote:
            with contextlib.suppress(TetherError):
                answer = await self.peers.send(name, "GET", f"/v1/models/{name}", scope["headers"], b"")
                if answer.status_code == 200:
                    found[name] = answer.json()
        listed = json.dumps({"models": [found[n] for n in self.peers.order if n in found]}).encode()
        kept = [(k, v) for k, v in headers if k.lower() != b"content-length"]
        await _replay(send, 200, [*kept, (b"content-length", str(len(listed)).encode())], listed)

    def _on_startup(self, send: Send) -> Send:
        """Start taking forwarded requests once the models are loaded (the local app's startup is done)."""

        async def sending(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                self._listener = _PeerListener(
                    self.labelled, socket_path(self.peers.folder, self.peers.slot.index)
                )
                await self._listener.start()
            await send(message)

        return sending

    def _on_shutdown(self, receive: Receive) -> Receive:
        """Stop taking forwarded requests (letting those taken finish) before the models are unloaded."""

        async def receiving() -> Message:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                if self._listener is not None:
                    await self._listener.stop()
                await self.peers.close()
            return message

        return receiving


class _QuietServer(uvicorn.Server):
    """A uvicorn server that leaves signals to the worker's main server, which it runs beside."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class _PeerListener:
    """This worker's Unix socket, served by a second uvicorn server in the same event loop."""

    def __init__(self, app: App, path: Path) -> None:
        config = uvicorn.Config(
            app, uds=str(path), interface="asgi3", lifespan="off", log_level="warning", access_log=False
        )
        self._server = _QuietServer(config)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()  # the failure to listen, raised here
                raise TetherError("the worker's socket for forwarded requests stopped at once")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self._task is not None:
            self._server.should_exit = True
            await self._task


async def _captured(app: App, scope: Scope, receive: Receive) -> tuple[int, list[Any], bytes]:
    """What ``app`` answers, held instead of sent (its answers here are small JSON documents)."""
    start: Message = {}
    parts: list[bytes] = []

    async def hold(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            parts.append(message.get("body", b""))

    await app(scope, receive, hold)
    return start["status"], list(start.get("headers", [])), b"".join(parts)


async def _replay(send: Send, status: int, headers: list[Any], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
