"""Shared fixtures: stores on SQLite and PostgreSQL, servers in front of them, and S3 (moto) for blobs.

A store fixture gives each test its own empty store: a fresh SQLite file, or a fresh PostgreSQL schema
inside a database created for this test session (dropped at the end). The SDK and CLI tests also run
through a tether server; there is one per database for the whole session (started on first use), so tests
that reach it must use unique names and look only at what they made.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from tests.support import (
    SQLITE_TARGETS,
    TARGETS,
    ServerProcess,
    Target,
    free_port,
    pg_schema_url,
    s3_options,
)

import tether as tt
from tether.client.local import LocalBackend
from tether.config import Settings
from tether.storage.blobs import BlobStore
from tether.storage.db import Database
from tether.tracking.service import TrackingService

PG_ADMIN_URL = os.environ.get("TETHER_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(autouse=True, scope="session")
def _isolated_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Nothing a test does may touch the user's ~/.tether."""
    home = tmp_path_factory.mktemp("tether-home")
    names = (
        "TETHER_HOME",
        "TETHER_DB_URL",
        "TETHER_BLOB_URL",
        "TETHER_URI",
        "TETHER_TOKEN",
        "TETHER_CACHE_DIR",
    )
    saved = {k: os.environ.get(k) for k in names}
    for key in names:
        os.environ.pop(key, None)
    os.environ["TETHER_HOME"] = str(home)
    os.environ["TETHER_CACHE_DIR"] = str(tmp_path_factory.mktemp("tether-cache"))
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A PostgreSQL database of this test session's own; yields its URL."""
    name = f"tether_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty metadata database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tether.db'}"
    return pg_schema_url(request.getfixturevalue("pg_database"))


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(home=tmp_path, db_url=db_url, blob_url=str(tmp_path / "blobs"))


@pytest.fixture
def backend(settings: Settings) -> Iterator[LocalBackend]:
    backend = LocalBackend(settings)
    yield backend
    backend.close()


@pytest.fixture
def tracking(backend: LocalBackend) -> TrackingService:
    return backend.tracking


@pytest.fixture
def sqlite_tracking(tmp_path: Path) -> Iterator[TrackingService]:
    """A service on SQLite only, for tests about things other than the database."""
    db = Database(f"sqlite:///{tmp_path / 'tether.db'}")
    yield TrackingService(db, BlobStore(str(tmp_path / "blobs")))
    db.dispose()


@pytest.fixture(scope="session")
def sqlite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The session's server on a SQLite store."""
    home = tmp_path_factory.mktemp("shared-server-sqlite")
    yield from _serve(ServerProcess(home, f"sqlite:///{home / 'tether.db'}"))


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory, pg_database: str) -> Iterator[ServerProcess]:
    """The session's server on a PostgreSQL store."""
    home = tmp_path_factory.mktemp("shared-server-postgres")
    yield from _serve(ServerProcess(home, pg_schema_url(pg_database)))


def _serve(server: ServerProcess) -> Iterator[ServerProcess]:
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=TARGETS)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    """Where SDK and CLI calls go: a store of the test's own, or the session's server, on each database."""
    yield from _target(request, tmp_path)


@pytest.fixture
def fluent_client(target: Target) -> Iterator[tt.Client]:
    """The fluent API pointed at the target, and a Client beside it to check what was stored; any run left
    active is ended and the fluent API reset afterwards."""
    target.configure()
    client = target.client()
    yield client
    while tt.active_run() is not None:
        tt.end_run()
    tt.configure()
    client.close()


@pytest.fixture(params=SQLITE_TARGETS)
def sqlite_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    """Local and remote on SQLite only, for SDK tests whose subject is not the database."""
    yield from _target(request, tmp_path)


def _target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    kind, database = str(request.param).split("-")
    home = tmp_path / "tether-home"
    if kind == "local":
        if database == "sqlite":
            db_url = f"sqlite:///{home / 'tether.db'}"
        else:
            db_url = pg_schema_url(request.getfixturevalue("pg_database"))
        yield Target(request.param, Settings(home=home, db_url=db_url, blob_url=str(home / "blobs")))
        return
    server: ServerProcess = request.getfixturevalue(f"{database}_server")
    local = Settings.at(home)
    settings = Settings(home=home, db_url=local.db_url, blob_url=local.blob_url, uri=server.url)
    yield Target(request.param, settings, server)
    assert not home.exists(), "a remote client wrote into its local TETHER_HOME"


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """A moto S3 server on a free loopback port; yields its endpoint URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        raise RuntimeError("the moto S3 server did not start")
    try:
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def s3_bucket_url(s3_server: str) -> str:
    """A new, empty bucket; yields an ``s3://`` URL with a prefix inside it."""
    import boto3

    bucket = f"tether-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    return f"s3://{bucket}/tether"


@pytest.fixture(params=["local", "s3"])
def blob_store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    """An empty blob store on local disk and on the S3 server."""
    if request.param == "local":
        return BlobStore(str(tmp_path / "blobs"))
    endpoint = request.getfixturevalue("s3_server")
    return BlobStore(request.getfixturevalue("s3_bucket_url"), s3_options(endpoint))
