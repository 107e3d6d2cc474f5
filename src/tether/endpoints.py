"""One declaration per endpoint: what the server mounts and what the remote client calls.

An ``Endpoint`` says which HTTP method and path reach which service method, where each of that method's
parameters travels, what comes back, and who may call it. ``tether.server.mount`` turns the declarations
into FastAPI routes and ``tether.client.remote`` into Python methods, so neither restates a service's
signatures; each domain lists its declarations in its ``routes.py`` as one ``Domain``.

Binding: a service method's parameters are, in order, the path's ``{parameters}``, the query model's
fields, then the body model's fields (``order`` gives the order instead when the service's differs), then
the one the Idempotency-Key header fills. Parameters the server fills from the signed-in caller
(``caller``) are not sent. ``None`` as an argument means "not given": the shape's default applies.
``tests/test_routes.py`` holds every declaration against its service method.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel

from tether.types import Level

HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]

ScopeKind = Literal["experiment", "run", "report", "experiment-name", "ref", "source", "model", "deployment"]
"""What a request names to say which experiment governs it: an experiment id, a run id, a report id, an
experiment name, a typed reference (``run:<id>`` …) to any of those, or a model source
(``runs:/<id>/<path>``). ``model`` is a registered model's name, governed by the model's own permissions;
``deployment`` a deployment's name, governed by the permissions of the registered models it serves."""

CallerValue = Literal[
    "user_id",
    "own_username",
    "username_or_given",
    "username_unless_admin",
    "readable",
    "readable_models",
    "model_level",
]
"""A parameter the server fills from the signed-in caller rather than from the request:

- ``user_id``: the caller's numeric id (None without authentication);
- ``own_username``: the caller's name (a server without authentication has none: Conflict);
- ``username_or_given``: the caller's name, or the value sent when the server has no authentication;
- ``username_unless_admin``: the caller's name, or None for an admin (who may act on anyone's);
- ``readable``: the ids of the experiments the caller may read (None: all of them);
- ``readable_models``: the names of the registered models the caller may read (None: all of them);
- ``model_level``: the caller's level on the model the request's ``name`` names (None without
  authentication).
"""

_PATH_PARAMETER = re.compile(r"{(\w+)(?::path)?}")


@dataclass(frozen=True)
class Scope:
    """Where a request names the object whose experiment's permissions govern the request."""

    kind: ScopeKind
    field: str
    source: Literal["path", "query", "body"] = "path"


@dataclass(frozen=True)
class Access:
    """Who may call an endpoint: anyone, any signed-in user, admins, or holders of ``level`` on the
    experiments (or, for ``model``, the registered models) its ``scopes`` name; each scope whose field the
    request leaves out is skipped. ``also`` is a second requirement that must hold too."""

    kind: Literal["public", "signed-in", "admin", "experiment", "model"]
    level: Level | None = None
    scopes: tuple[Scope, ...] = ()
    also: Access | None = None


PUBLIC = Access("public")
SIGNED_IN = Access("signed-in")
ADMIN = Access("admin")


def on(level: Level, *scopes: Scope) -> Access:
    """``level`` on the experiments the scopes name."""
    return Access("experiment", level, scopes)


def on_model(level: Level, *scopes: Scope, also: Access | None = None) -> Access:
    """``level`` on the registered models the scopes name (and ``also``, when given)."""
    return Access("model", level, scopes, also)


def in_path(kind: ScopeKind, name: str) -> Scope:
    return Scope(kind, name, "path")


def in_query(kind: ScopeKind, name: str) -> Scope:
    return Scope(kind, name, "query")


def in_body(kind: ScopeKind, name: str) -> Scope:
    return Scope(kind, name, "body")


@dataclass(frozen=True, eq=False)
class Endpoint:
    """One route: ``method path`` calls the service method ``call``."""

    method: HttpMethod
    path: str
    call: str
    access: Access
    response: Any = None
    """The annotation of the answer (a model, ``list[User]`` …); None answers 204 No Content."""
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    status: int | None = None
    """The success status; 200 (204 without a response) unless given, such as 201 for a create."""
    tag: str = ""
    envelope: str | None = None
    """The response model's one field that carries the service's return value (``experiment_id`` …)."""
    caller: Mapping[str, CallerValue] = field(default_factory=dict)
    idempotency: str | None = None
    """The parameter the Idempotency-Key header fills; the remote client sends a fresh key unless given."""
    order: tuple[str, ...] | None = None
    """The service's order of the sent parameters, when it is not path, query, body."""

    @cached_property
    def path_params(self) -> tuple[str, ...]:
        return tuple(_PATH_PARAMETER.findall(self.path))

    @cached_property
    def sources(self) -> dict[str, Literal["path", "query", "body", "header"]]:
        """Every parameter the request carries, with where it travels, in binding order."""
        found: dict[str, Literal["path", "query", "body", "header"]] = dict.fromkeys(self.path_params, "path")
        for model, where in ((self.query, "query"), (self.body, "body")):
            if model is not None:
                found.update(dict.fromkeys(model.model_fields, where))  # type: ignore[arg-type]
        if self.idempotency is not None:
            found[self.idempotency] = "header"
        if self.order is None:
            return found
        return {name: found[name] for name in self.order}

    @property
    def success_status(self) -> int:
        return self.status or (200 if self.response is not None else 204)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def tagged(tag: str, endpoints: Iterable[Endpoint]) -> tuple[Endpoint, ...]:
    """The endpoints, grouped under ``tag`` in the OpenAPI document."""
    return tuple(replace(endpoint, tag=tag) for endpoint in endpoints)


@dataclass(frozen=True)
class Domain:
    """A domain's REST surface: its endpoints, and how the server finds the experiment behind its objects.

    ``name`` is the domain's attribute on a backend (``backend.tracking``). ``streams`` names the service
    methods served by hand-written streaming routes instead of declarations. ``scopes`` names, per kind of
    object, the service method that takes the object's id and returns the id of the experiment governing
    it; the server calls those only to check permissions. ``model_scopes`` does the same for objects
    governed by registered models: its methods return the names of the models governing one object.
    ``internal`` names the methods other domains call in process, inside their own transactions. The
    remote client offers none of these. ``shared_refs`` lists the prefixes of typed references
    (``data:``) whose objects belong to no experiment and are open to every signed-in user: a scope
    naming one asks only for a signed-in caller.
    """

    name: str
    endpoints: tuple[Endpoint, ...]
    scopes: Mapping[ScopeKind, str] = field(default_factory=dict)
    model_scopes: Mapping[ScopeKind, str] = field(default_factory=dict)
    streams: tuple[str, ...] = ()
    internal: tuple[str, ...] = ()
    shared_refs: tuple[str, ...] = ()

    def calls(self) -> dict[str, tuple[Endpoint, ...]]:
        """The declared endpoints of each service method, in declaration order."""
        found: dict[str, list[Endpoint]] = {}
        for endpoint in self.endpoints:
            found.setdefault(endpoint.call, []).append(endpoint)
        return {name: tuple(endpoints) for name, endpoints in found.items()}
