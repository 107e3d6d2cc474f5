"""The layer rules of DESIGN.md, checked on every import in src/tether (module level and inside functions)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
FOUNDATION = (
    "tether.errors",
    "tether.refs",
    "tether.config",
    "tether.types",
    "tether.version",
    "tether.schemas",
    "tether.catalog",
    "tether.endpoints",
    "tether.paging",
)
DOMAINS = (
    "auth",
    "tracking",
    "models",
    "registry",
    "data",
    "monitoring",
    "pipelines",
    "deployments",
    "serving",
)


def _domain_rule(index: int) -> tuple[str, ...]:
    lower = tuple(f"tether.{d}" for d in DOMAINS[: index + 1])
    return (*FOUNDATION, "tether.storage", "tether.lineage", *lower)


def _schema_like(module: str) -> bool:
    """Shapes, limits and endpoint declarations: what a remote client may know of a domain."""
    return module.rsplit(".", 1)[-1] in ("schemas", "limits", "routes")


def _client_rule(target: str) -> bool:
    """The local backend opens the services; the protocol names them for typing; the package picks one."""
    return target.startswith(
        (*FOUNDATION, "tether.client", "tether.services", "tether.lineage", *(f"tether.{d}" for d in DOMAINS))
    )


def _composition_rule(target: str) -> bool:
    return target.startswith(
        (*FOUNDATION, "tether.storage", "tether.lineage", *(f"tether.{d}" for d in DOMAINS))
    )


def _face_rule(target: str) -> bool:
    return target.startswith((*FOUNDATION, "tether.client", "tether.sdk", "tether.cli")) or _schema_like(
        target
    )


def _monitoring_computation(target: str) -> bool:
    return target.startswith("tether.monitoring") and target != "tether.monitoring.service"


def _model_packaging(target: str) -> bool:
    """Packages are written and read where the model is; only storing them goes through a backend."""
    return target.startswith("tether.models") and target.rsplit(".", 1)[-1] not in ("service", "queries")


def _data_worktree(target: str) -> bool:
    """Folders are scanned, hashed and moved where they are; only committing goes through a backend."""
    store_side = ("service", "queries", "revisions", "garbage", "objects")
    return target.startswith("tether.data") and target.rsplit(".", 1)[-1] not in store_side


def _serving_entry(target: str) -> bool:
    runners = ("tether.serving.run", "tether.serving.ray_app")
    return target.startswith((*runners, "tether.serving.config", "tether.serving.source"))


RULES: list[tuple[tuple[str, ...], object]] = [
    (FOUNDATION, lambda t: t.startswith(FOUNDATION)),
    (("tether.storage",), lambda t: t.startswith((*FOUNDATION, "tether.storage"))),
    (("tether.lineage",), lambda t: t.startswith((*FOUNDATION, "tether.storage", "tether.lineage"))),
    *[((f"tether.{d}",), lambda t, i=i: t.startswith(_domain_rule(i))) for i, d in enumerate(DOMAINS)],
    (("tether.services",), _composition_rule),
    (
        ("tether.client.remote", "tether.client.proxy", "tether.client.http"),
        lambda t: t.startswith((*FOUNDATION, "tether.client")) or _schema_like(t),
    ),
    (("tether.client",), _client_rule),
    (("tether.cli.server",), lambda t: _face_rule(t) or t == "tether.server.run"),
    # The model server is started with a source over the SDK; the serving domain never opens a store.
    (("tether.cli.serve",), lambda t: _face_rule(t) or _model_packaging(t) or _serving_entry(t)),
    # A bundle is written where the CLI runs, from packages it fetches over the SDK.
    (("tether.cli.deploy",), lambda t: _face_rule(t) or t.startswith("tether.serving.bundle")),
    # Reports and suites are computations run where the data is; only storing one goes through a backend.
    (("tether.cli.monitor",), lambda t: _face_rule(t) or _monitoring_computation(t)),
    (("tether.sdk", "tether.cli"), lambda t: _face_rule(t) or _model_packaging(t) or _data_worktree(t)),
    (
        ("tether.server",),
        lambda t: not t.startswith(("tether.client", "tether.cli", "tether.sdk")) and t != "tether",
    ),
]


def allowed(source: str, target: str) -> bool:
    """May module ``source`` import module ``target``? The first matching rule decides."""
    if source == "tether":  # the package root is the fluent API's front door
        return _face_rule(target) and target != "tether.cli" and not target.startswith("tether.cli.")
    for prefixes, rule in RULES:
        if source.startswith(prefixes):
            return bool(rule(target))  # type: ignore[operator]
    return False


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name == "tether" or name.startswith("tether.")]


def _is_module(name: str) -> bool:
    base = SRC / Path(*name.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def test_every_import_respects_the_layers() -> None:
    violations = []
    for path in sorted((SRC / "tether").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        source = module_name(path)
        for line, target in imports_of(path):
            if not _is_module(target) or target == source:
                continue
            if not allowed(source, target):
                violations.append(f"{path.relative_to(SRC)}:{line}: {source} imports {target}")
    assert violations == []


@pytest.mark.parametrize(
    ("source", "target", "ok"),
    [
        ("tether.storage.db", "tether.tracking.service", False),
        ("tether.tracking.service", "tether.storage.db", True),
        ("tether.tracking.service", "tether.registry.service", False),
        ("tether.errors", "tether.storage.db", False),
        ("tether.sdk.fluent", "tether.tracking.service", False),
        ("tether.cli.runs", "tether.storage.blobs", False),
        ("tether.cli.runs", "tether.client", True),
        ("tether.client.remote", "tether.tracking.service", False),
        ("tether.client.remote", "tether.tracking.schemas", True),
        ("tether.client.remote", "tether.tracking.routes", True),
        ("tether.client.proxy", "tether.storage.db", False),
        ("tether.client.local", "tether.services", True),
        ("tether.services", "tether.tracking.service", True),
        ("tether.services", "tether.server.app", False),
        ("tether.endpoints", "tether.auth.schemas", False),
        ("tether.server.app", "tether.sdk.fluent", False),
        ("tether.sdk.models", "tether.models.package", True),
        ("tether", "tether.client.backend", True),
        ("tether", "tether.cli.main", False),
        ("tether.sdk.models", "tether.models.service", False),
        ("tether.models.package", "tether.registry.service", False),
        ("tether.auth.service", "tether.tracking.service", False),
        ("tether.tracking.service", "tether.auth.queries", True),
        ("tether.cli.server", "tether.server.run", True),
        ("tether.cli.users", "tether.server.run", False),
        ("tether.client.proxy", "tether.auth.service", False),
        ("tether.lineage.service", "tether.storage.db", True),
        ("tether.lineage.service", "tether.tracking.service", False),
        ("tether.storage.tables.lineage", "tether.lineage.kinds", False),
        ("tether.monitoring.service", "tether.lineage.service", True),
        ("tether.refs", "tether.errors", True),
        ("tether.refs", "tether.storage.db", False),
    ],
)
def test_the_rule_itself(source: str, target: str, ok: bool) -> None:
    assert allowed(source, target) is ok


SHARED_BASES = ("ReadModel", "WriteModel", "QueryModel", "Page")
FOUNDATION_SCHEMAS = SRC / "tether" / "schemas.py"


def test_shared_bases_come_from_the_foundation() -> None:
    """No domain reaches into another (or defines its own) for the pydantic bases every domain shares."""
    violations = []
    for path in sorted((SRC / "tether").rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module != "tether.schemas":
                shared = [a.name for a in node.names if a.name in SHARED_BASES]
                if shared and (node.module or "").startswith("tether"):
                    violations.append(f"{path.relative_to(SRC)}:{node.lineno}: {shared} from {node.module}")
            if isinstance(node, ast.ClassDef) and node.name in SHARED_BASES and path != FOUNDATION_SCHEMAS:
                violations.append(f"{path.relative_to(SRC)}:{node.lineno}: defines its own {node.name}")
    assert violations == []


REMOTE_PROBE = """
import sys
from tether.client.remote import RemoteBackend
backend = RemoteBackend("http://127.0.0.1:9")
backend.tracking, backend.auth, backend.monitoring, backend.lineage
heavy = ("tether.storage", "tether.server", "tether.services", "sqlalchemy")
loaded = sorted(m for m in sys.modules if m.endswith(".service") or m.startswith(heavy))
print(",".join(loaded))
"""


def test_the_remote_client_loads_no_service_storage_or_server() -> None:
    """The remote backend behaves like any third-party client of the REST API: it runs on declarations."""
    import subprocess
    import sys

    found = subprocess.run([sys.executable, "-c", REMOTE_PROBE], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == ""
