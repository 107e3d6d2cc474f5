"""Tags that describe where a run was started: code version, entry point, user, machine and Python.

Git is asked once per process and working directory; a project that is not a git checkout simply has no
git tags.
"""

from __future__ import annotations

import functools
import getpass
import os
import platform
import socket
import subprocess
import sys

TAG_GIT_COMMIT = "tether.git.commit"
TAG_GIT_BRANCH = "tether.git.branch"
TAG_GIT_DIRTY = "tether.git.dirty"
TAG_SOURCE = "tether.source.name"
TAG_USER = "tether.user"
TAG_HOST = "tether.host"
TAG_PYTHON = "tether.python"
TAG_NOTE = "tether.note"
TAG_AUTOLOG = "tether.autolog"


def current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def system_tags() -> dict[str, str]:
    source = _source_name()
    tags = {
        TAG_SOURCE: source,
        TAG_USER: current_user(),
        TAG_HOST: socket.gethostname(),
        TAG_PYTHON: platform.python_version(),
    }
    directory = os.path.dirname(os.path.abspath(source)) if os.path.isfile(source) else os.getcwd()
    tags.update(_git_tags(directory))
    return tags


def _source_name() -> str:
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None) or (sys.argv[0] if sys.argv and sys.argv[0] else "")
    return os.path.abspath(path) if path and os.path.exists(path) else (path or "<interactive>")


@functools.lru_cache(maxsize=8)
def _git_tags(directory: str) -> dict[str, str]:
    commit = _git(directory, "rev-parse", "HEAD")
    if commit is None:
        return {}
    tags = {TAG_GIT_COMMIT: commit}
    branch = _git(directory, "rev-parse", "--abbrev-ref", "HEAD")
    if branch:
        tags[TAG_GIT_BRANCH] = branch
    status = _git(directory, "status", "--porcelain", "--untracked-files=no")
    if status is not None:
        tags[TAG_GIT_DIRTY] = "true" if status else "false"
    return tags


def _git(directory: str, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=directory, capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None
