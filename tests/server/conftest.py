"""A real tether server in a subprocess on a free loopback port, once per test module and database.

``secured`` is the same with ``--auth``: its users and their API tokens are made on the store before the
server starts, as an operator makes the first admin.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from tests.support import ServerProcess, pg_schema_url

from tether.auth.schemas import Role
from tether.client.local import LocalBackend

PASSWORD = "a-long-enough-password"
USERS: dict[str, Role] = {
    "admin": "admin",
    "owner": "user",
    "stranger": "user",
    "reader": "user",
    "editor": "user",
    "manager": "user",
}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    home = tmp_path_factory.mktemp("server-home")
    if request.param == "sqlite":
        db_url = f"sqlite:///{home / 'tether.db'}"
    else:
        db_url = pg_schema_url(request.getfixturevalue("pg_database"))
    process = ServerProcess(home, db_url)
    process.start()
    yield process
    process.stop()


@pytest.fixture
def api(server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


@dataclass
class SecuredServer:
    """A server with ``--auth`` and one API token per user of USERS."""

    server: ServerProcess
    tokens: dict[str, str]

    @property
    def url(self) -> str:
        return self.server.url

    def client(self, who: str | None = None) -> httpx.Client:
        """An HTTP client signed in as ``who`` with their token, or anonymous."""
        headers = {"authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return httpx.Client(base_url=self.server.url, headers=headers, timeout=30)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def secured(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SecuredServer]:
    yield from serve_secured(request, tmp_path_factory)


def serve_secured(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    env: dict[str, str] | None = None,
) -> Iterator[SecuredServer]:
    """A secured server on the database ``request.param`` names, with ``env`` added to its environment."""
    home = tmp_path_factory.mktemp("secured-server-home")
    if request.param == "sqlite":
        db_url = f"sqlite:///{home / 'tether.db'}"
    else:
        db_url = pg_schema_url(request.getfixturevalue("pg_database"))
    process = ServerProcess(home, db_url, auth=True, env=env)
    backend = LocalBackend(process.store)
    try:
        for name, role in USERS.items():
            backend.auth.create_user(name, PASSWORD, role)
        tokens = {name: backend.auth.create_token("tests", username=name).token for name in USERS}
    finally:
        backend.close()
    process.start()
    yield SecuredServer(process, tokens)
    process.stop()
