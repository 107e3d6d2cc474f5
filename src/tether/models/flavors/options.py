"""The small JSON file in which a flavor keeps what its framework's own file does not say (which class
to rebuild, a classifier's labels). Values are checked against the flavor's allow-list when read, so the
file can never name code to run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tether.errors import CorruptPackage

OPTIONS_FILE = "flavor.json"


def write_options(folder: Path, options: dict[str, Any]) -> None:
    (folder / OPTIONS_FILE).write_text(json.dumps(options, sort_keys=True), encoding="utf-8")


def read_options(folder: Path, flavor: str) -> dict[str, Any]:
    try:
        found = json.loads((folder / OPTIONS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CorruptPackage(f"the {flavor} package's {OPTIONS_FILE} cannot be read: {error}") from None
    if not isinstance(found, dict):
        raise CorruptPackage(f"the {flavor} package's {OPTIONS_FILE} is not a JSON object")
    return found


def one_of(options: dict[str, Any], key: str, allowed: tuple[str, ...], flavor: str) -> str:
    """``options[key]`` if it is one of ``allowed``; anything else is a corrupt package."""
    value = options.get(key)
    if value not in allowed:
        raise CorruptPackage(
            f"the {flavor} package names {key} {value!r}; it must be one of {', '.join(allowed)}"
        )
    return str(value)
