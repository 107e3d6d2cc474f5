"""Write the server's OpenAPI document to ui/openapi.json and the TypeScript types the UI builds on.

Both files are committed, so the npm build inside the isolated package build needs no Python. The
types file starts with the SHA-256 of the document it was made from, so a test can tell that either
file is stale without running node. Run ``make ui-types`` after changing a route or a schema.

    python scripts/openapi.py           # regenerate both files (needs ui/node_modules: npm ci)
    python scripts/openapi.py --check   # exit 1, saying what to run, if either file is stale
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
UI = ROOT / "ui"
DOCUMENT = UI / "openapi.json"
TYPES = UI / "src" / "api" / "schema.d.ts"
HASH_PREFIX = "// openapi.json sha256: "
REGENERATE = "make ui-types"


def current_spec() -> dict[str, Any]:
    """The OpenAPI document of the app ``tether server`` runs (it does not depend on --auth)."""
    from tether.config import Settings
    from tether.server.app import create_app

    with tempfile.TemporaryDirectory() as home:
        app = create_app(Settings.at(home))
        try:
            return app.openapi()
        finally:
            app.state.services.close()


def render(spec: dict[str, Any]) -> str:
    return json.dumps(spec, indent=2, ensure_ascii=False) + "\n"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def problems() -> list[str]:
    """Why the committed files do not match the server; empty when they do."""
    found = []
    expected = render(current_spec())
    if not DOCUMENT.exists() or json.loads(DOCUMENT.read_text()) != json.loads(expected):
        found.append(f"{DOCUMENT.relative_to(ROOT)} differs from create_app().openapi()")
    first_line = TYPES.read_text().partition("\n")[0] if TYPES.exists() else ""
    if first_line != HASH_PREFIX + digest(expected):
        found.append(f"{TYPES.relative_to(ROOT)} was not generated from the current openapi.json")
    return found


def generate() -> None:
    text = render(current_spec())
    DOCUMENT.write_text(text)
    # Fields with a default stay optional in request bodies: the server fills them in.
    npx = [
        "npx",
        "--no-install",
        "openapi-typescript",
        str(DOCUMENT),
        "-o",
        str(TYPES),
        "--default-non-nullable=false",
    ]
    subprocess.run(npx, cwd=UI, check=True, stdout=subprocess.DEVNULL)
    TYPES.write_text(f"{HASH_PREFIX}{digest(text)}\n" + TYPES.read_text())


def main(argv: list[str]) -> int:
    if "--check" in argv:
        stale = problems()
        for problem in stale:
            print(f"{problem}: run '{REGENERATE}' and commit the result", file=sys.stderr)
        return 1 if stale else 0
    generate()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
