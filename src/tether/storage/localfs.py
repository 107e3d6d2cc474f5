"""Files under one local folder, reached without ever following a symbolic link below it.

Every operation walks the key one name at a time from a descriptor of the root (``openat`` with
``O_NOFOLLOW``), so a link, or one swapped in while a request is under way, is refused instead of
followed: nothing outside the folder can be read or written through it. The root itself may be a link
(it is the operator's setting). Files are written under a short hidden temporary name in their own folder
and renamed into place, so a write that fails leaves nothing behind and readers never see half a file.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import secrets
import stat
from collections.abc import Callable, Iterable, Iterator
from typing import IO

from tether.errors import ConfigError, Conflict, InvalidInput, NotFound, UnsafeLink
from tether.storage.paths import TEMP_PREFIX

log = logging.getLogger("tether.storage")

_DIRECTORY = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_READ = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


class LocalTree:
    """Reads, writes, listings and removals of ``/``-separated keys under ``root``."""

    def __init__(self, root: str) -> None:
        if not _NOFOLLOW or os.open not in os.supports_dir_fd:
            raise ConfigError("a local blob folder needs a system with openat and O_NOFOLLOW (Linux, macOS)")
        self.root = root
        os.makedirs(root, exist_ok=True)

    # --- reading ----------------------------------------------------------------------------------------

    def open(self, key: str) -> IO[bytes]:
        """A regular file for reading; NotFound, or InvalidInput for a directory."""
        parent, name = self._parent(key)
        try:
            fd = _open_at(parent, name, _READ, key)
        finally:
            os.close(parent)
        try:
            mode = os.fstat(fd).st_mode
            if stat.S_ISDIR(mode):
                raise InvalidInput(f"{key!r} is a directory, not a file")
            if not stat.S_ISREG(mode):
                raise _refused(key, "is not a regular file")
            return os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise

    def info(self, key: str) -> tuple[bool, int]:
        """(is_dir, size) of one entry; NotFound when it does not exist."""
        if not key:
            return True, 0
        parent, name = self._parent(key)
        try:
            found = os.stat(name, dir_fd=parent, follow_symlinks=False)
        except FileNotFoundError:
            raise NotFound(f"no blob {key!r}") from None
        finally:
            os.close(parent)
        if stat.S_ISLNK(found.st_mode):
            raise _refused(key, "is a symbolic link")
        if stat.S_ISDIR(found.st_mode):
            return True, 0
        if not stat.S_ISREG(found.st_mode):
            raise _refused(key, "is not a regular file")
        return False, found.st_size

    def entries(self, key: str, *, recursive: bool) -> list[tuple[str, int | None, float]]:
        """(path relative to ``key``, size or None for a folder, modification time) of the entries below a
        folder. Links and other non-regular files are skipped (and logged); a recursive listing holds files
        only."""
        top = self._folder(key.split("/") if key else [], key, create=False)
        out: list[tuple[str, int | None, float]] = []
        pending = [(top, "")]
        while pending:
            fd, relative = pending.pop()
            try:
                for entry, path in _entries(fd, relative, key):
                    found = entry.stat(follow_symlinks=False)
                    if entry.is_dir(follow_symlinks=False):
                        if not recursive:
                            out.append((path, None, found.st_mtime))
                            continue
                        with contextlib.suppress(UnsafeLink, NotFound):
                            pending.append((_open_at(fd, entry.name, _DIRECTORY | _NOFOLLOW, key), path))
                    else:
                        out.append((path, found.st_size, found.st_mtime))
            finally:
                os.close(fd)
        return out

    # --- writing ----------------------------------------------------------------------------------------

    def write(self, key: str, fill: Callable[[IO[bytes]], int]) -> int:
        """Store what ``fill`` writes into the file it is given under ``key``, atomically; returns what
        ``fill`` returns (the number of bytes written)."""
        parts = key.split("/")
        folder = self._folder(parts[:-1], key, create=True)
        temporary = f"{TEMP_PREFIX}{secrets.token_hex(8)}"
        try:
            fd = os.open(temporary, _CREATE, 0o666, dir_fd=folder)
            with os.fdopen(fd, "wb") as out:
                written = fill(out)
            self._replace(folder, temporary, parts[-1], key)
            return written
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary, dir_fd=folder)
            os.close(folder)

    def write_new(self, folder: str, files: Iterable[tuple[str, bytes]]) -> int:
        """Store each (name, bytes) below ``folder`` as ``write`` would, but leave a name already there as
        it is. A name may hold one ``/`` (``ab/cdef``: a subfolder, made when missing). Each folder is
        opened once for all the files in it, which matters for content-addressed objects written
        thousands at a time. Returns how many were new."""
        top = self._folder(folder.split("/"), folder, create=True)
        opened: dict[str, int] = {}
        new = 0
        try:
            for name, data in files:
                key = f"{folder}/{name}"
                sub, _, base = name.rpartition("/")
                if not sub:
                    where = top
                elif (where := opened.get(sub, -1)) < 0:
                    where = opened[sub] = _folder_at(top, sub, f"{folder}/{sub}", key, True)
                try:
                    mode = os.stat(base, dir_fd=where, follow_symlinks=False).st_mode
                except FileNotFoundError:
                    _write_at(where, base, data)
                    new += 1
                    continue
                if stat.S_ISLNK(mode):
                    raise _refused(key, "is a symbolic link")
                if not stat.S_ISREG(mode):
                    raise Conflict(f"cannot store {key!r}: something that is not a file has that name")
        finally:
            for fd in (top, *opened.values()):
                os.close(fd)
        return new

    def remove(self, key: str) -> None:
        """Remove a file, or a folder and everything in it; links are removed, never followed."""
        if not key:
            raise InvalidInput("refusing to remove the whole blob store")
        try:
            parent, name = self._parent(key)
        except (NotFound, Conflict):
            return
        try:
            _remove_at(parent, name)
        except FileNotFoundError:
            pass
        finally:
            os.close(parent)

    # --- walking ----------------------------------------------------------------------------------------

    def _parent(self, key: str) -> tuple[int, str]:
        """A descriptor of the folder holding ``key``, and the key's last name."""
        parts = key.split("/")
        return self._folder(parts[:-1], key, create=False), parts[-1]

    def _folder(self, parts: list[str], key: str, *, create: bool) -> int:
        """A descriptor of the folder ``parts`` below the root, made when ``create``; each name is opened
        relative to the one before it and never through a link."""
        fd = os.open(self.root, _DIRECTORY)
        try:
            for depth, name in enumerate(parts):
                inner = _folder_at(fd, name, "/".join(parts[: depth + 1]), key, create)
                os.close(fd)
                fd = inner
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _replace(self, folder: int, temporary: str, name: str, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            found = os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode
            if stat.S_ISLNK(found):
                raise _refused(key, "is a symbolic link")
            if stat.S_ISDIR(found):
                raise Conflict(f"cannot store {key!r}: a folder of that name exists")
        try:
            os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
        except IsADirectoryError:
            raise Conflict(f"cannot store {key!r}: a folder of that name exists") from None


def _write_at(folder: int, name: str, data: bytes) -> None:
    """``data`` under a temporary name in ``folder``, then renamed to ``name``."""
    temporary = f"{TEMP_PREFIX}{secrets.token_hex(8)}"
    fd = os.open(temporary, _CREATE, 0o666, dir_fd=folder)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary, dir_fd=folder)
        raise


def _folder_at(parent: int, name: str, path: str, key: str, create: bool) -> int:
    try:
        return _open_at(parent, name, _DIRECTORY | _NOFOLLOW, key, path)
    except NotFound:
        if not create:
            raise
    with contextlib.suppress(FileExistsError):
        os.mkdir(name, 0o777, dir_fd=parent)
    return _open_at(parent, name, _DIRECTORY | _NOFOLLOW, key, path)


def _open_at(parent: int, name: str, flags: int, key: str, path: str | None = None) -> int:
    """``openat`` that turns a link into UnsafeLink and a file where a folder should be into Conflict."""
    try:
        return os.open(name, flags, dir_fd=parent)
    except FileNotFoundError:
        raise NotFound(f"no blob {key!r}") from None
    except OSError as error:
        if error.errno not in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            raise
        mode = os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode
        if stat.S_ISLNK(mode):
            raise _refused(path or key, "is a symbolic link") from None
        raise Conflict(f"cannot use {key!r}: {path or key!r} is a file, not a folder") from None


def _entries(fd: int, relative: str, key: str) -> Iterator[tuple[os.DirEntry[str], str]]:
    with os.scandir(fd) as found:
        entries = sorted(found, key=lambda entry: entry.name)
    for entry in entries:
        path = f"{relative}/{entry.name}" if relative else entry.name
        if entry.name.startswith(TEMP_PREFIX):
            continue
        if entry.is_dir(follow_symlinks=False) or entry.is_file(follow_symlinks=False):
            yield entry, path
        else:
            where = f"{key}/{path}" if key else path
            log.warning("skipped %r in a blob listing: it is a symbolic link or not a regular file", where)


def _remove_at(parent: int, name: str) -> None:
    if not stat.S_ISDIR(os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode):
        os.unlink(name, dir_fd=parent)
        return
    fd = os.open(name, _DIRECTORY | _NOFOLLOW, dir_fd=parent)
    try:
        with os.scandir(fd) as found:
            names = [entry.name for entry in found]
        for inner in names:
            _remove_at(fd, inner)
    finally:
        os.close(fd)
    os.rmdir(name, dir_fd=parent)


def _refused(key: str, why: str) -> UnsafeLink:
    log.warning("refused blob key %r: it %s, and the blob store never follows one", key, why)
    return UnsafeLink(f"{key!r} {why} in the blob store, and tether refuses to use it")
