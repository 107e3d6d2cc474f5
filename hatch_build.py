"""Package build step: compile the web UI (``ui/``, React + Vite) into ``src/tether/server/ui_dist/``.

It runs for wheels, sdists and editable installs (``pip install -e .``), so every way of installing tether
from source yields a server that serves its UI. It is quick when nothing changed: ``npm ci`` runs only when
``node_modules`` is missing or ``package-lock.json`` changed, and ``npm run build`` only when a UI source is
newer than the last build. Building from an sdist, which already holds the built UI, needs no npm.

Set ``TETHER_SKIP_UI_BUILD=1`` to install without the UI (the server then says at ``/`` how to build it).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SKIP_ENV = "TETHER_SKIP_UI_BUILD"
DIST = Path("src", "tether", "server", "ui_dist")
SOURCES = (
    "src",
    "public",
    "index.html",
    "package.json",
    "package-lock.json",
    "vite.config.ts",
    "tsconfig.json",
    "tsconfig.app.json",
    "tsconfig.node.json",
)
"""What the built UI depends on, relative to ui/."""
LOCK_STAMP = ".tether-lock-sha256"
"""Written into node_modules after npm ci: the digest of the package-lock.json it installed."""


def newest_mtime(paths: list[Path]) -> float:
    newest = 0.0
    for path in paths:
        if path.is_dir():
            for child in path.rglob("*"):
                if child.is_file():
                    newest = max(newest, child.stat().st_mtime)
        elif path.is_file():
            newest = max(newest, path.stat().st_mtime)
    return newest


def build_is_current(ui: Path, dist: Path) -> bool:
    index = dist / "index.html"
    if not index.is_file():
        return False
    return index.stat().st_mtime >= newest_mtime([ui / name for name in SOURCES])


def lock_digest(ui: Path) -> str:
    return hashlib.sha256((ui / "package-lock.json").read_bytes()).hexdigest()


def dependencies_current(ui: Path) -> bool:
    stamp = ui / "node_modules" / LOCK_STAMP
    return stamp.is_file() and stamp.read_text().strip() == lock_digest(ui)


class UIBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        ui = root / "ui"
        dist = root / DIST
        if os.environ.get(SKIP_ENV) == "1":
            self.app.display_warning(f"{SKIP_ENV}=1: installing without the web UI")
            return
        if not (ui / "package.json").is_file():
            if not (dist / "index.html").is_file():
                self.app.display_warning("no ui/ sources and no built UI: the server will have no web UI")
            return
        if build_is_current(ui, dist):
            self.app.display_info("web UI: the build is current")
            return
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError(
                "Building tether's web UI needs Node.js 20+ with npm on PATH (https://nodejs.org), "
                f"and npm was not found. Install it and retry, or set {SKIP_ENV}=1 to install without the UI."
            )
        if not dependencies_current(ui):
            self.app.display_info("web UI: npm ci")
            self._run([npm, "ci", "--no-audit", "--no-fund"], ui)
            (ui / "node_modules" / LOCK_STAMP).write_text(lock_digest(ui) + "\n")
        self.app.display_info("web UI: npm run build")
        self._run([npm, "run", "build"], ui)

    def _run(self, command: list[str], cwd: Path) -> None:
        try:
            subprocess.run(command, cwd=cwd, check=True)
        except subprocess.CalledProcessError as error:
            raise RuntimeError(
                f"'{' '.join(command[1:])}' failed in {cwd} (exit {error.returncode}); its output is above. "
                f"Set {SKIP_ENV}=1 to install without the web UI."
            ) from error
