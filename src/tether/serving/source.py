"""Where served models come from: the registry, a run or a folder, behind a small protocol.

The serving domain never opens a store itself: whoever starts a server (the CLI) hands it a
``ModelSource`` over the SDK, so the same server runs beside an embedded store or a remote tether server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from tether.models.package import Model

if TYPE_CHECKING:
    from tether.serving.config import ServedModelConfig


@dataclass(frozen=True)
class LoadedVersion:
    """A model ready to predict, with the registry version it is (``None`` for a run or folder)."""

    version: int | None
    model: Model

    @property
    def label(self) -> str:
        return "" if self.version is None else str(self.version)


class ModelSource(Protocol):
    def resolve(self, uri: str) -> int | None:
        """The registry version ``uri`` names now (an alias may move); ``None`` for runs and folders."""

    def load(self, model: ServedModelConfig, version: int | None) -> LoadedVersion:
        """Load version ``version`` of the model ``model.uri`` names (the URI itself when it is None), on
        the model's device and with its pickle setting."""
