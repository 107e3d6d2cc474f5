"""Where tether keeps things, read once from the environment.

``TETHER_HOME`` (default ``~/.tether``) holds ``tether.db`` and ``blobs/`` for the embedded store.
``TETHER_DB_URL`` and ``TETHER_BLOB_URL`` point the metadata and the blobs elsewhere (PostgreSQL, S3 …).
``TETHER_BLOB_OPTIONS`` is a JSON object of fsspec options for the blob store (an S3 endpoint, a profile).
``TETHER_URI`` (``http://host:port``) sends every call to a ``tether server`` instead, authenticated with
``TETHER_TOKEN`` when the server requires it. ``TETHER_RETRY_PATIENCE_S`` (default 30) is how long a client
keeps retrying a server that does not answer, and ``TETHER_METRIC_BUFFER_POINTS`` (default 1,000,000) how
many metric points per run the fluent API holds while the store cannot keep up or a server is away.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from tether.errors import ConfigError

N = TypeVar("N", int, float)


@dataclass(frozen=True)
class Settings:
    """Resolved locations; build with :meth:`from_env` or directly in tests."""

    home: Path
    db_url: str
    blob_url: str
    blob_options: dict[str, Any] = field(default_factory=dict)
    uri: str | None = None
    token: str | None = None
    retry_patience_s: float = 30.0
    metric_buffer_points: int = 1_000_000

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        home = Path(env.get("TETHER_HOME") or Path.home() / ".tether").expanduser().absolute()
        uri = env.get("TETHER_URI") or None
        if uri is not None and not uri.startswith(("http://", "https://")):
            raise ConfigError(f"TETHER_URI must start with http:// or https://, got {uri!r}")
        return cls(
            home=home,
            uri=uri,
            token=env.get("TETHER_TOKEN") or None,
            db_url=env.get("TETHER_DB_URL") or f"sqlite:///{home / 'tether.db'}",
            blob_url=env.get("TETHER_BLOB_URL") or str(home / "blobs"),
            blob_options=_json_object("TETHER_BLOB_OPTIONS", env.get("TETHER_BLOB_OPTIONS")),
            retry_patience_s=_number("TETHER_RETRY_PATIENCE_S", env, 30.0, float, minimum=0),
            metric_buffer_points=_number("TETHER_METRIC_BUFFER_POINTS", env, 1_000_000, int, minimum=1),
        )

    @classmethod
    def at(cls, home: str | os.PathLike[str]) -> Settings:
        """An embedded store rooted at ``home``, ignoring the environment."""
        root = Path(home).expanduser().absolute()
        return cls(home=root, db_url=f"sqlite:///{root / 'tether.db'}", blob_url=str(root / "blobs"))


def _json_object(name: str, text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError as error:
        raise ConfigError(f"{name} must be a JSON object: {error}") from error
    if not isinstance(value, dict):
        raise ConfigError(f"{name} must be a JSON object, got {type(value).__name__}")
    return value


def _number(name: str, env: dict[str, str], default: N, kind: Callable[[str], N], *, minimum: N) -> N:
    text = env.get(name)
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        raise ConfigError(f"{name} must be a {kind.__name__}, got {text!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {text!r}")
    return value
