"""The one error tree of tether.

Every error a user can see is a ``TetherError`` subclass with a stable ``code`` (used on the wire and in
scripts) and the HTTP status a server answers with. Lower-level exceptions (SQLAlchemy, fsspec, OS errors)
are translated into these at the boundary where they occur, so callers never need to know which database
or object store is underneath.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar


class TetherError(Exception):
    """Base class: something went wrong that tether can explain."""

    code: ClassVar[str] = "INTERNAL_ERROR"
    http_status: ClassVar[int] = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class DeprecatedModelWarning(UserWarning):
    """A model version marked ``deprecated`` (or ``archived``) in the registry was loaded: it works, but
    its owners want it replaced. ``warnings.filterwarnings("ignore", category=DeprecatedModelWarning)``
    hides it."""


# --- the caller asked for something that is not there -------------------------------------------------


class NotFound(TetherError):
    """The named object does not exist."""

    code = "NOT_FOUND"
    http_status = 404


# --- the caller's request conflicts with what is stored ------------------------------------------------


class AlreadyExists(TetherError):
    """An object with that name or id already exists."""

    code = "ALREADY_EXISTS"
    http_status = 409


class Conflict(TetherError):
    """The request contradicts stored state (a changed param, a write to a deleted run)."""

    code = "CONFLICT"
    http_status = 409


# --- the request itself is wrong -----------------------------------------------------------------------


class InvalidInput(TetherError):
    """A value is malformed, out of range or over a size limit."""

    code = "INVALID_INPUT"
    http_status = 400


class InvalidFilter(InvalidInput):
    """A search filter or order-by expression does not parse; the message points at the token."""

    code = "INVALID_FILTER"

    def __init__(self, message: str, text: str = "", position: int = -1) -> None:
        if text and position >= 0:
            message = f"{message}\n  {text}\n  {' ' * position}^"
        super().__init__(message)
        self.text = text
        self.position = position


class UnsafePath(InvalidInput):
    """A path would escape its root or uses an encoding trick."""

    code = "UNSAFE_PATH"


class UnknownName(InvalidInput):
    """A name (of a stat test, a metric type, a suite test type…) that its catalog does not hold."""

    code = "UNKNOWN_NAME"

    def __init__(self, message: str, name: str = "", known: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.name = name
        self.known = list(known)


class UnsafeLink(UnsafePath):
    """A path inside the blob store is a symbolic link (or another non-regular file); it is never followed."""

    code = "UNSAFE_LINK"


class InvalidData(InvalidInput):
    """Data handed to a monitoring report cannot be used: empty, a missing column, unreadable types."""

    code = "INVALID_DATA"


class SignatureMismatch(InvalidInput):
    """Data does not fit a model's signature (a missing column, a wrong type or shape), or has none."""

    code = "SIGNATURE_MISMATCH"


class UnsafeModel(InvalidInput):
    """Loading this model would run code from the package (pickle, an untrusted type) without an opt-in."""

    code = "UNSAFE_MODEL"


class CorruptPackage(InvalidInput):
    """A model package does not match its manifest: a file changed, went missing or was added."""

    code = "CORRUPT_PACKAGE"


class InvalidSignature(InvalidInput):
    """A webhook delivery's signature is missing, malformed, too old, or not made with the secret."""

    code = "INVALID_SIGNATURE"


class TooLarge(InvalidInput):
    """A request body or upload is over the server's size limit."""

    code = "TOO_LARGE"
    http_status = 413


# --- who is asking ----------------------------------------------------------------------------------


class Unauthenticated(TetherError):
    """The request carries no valid credentials."""

    code = "UNAUTHENTICATED"
    http_status = 401


class PermissionDenied(TetherError):
    """The caller is known but may not do this."""

    code = "PERMISSION_DENIED"
    http_status = 403


class TryLater(TetherError):
    """Refused for now; ``retry_after_s`` (sent as ``Retry-After``) says when trying again may work."""

    def __init__(self, message: str, retry_after_s: int | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class RateLimited(TryLater):
    """Too many attempts in a short time; try again later."""

    code = "TOO_MANY_REQUESTS"
    http_status = 429


# --- the environment ---------------------------------------------------------------------------------


class StorageError(TetherError):
    """The metadata database or the blob store failed in a way the caller cannot fix."""

    code = "STORAGE_ERROR"
    http_status = 503


class CorruptObject(StorageError):
    """A stored data object no longer matches its content hash; it is reported, never returned."""

    code = "CORRUPT_OBJECT"
    http_status = 500


class Overloaded(TryLater):
    """A model server's queue is full; the request was not taken and can be sent again after a while."""

    code = "OVERLOADED"
    http_status = 503


class WorkerUnavailable(TryLater):
    """None of a model server's workers that hold the model could be reached (one may be restarting)."""

    code = "UNAVAILABLE"
    http_status = 503


class ModelFailed(TetherError):
    """A served model raised an error while predicting on input that fits its signature."""

    code = "MODEL_ERROR"
    http_status = 500


class ConfigError(TetherError):
    """A setting (environment variable or file) has an unusable value."""

    code = "CONFIG_ERROR"
    http_status = 500


class SourceFailed(TetherError):
    """Another tool's store, read by an import, refused a request or could not be reached."""

    code = "SOURCE_ERROR"
    http_status = 502


ERRORS_BY_CODE: dict[str, type[TetherError]] = {
    cls.code: cls
    for cls in (
        TetherError,
        NotFound,
        AlreadyExists,
        Conflict,
        InvalidInput,
        InvalidFilter,
        UnsafePath,
        UnknownName,
        UnsafeLink,
        InvalidData,
        SignatureMismatch,
        UnsafeModel,
        CorruptPackage,
        InvalidSignature,
        TooLarge,
        Unauthenticated,
        PermissionDenied,
        RateLimited,
        StorageError,
        CorruptObject,
        Overloaded,
        WorkerUnavailable,
        ModelFailed,
        ConfigError,
        SourceFailed,
    )
}
"""Lets a remote client raise the same class the server's service raised."""
