"""The web UI: the single-page app built from ``ui/`` into ``ui_dist/``, served at ``/``.

Any GET outside ``/api/`` that names no file gets ``index.html``, so the app's own URLs
(``/experiments/3?filter=...``) work when opened directly. Files under ``assets/`` carry a content hash
in their name and are cached for a year; everything else is revalidated on each load, so a new release
shows at once. A missing asset is a 404, never ``index.html``: a page from an older release asking for
its old chunk should fail plainly. The files are public: the login page must load signed out, and
they hold no data (every byte of data comes through the API, which checks access per request).
"""

from __future__ import annotations

import functools
import gzip
import re
from mimetypes import guess_type
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.routing import Route

UI_DIST = Path(__file__).resolve().parent / "ui_dist"
"""Where the package build (hatch_build.py) puts the built UI."""

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tether: web UI not built</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem}
code{background:#8882;padding:1px 4px;border-radius:4px}</style></head>
<body><h1>The web UI was not built</h1>
<p>This tether server works (the API is at <a href="/api/v1/docs">/api/v1/docs</a>), but its package was
installed without the web UI.</p>
<p>To build it, install Node.js 20+ with npm, then reinstall tether from its source tree:
<code>pip install -e .</code> (or <code>make install</code>). The build runs <code>npm ci</code> and
<code>npm run build</code> in <code>ui/</code>.</p>
<p>The UI is skipped when <code>TETHER_SKIP_UI_BUILD=1</code> is set.</p></body></html>
"""


class UIPathConvertor(Convertor[str]):
    """Any path except the API's, so unknown ``/api/...`` paths keep their JSON 404 (and 405)."""

    regex = r"(?!api(?:/|$)).*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("ui_path", UIPathConvertor())

_SAFE_PART = re.compile(r"[^\x00/\\]+")


def _file_in(root: Path, path: str) -> Path | None:
    """The file ``path`` names inside ``root``; None for anything that is not a plain file there."""
    parts = [part for part in path.split("/") if part]
    if any(part in (".", "..") or not _SAFE_PART.fullmatch(part) for part in parts):
        return None
    candidate = root.joinpath(*parts)
    try:
        resolved = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not resolved.is_relative_to(root.resolve()) or not resolved.is_file():
        return None
    return resolved


def ui_route(dist: Path | None = None) -> Route:
    """The catch-all route that serves ``dist`` (default: UI_DIST); add it after every other route."""
    root = dist if dist is not None else UI_DIST

    def serve_ui(request: Request) -> Response:
        path: str = request.path_params["path"]
        index = root / "index.html"
        if not index.is_file():
            return HTMLResponse(NOT_BUILT, headers={"cache-control": REVALIDATE})
        found = _file_in(root, path) if path else None
        if found is None and path.startswith("assets/"):
            raise HTTPException(404, f"no file {path} in this build of the web UI")
        target = found or index
        cache = IMMUTABLE if found is not None and path.startswith("assets/") else REVALIDATE
        headers = {"cache-control": cache, "vary": "accept-encoding"}
        if target.suffix in COMPRESSIBLE and "gzip" in request.headers.get("accept-encoding", ""):
            stat = target.stat()
            body = _gzipped(str(target), stat.st_mtime_ns, stat.st_size)
            media = (
                "text/html" if target == index else guess_type(target.name)[0] or "application/octet-stream"
            )
            return Response(body, media_type=media, headers={**headers, "content-encoding": "gzip"})
        return FileResponse(target, media_type="text/html" if target == index else None, headers=headers)

    return Route("/{path:ui_path}", serve_ui, methods=["GET", "HEAD"], name="ui")


COMPRESSIBLE = frozenset({".html", ".js", ".mjs", ".css", ".json", ".svg", ".map", ".txt"})
"""Text files are sent gzipped (a third of their size) to browsers that accept it."""


@functools.lru_cache(maxsize=128)
def _gzipped(path: str, mtime_ns: int, size: int) -> bytes:
    """A build file compressed once per version of it (the key holds its mtime and size)."""
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


def mount_ui(app: FastAPI, dist: Path | None = None) -> None:
    """Serve the UI from ``app``. Call it after ``require_declared``: that check governs the API's routes,
    and this one is not an API route. It needs no declaration because it serves only the public build
    (the same files for everyone, no data) and never matches a path under ``/api/``.
    """
    app.router.routes.append(ui_route(dist))
