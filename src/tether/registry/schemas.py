"""Wire shapes of the model registry: registered models, versions, aliases and the audit trail."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tether.models.signatures import Signature
from tether.schemas import Millis, QueryModel, ReadModel, WriteModel

VersionStatus = Literal["ready", "deprecated", "archived"]
"""ready: in use. deprecated: still loads, with a warning. archived: kept for the record and still
loadable by number, but no alias may point at it."""

EventKind = Literal[
    "model_created",
    "model_renamed",
    "model_deleted",
    "version_created",
    "version_deleted",
    "version_status_changed",
    "alias_set",
    "alias_deleted",
    "alias_protected",
    "alias_unprotected",
]


class AliasInfo(ReadModel):
    alias: str
    version: int
    protected: bool
    """Only holders of MANAGE on the model may move or delete a protected alias."""
    updated_time: int
    updated_by: str | None = None


class RegisteredModel(ReadModel):
    name: str
    description: str
    created_time: int
    updated_time: int
    created_by: str | None = None
    latest_version: int | None = None
    """The highest version that exists (None: none yet)."""
    aliases: list[AliasInfo] = Field(default_factory=list)
    tags: dict[str, str] = Field(default_factory=dict)


class ModelVersion(ReadModel):
    name: str
    version: int
    source: str
    """Where the package lives: ``runs:/<run id>/<path>``."""
    run_id: str | None = None
    """The run that produced the package (from lineage), when one did."""
    flavor: str
    signature: Signature
    description: str
    status: VersionStatus = "ready"
    created_time: int
    updated_time: int
    created_by: str | None = None
    aliases: list[str] = Field(default_factory=list)
    tags: dict[str, str] = Field(default_factory=dict)


class RegistryEvent(ReadModel):
    """One immutable audit record: who did what to a model, a version or an alias, and when."""

    event_id: int
    name: str
    kind: EventKind
    version: int | None = None
    alias: str | None = None
    from_version: int | None = None
    to_version: int | None = None
    from_status: VersionStatus | None = None
    to_status: VersionStatus | None = None
    """A status change's before and after (``version_status_changed``)."""
    actor: str | None = None
    at: int


class ModelCreate(WriteModel):
    name: str
    description: str = ""
    tags: dict[str, str] = Field(default_factory=dict)
    actor: str | None = None
    """Who to record in the audit trail; a server with authentication records the signed-in user."""


class ModelUpdate(WriteModel):
    new_name: str | None = None
    description: str | None = None
    actor: str | None = None
    """Who to record in the audit trail; a server with authentication records the signed-in user."""


class VersionCreate(WriteModel):
    source: str
    description: str = ""
    tags: dict[str, str] = Field(default_factory=dict)
    actor: str | None = None
    """Who to record in the audit trail; a server with authentication records the signed-in user."""


class VersionUpdate(WriteModel):
    description: str | None = None
    status: VersionStatus | None = None
    """Archiving is refused while an alias points at the version."""
    actor: str | None = None
    """Who to record in the audit trail; a server with authentication records the signed-in user."""


class AliasWrite(WriteModel):
    version: int
    require: str = ""
    """A filter over the source run (``metrics.auc >= 0.9``); the alias moves only if the run matches."""
    actor: str | None = None
    """Who to record in the audit trail; a server with authentication records the signed-in user."""


class AliasProtection(WriteModel):
    protected: bool = True
    actor: str | None = None
    """Who to record in the audit trail; a server with authentication records the signed-in user."""


class ModelTagWrite(WriteModel):
    key: str
    value: str


class ModelTagKey(QueryModel):
    key: str


class ModelListQuery(QueryModel):
    name_like: str | None = None
    """A LIKE pattern over names (``churn%``); case-sensitive."""
    max_results: int = 1000
    page_token: str | None = None
    filter: str = ""
    """A filter in the run-search grammar over the model's attributes and tags (see docs/models.md)."""


class VersionListQuery(QueryModel):
    filter: str = ""
    """A filter in the run-search grammar over the version's attributes and tags (see docs/models.md)."""


class HistoryQuery(QueryModel):
    alias: str | None = None
    """Only the events of this alias."""


class AliasAtQuery(QueryModel):
    at: Millis | str
    """Milliseconds since the epoch, or ISO 8601 text (UTC unless it names a zone)."""


class VersionAt(ReadModel):
    version: int | None
    """The version the alias pointed at then; None if it pointed nowhere."""
