"""Where tether keeps things, read once from the environment.

``TETHER_HOME`` (default ``~/.tether``) holds ``tether.db`` and ``blobs/`` for the embedded store.
``TETHER_DB_URL`` and ``TETHER_BLOB_URL`` point the metadata and the blobs elsewhere (PostgreSQL, S3 …).
``TETHER_BLOB_OPTIONS`` is a JSON object of fsspec options for the blob store (an S3 endpoint, a profile).
``TETHER_URI`` (``http://host:port``) sends every call to a ``tether server`` instead, authenticated with
``TETHER_TOKEN`` when the server requires it. ``TETHER_RETRY_PATIENCE_S`` (default 30) is how long a client
keeps retrying a server that does not answer, and ``TETHER_METRIC_BUFFER_POINTS`` (default 1,000,000) how
many metric points per run the fluent API holds while the store cannot keep up or a server is away.
``TETHER_CACHE_DIR`` (default ``$XDG_CACHE_HOME/tether`` or ``~/.cache/tether``) is this machine's own cache:
the hashes of local data files, so an unchanged file is never read twice, and dataset versions read through
``tt.data.get(...).path``.

Quotas (``Quotas``, docs/limits.md): ``TETHER_MAX_ARTIFACT_SIZE`` (one artifact file, default 64GiB),
``TETHER_MAX_EXPERIMENT_ARTIFACTS`` (all artifacts of one experiment's runs, default 1TiB) and
``TETHER_MAX_KEYS_PER_RUN`` (distinct param, tag and metric keys of one run, each, default 10,000).
Sizes take a unit (``500MB``, ``20GiB``); ``none`` turns a limit off.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from tether.errors import ConfigError

N = TypeVar("N", int, float)


GiB = 1024**3
_UNITS = {
    "": 1,
    "b": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}
_SIZE = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*([a-z]*)")


@dataclass(frozen=True)
class Quotas:
    """How much a store holds for each experiment and run; None turns a limit off."""

    max_artifact_bytes: int | None = 64 * GiB
    max_experiment_artifact_bytes: int | None = 1024 * GiB
    max_keys_per_run: int | None = 10_000

    @classmethod
    def from_env(cls, env: dict[str, str]) -> Quotas:
        default = cls()
        return cls(
            max_artifact_bytes=_limit(
                env, "TETHER_MAX_ARTIFACT_SIZE", default.max_artifact_bytes, parse_size
            ),
            max_experiment_artifact_bytes=_limit(
                env, "TETHER_MAX_EXPERIMENT_ARTIFACTS", default.max_experiment_artifact_bytes, parse_size
            ),
            max_keys_per_run=_limit(env, "TETHER_MAX_KEYS_PER_RUN", default.max_keys_per_run, _count),
        )


def parse_size(text: str) -> int:
    """Bytes from ``500MB``, ``20GiB``, ``1.5TB`` or a plain number; ConfigError names what is wrong."""
    found = _SIZE.fullmatch(text.strip().lower())
    if found is None or found.group(2) not in _UNITS:
        raise ConfigError(f"{text!r} is not a size: write a number with a unit such as 500MB, 20GiB or 1TB")
    size = int(float(found.group(1)) * _UNITS[found.group(2)])
    if size < 1:
        raise ConfigError(f"a size must be at least one byte, got {text!r}")
    return size


def _count(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise ConfigError(f"{text!r} is not a count: write a whole number from 1")
    return int(text)


def _limit(env: dict[str, str], name: str, default: int | None, parse: Callable[[str], int]) -> int | None:
    text = (env.get(name) or "").strip()
    if not text:
        return default
    if text.lower() == "none":
        return None
    try:
        return parse(text)
    except ConfigError as error:
        raise ConfigError(f"{name}: {error.message}") from None


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
    quotas: Quotas = field(default_factory=Quotas)
    cache_dir: Path = field(default_factory=lambda: default_cache_dir(os.environ))
    """This machine's own cache (file hashes, materialised dataset versions), never shared by a store."""

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
            quotas=Quotas.from_env(env),
            cache_dir=default_cache_dir(env),
        )

    @classmethod
    def at(cls, home: str | os.PathLike[str]) -> Settings:
        """An embedded store rooted at ``home``, ignoring the environment."""
        root = Path(home).expanduser().absolute()
        return cls(home=root, db_url=f"sqlite:///{root / 'tether.db'}", blob_url=str(root / "blobs"))


def default_cache_dir(env: Mapping[str, str]) -> Path:
    """``TETHER_CACHE_DIR``, else ``$XDG_CACHE_HOME/tether``, else ``~/.cache/tether``."""
    if env.get("TETHER_CACHE_DIR"):
        return Path(env["TETHER_CACHE_DIR"]).expanduser().absolute()
    base = Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser().absolute()
    return base / "tether"


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
