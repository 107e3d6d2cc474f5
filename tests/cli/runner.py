"""Running ``tether`` in-process against a chosen store, for the CLI tests and their fixtures."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from typer.testing import CliRunner, Result

from tether.cli.main import app
from tether.config import Settings


@dataclass
class Cli:
    """Runs ``tether ...`` in-process against one store."""

    env: dict[str, str]

    def __call__(self, *args: str, **env: str) -> Result:
        return CliRunner().invoke(app, list(args), env={**self.env, **env})

    def json(self, *args: str) -> Any:
        result = self(*args, "--json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)


@dataclass
class Store:
    """Ids and names of what ``store`` created (names are unique, as the store may be a shared server)."""

    churn: str = ""
    churn_name: str = ""
    numbered: str = ""
    numbered_name: str = ""
    runs: dict[str, str] = field(default_factory=dict)


def env_for(settings: Settings) -> dict[str, str]:
    """The store's settings, and a fixed table width so layouts do not depend on who runs the tests."""
    return {
        "TETHER_HOME": str(settings.home),
        "TETHER_DB_URL": settings.db_url,
        "TETHER_BLOB_URL": settings.blob_url,
        "COLUMNS": "240",
    }
