"""``Catalog[T]``: the one small typed registry behind tether's extension points.

Stat tests, metric types and suite test types (and, as they come, model flavors, executors and alert
channels) are each a catalog: items of one kind under unique names, found by name with an error that lists
the names it knows. A name may also be promised by a loader, called on the first ``get``, so that an item
whose module is costly to import (or is the module that registers it) loads only when it is used.
Names list in sorted order, so what a catalog shows does not depend on which module happened to load first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar, overload

from tether.errors import InvalidInput, TetherError, UnknownName

T = TypeVar("T")

Loader = Callable[[], object]
"""Makes a promised name real: it registers the name, usually by importing the module that does."""


class _Missing:
    """``register(name)`` without an item: the call is then a decorator."""


_MISSING = _Missing()


class Catalog(Generic[T]):
    """Items of one kind by name; ``kind`` is the singular noun messages use ("stat test").

    ``register`` refuses a name that is already taken unless told to ``replace`` it. A name promised by
    ``register_loader`` is taken by the first ``register`` of it, which is how the module a loader imports
    registers what the loader promised.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}
        self._loaders: dict[str, Loader] = {}
        self._lock = threading.RLock()  # a loader registers from inside ``get``, on the same thread

    @overload
    def register(self, name: str, item: T, *, replace: bool = False) -> T: ...

    @overload
    def register(self, name: str, *, replace: bool = False) -> Callable[[T], T]: ...

    def register(
        self, name: str, item: T | _Missing = _MISSING, *, replace: bool = False
    ) -> T | Callable[[T], T]:
        """Put ``item`` under ``name`` and return it; without an item, a decorator that does so."""
        if isinstance(item, _Missing):

            def decorate(found: T) -> T:
                return self._add(name, found, replace)

            return decorate
        return self._add(name, item, replace)

    def register_loader(self, name: str, loader: Loader) -> None:
        """Promise ``name``: ``loader()`` runs on its first ``get`` and must register it."""
        with self._lock:
            self._check(name, taken=name in self)
            self._loaders[name] = loader

    def get(self, name: str) -> T:
        """The item named ``name`` (loaded first if only promised); ``UnknownName`` lists the known names."""
        with self._lock:
            if name not in self._items and name in self._loaders:
                self._load(name)
            if name in self._items:
                return self._items[name]
        known = self.names()
        listed = f"known {self.kind}s: {', '.join(known)}" if known else f"no {self.kind}s are registered"
        raise UnknownName(f"unknown {self.kind} {name!r}; {listed}", name, known)

    def names(self) -> list[str]:
        """Every name, registered or promised, sorted."""
        with self._lock:
            return sorted({*self._items, *self._loaders})

    def items(self) -> list[tuple[str, T]]:
        """Every (name, item), sorted by name; promised items are loaded."""
        return [(name, self.get(name)) for name in self.names()]

    def __contains__(self, name: object) -> bool:
        """Whether ``name`` is registered or promised (a promise is not loaded to answer)."""
        return name in self._items or name in self._loaders

    def __repr__(self) -> str:
        return f"Catalog({self.kind!r}, names={self.names()!r})"

    def _add(self, name: str, item: T, replace: bool) -> T:
        with self._lock:
            self._check(name, taken=name in self._items and not replace)
            self._loaders.pop(name, None)
            self._items[name] = item
        return item

    def _check(self, name: str, *, taken: bool) -> None:
        if not name:
            raise InvalidInput(f"a {self.kind} needs a name")
        if taken:
            raise InvalidInput(f"a {self.kind} named {name!r} is already registered")

    def _load(self, name: str) -> None:
        self._loaders[name]()
        if name not in self._items:
            raise TetherError(f"loading the {self.kind} {name!r} did not register it")
