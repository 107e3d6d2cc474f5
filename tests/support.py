"""Helpers shared by test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

import tether as tt
from tether.client import Backend, connect
from tether.config import Settings


def pg_schema_url(database_url: str) -> str:
    """A new schema in the session database; the URL makes it the connection's search path."""
    schema = f"s_{uuid.uuid4().hex[:12]}"
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return f"{database_url}?options=-csearch_path%3D{schema}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def s3_options(endpoint: str) -> dict[str, object]:
    return {
        "key": "testing",
        "secret": "testing",
        "client_kwargs": {"endpoint_url": endpoint, "region_name": "eu-west-1"},
    }


def unique(prefix: str) -> str:
    """A name no other test uses, for objects on a server that the whole session shares."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


SERVE = (
    "import sys; from tether.config import Settings; from tether.server.run import serve; "
    "serve(Settings.from_env(), port=int(sys.argv[1]), log_level='warning', auth=sys.argv[2] == 'auth')"
)


class ServerProcess:
    """A server subprocess that can be stopped, killed and started again on the same store and port."""

    def __init__(
        self, home: Path, db_url: str, *, auth: bool = False, env: dict[str, str] | None = None
    ) -> None:
        self.home = home
        self.db_url = db_url
        self.auth = auth
        self.extra_env = env or {}
        """Set in the server's environment on top of this process's (TMPDIR, say)."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def store(self) -> Settings:
        """The server's own store, for opening it directly beside the server."""
        return Settings(home=self.home, db_url=self.db_url, blob_url=str(self.home / "blobs"))

    def start(self) -> None:
        env = {**os.environ, "TETHER_HOME": str(self.home), "TETHER_DB_URL": self.db_url, **self.extra_env}
        env.pop("TETHER_URI", None)
        env.pop("TETHER_BLOB_URL", None)
        env.pop("TETHER_TOKEN", None)
        mode = "auth" if self.auth else "open"
        self.process = subprocess.Popen([sys.executable, "-c", SERVE, str(self.port), mode], env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the server did not become healthy in 60 s")

    def stop(self) -> None:
        """Shut down gracefully (SIGTERM): requests in flight are answered first."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        """SIGKILL: no chance to finish anything, as when a machine loses power or the OOM killer strikes."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()


TARGETS = ["local-sqlite", "local-postgres", "remote-sqlite", "remote-postgres"]
SQLITE_TARGETS = ["local-sqlite", "remote-sqlite"]
"""For tests about the SDK or CLI rather than the database: one database, both ways of reaching it."""


@dataclass(frozen=True)
class Target:
    """Where the SDK or CLI under test sends its calls: an embedded store of the test's own, or a server
    that the whole test session shares (so tests on it use unique names and never expect an empty store).
    """

    name: str
    settings: Settings
    """What a client uses; ``settings.uri`` is set for a server."""
    server: ServerProcess | None = None

    @property
    def remote(self) -> bool:
        return self.server is not None

    def env(self) -> dict[str, str]:
        """The environment variables that point ``tether`` (SDK or CLI) at this target."""
        if self.settings.uri is not None:
            return {"TETHER_URI": self.settings.uri, "TETHER_HOME": str(self.settings.home)}
        return {
            "TETHER_HOME": str(self.settings.home),
            "TETHER_DB_URL": self.settings.db_url,
            "TETHER_BLOB_URL": self.settings.blob_url,
        }

    def configure(self) -> None:
        """Point the fluent API here."""
        if self.settings.uri is not None:
            tt.configure(uri=self.settings.uri)
        else:
            tt.configure(db_url=self.settings.db_url, blob_url=self.settings.blob_url)

    def connect(self) -> Backend:
        return connect(self.settings)

    def client(self) -> tt.Client:
        return tt.Client(backend=self.connect())
