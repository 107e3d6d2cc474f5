"""Typed references: one string that names any object tether keeps, such as ``run:<id>``.

Lineage edges, reports and links in the UI point at objects through these, so one column can hold a
run today and a model version or a dataset version tomorrow. The shapes:

    run:<32 hex>                  a tracking run            RunRef
    experiment:<number>           an experiment             ExperimentRef
    report:<32 hex>               a stored monitoring report ReportRef
    models:/<name>/<version>      a model version           ModelVersionRef
    models:/<name>@<alias>        a model alias (moves)     ModelAliasRef
    data:<name>@<commit>          a dataset version         DataVersionRef
    data:<name>@<branch or tag>   a dataset pointer (moves) DataPointerRef
    pipeline-run:<32 hex>         a pipeline run            PipelineRunRef
    deployment:<name>             a deployment              DeploymentRef

Contracts:
- A ref is an immutable value that is valid by construction: the constructors check their fields.
- ``str(ref)`` is the canonical text and ``Ref.parse(str(ref)) == ref``. Parsing is strict: text that is
  not canonical (``experiment:007``, upper-case hex, spaces around it) is refused, never normalised, so each
  object has exactly one spelling and refs compare and index as plain text.
- Everything is ASCII. Hex ids are lower case; numbers are ASCII digits without leading zeros (so
  ``experiment:²`` and ``experiment:١`` are refused); a commit is the full 64-digit hex content hash.
- Names (of models, aliases, datasets, branches, tags, deployments) follow ``NAME_RULE``; ``/`` and ``@``
  separate the parts of a ref, so a name can never hold them. Names are case-sensitive.
- A model alias and a dataset branch or tag are pointers (``ref.moving`` is true): they name whatever they
  point at now. The domain that owns them resolves them to a version or a commit; lineage links only
  resolved refs. A branch or tag may not be named like a commit, so ``data:<name>@<x>`` is never ambiguous.
- Bad text raises ``InvalidRef``, an ``InvalidInput`` that names the shape that was expected.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Literal, TypeVar

from tether.errors import InvalidInput

RefKind = Literal[
    "run",
    "experiment",
    "report",
    "model-version",
    "model-alias",
    "data-version",
    "data-pointer",
    "pipeline-run",
    "deployment",
]

MAX_NAME_LENGTH = 128
MAX_REF_LENGTH = 300
"""No ref is longer (the longest, a model alias with two names at the limit, is 265 characters)."""
COMMIT_LENGTH = 64
NAME_RULE = (
    f"1 to {MAX_NAME_LENGTH} ASCII letters, digits, '.', '_' or '-', starting with a letter or a digit"
)

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
_HEX_ID = re.compile(r"[0-9a-f]{32}")
_COMMIT = re.compile(rf"[0-9a-f]{{{COMMIT_LENGTH}}}")
_LIKE_COMMIT = re.compile(rf"[0-9a-fA-F]{{{COMMIT_LENGTH}}}")
_NUMBER = re.compile(r"0|[1-9][0-9]{0,17}")
_VERSION = re.compile(r"[1-9][0-9]{0,8}")
_SHOWN = 80

R = TypeVar("R", bound="Ref")


class InvalidRef(InvalidInput, ValueError):
    """Text or fields that do not make a reference; the message shows the expected shape."""


def check_name(what: str, value: object) -> str:
    """``value`` if it is a valid name under ``NAME_RULE``, for domains that create named objects."""
    problem = _name_problem(value)
    if problem:
        raise InvalidRef(f"{what} {problem}; names are {NAME_RULE}")
    return str(value)


class Ref(ABC):
    """A reference to one object; ``Ref.parse`` reads any kind, ``XRef.parse`` only kind X."""

    __slots__ = ()
    kind: ClassVar[RefKind]
    prefix: ClassVar[str]
    shape: ClassVar[str]
    label: ClassVar[str]
    moving: ClassVar[bool] = False

    @property
    @abstractmethod
    def id(self) -> str:
        """The text after the prefix: ``<hex>`` for a run, ``churn/3`` for a model version."""

    @classmethod
    def parse(cls: type[R], text: object) -> R:
        ref = _parse(text)
        if not isinstance(ref, cls):
            raise InvalidRef(f"{_shown(text)} is a {ref.label} reference; expected {cls.shape}")
        return ref

    def __str__(self) -> str:
        return self.prefix + self.id


@dataclass(frozen=True, slots=True)
class RunRef(Ref):
    """A tracking run."""

    kind: ClassVar[RefKind] = "run"
    prefix: ClassVar[str] = "run:"
    shape: ClassVar[str] = "run:<32 hex digits>"
    label: ClassVar[str] = "run"
    run_id: str

    def __post_init__(self) -> None:
        _check_hex_id("the run id", self.run_id)

    @property
    def id(self) -> str:
        return self.run_id


@dataclass(frozen=True, slots=True)
class ExperimentRef(Ref):
    """An experiment; ids are shown as strings ("0" is the default experiment)."""

    kind: ClassVar[RefKind] = "experiment"
    prefix: ClassVar[str] = "experiment:"
    shape: ClassVar[str] = "experiment:<number>"
    label: ClassVar[str] = "experiment"
    experiment_id: str

    def __post_init__(self) -> None:
        if not isinstance(self.experiment_id, str) or not _NUMBER.fullmatch(self.experiment_id):
            raise InvalidRef(
                "the experiment id must be a number in ASCII digits without leading zeros, "
                f"got {_shown(self.experiment_id)}"
            )

    @property
    def id(self) -> str:
        return self.experiment_id


@dataclass(frozen=True, slots=True)
class ReportRef(Ref):
    """A stored monitoring report or test-suite outcome."""

    kind: ClassVar[RefKind] = "report"
    prefix: ClassVar[str] = "report:"
    shape: ClassVar[str] = "report:<32 hex digits>"
    label: ClassVar[str] = "report"
    report_id: str

    def __post_init__(self) -> None:
        _check_hex_id("the report id", self.report_id)

    @property
    def id(self) -> str:
        return self.report_id


@dataclass(frozen=True, slots=True)
class ModelVersionRef(Ref):
    """One version of a registered model; versions count from 1 within each model."""

    kind: ClassVar[RefKind] = "model-version"
    prefix: ClassVar[str] = "models:/"
    shape: ClassVar[str] = "models:/<name>/<version>"
    label: ClassVar[str] = "model version"
    name: str
    version: int

    def __post_init__(self) -> None:
        check_name("the model name", self.name)
        if type(self.version) is not int or not 1 <= self.version < 10**9:
            raise InvalidRef(f"the model version must be a whole number from 1, got {self.version!r}")

    @property
    def id(self) -> str:
        return f"{self.name}/{self.version}"


@dataclass(frozen=True, slots=True)
class ModelAliasRef(Ref):
    """An alias of a registered model (``champion``): a pointer the registry moves between versions."""

    kind: ClassVar[RefKind] = "model-alias"
    prefix: ClassVar[str] = "models:/"
    shape: ClassVar[str] = "models:/<name>@<alias>"
    label: ClassVar[str] = "model alias"
    moving: ClassVar[bool] = True
    name: str
    alias: str

    def __post_init__(self) -> None:
        check_name("the model name", self.name)
        check_name("the alias", self.alias)

    @property
    def id(self) -> str:
        return f"{self.name}@{self.alias}"


@dataclass(frozen=True, slots=True)
class DataVersionRef(Ref):
    """One version of a dataset: the dataset's name and the full content hash of a commit."""

    kind: ClassVar[RefKind] = "data-version"
    prefix: ClassVar[str] = "data:"
    shape: ClassVar[str] = f"data:<name>@<commit: {COMMIT_LENGTH} hex digits>"
    label: ClassVar[str] = "dataset version"
    name: str
    commit: str

    def __post_init__(self) -> None:
        check_name("the dataset name", self.name)
        if not isinstance(self.commit, str) or not _COMMIT.fullmatch(self.commit):
            raise InvalidRef(
                f"the commit must be {COMMIT_LENGTH} lowercase hex digits, got {_shown(self.commit)}"
            )

    @property
    def id(self) -> str:
        return f"{self.name}@{self.commit}"


@dataclass(frozen=True, slots=True)
class DataPointerRef(Ref):
    """A branch or tag of a dataset: a name the data domain resolves to a commit (a DataVersionRef)."""

    kind: ClassVar[RefKind] = "data-pointer"
    prefix: ClassVar[str] = "data:"
    shape: ClassVar[str] = "data:<name>@<branch or tag>"
    label: ClassVar[str] = "dataset branch or tag"
    moving: ClassVar[bool] = True
    name: str
    pointer: str

    def __post_init__(self) -> None:
        check_name("the dataset name", self.name)
        check_branch_or_tag(self.pointer)

    @property
    def id(self) -> str:
        return f"{self.name}@{self.pointer}"


@dataclass(frozen=True, slots=True)
class PipelineRunRef(Ref):
    """One run of a pipeline."""

    kind: ClassVar[RefKind] = "pipeline-run"
    prefix: ClassVar[str] = "pipeline-run:"
    shape: ClassVar[str] = "pipeline-run:<32 hex digits>"
    label: ClassVar[str] = "pipeline run"
    pipeline_run_id: str

    def __post_init__(self) -> None:
        _check_hex_id("the pipeline run id", self.pipeline_run_id)

    @property
    def id(self) -> str:
        return self.pipeline_run_id


@dataclass(frozen=True, slots=True)
class DeploymentRef(Ref):
    """A deployment: a named endpoint that serves model versions."""

    kind: ClassVar[RefKind] = "deployment"
    prefix: ClassVar[str] = "deployment:"
    shape: ClassVar[str] = "deployment:<name>"
    label: ClassVar[str] = "deployment"
    name: str

    def __post_init__(self) -> None:
        check_name("the deployment name", self.name)

    @property
    def id(self) -> str:
        return self.name


REF_TYPES: tuple[type[Ref], ...] = (
    RunRef,
    ExperimentRef,
    ReportRef,
    ModelVersionRef,
    ModelAliasRef,
    DataVersionRef,
    DataPointerRef,
    PipelineRunRef,
    DeploymentRef,
)
"""Every kind of reference, in the order the error messages list them."""

_SHAPES = ", ".join(cls.shape for cls in REF_TYPES)


def check_branch_or_tag(value: str) -> str:
    """A dataset branch or tag name: a name, and not one a reader would take for a commit id."""
    check_name("the branch or tag", value)
    if _LIKE_COMMIT.fullmatch(value):
        raise InvalidRef(
            f"the branch or tag {value!r} looks like a commit; a branch or tag may not be "
            f"{COMMIT_LENGTH} hex digits"
        )
    return value


def _parse(text: object) -> Ref:
    if not isinstance(text, str):
        raise InvalidRef(f"a reference is text, got {type(text).__name__}")
    if len(text) > MAX_REF_LENGTH:
        raise InvalidRef(
            f"{_shown(text)} is {len(text)} characters long; a reference has at most {MAX_REF_LENGTH}"
        )
    for prefix, read, label, shape in _READERS:
        if text.startswith(prefix):
            try:
                return read(text[len(prefix) :])
            except InvalidRef as error:
                raise InvalidRef(
                    f"{_shown(text)} is not a valid {label} reference: {error.message}; expected {shape}"
                ) from None
    raise InvalidRef(f"{_shown(text)} is not a reference; references look like {_SHAPES}")


def _read_model(body: str) -> Ref:
    if "@" in body:
        name, _, alias = body.partition("@")
        return ModelAliasRef(name, alias)
    name, slash, version = body.partition("/")
    if not slash:
        raise InvalidRef("a '/<version>' or an '@<alias>' must follow the model name")
    if not _VERSION.fullmatch(version):
        raise InvalidRef(
            f"the model version must be a whole number from 1 without leading zeros, got {_shown(version)}"
        )
    return ModelVersionRef(name, int(version))


def _read_data(body: str) -> Ref:
    name, at, revision = body.partition("@")
    if not at:
        raise InvalidRef("an '@<commit>' or an '@<branch or tag>' must follow the dataset name")
    if _COMMIT.fullmatch(revision):
        return DataVersionRef(name, revision)
    return DataPointerRef(name, revision)


_READERS: tuple[tuple[str, Callable[[str], Ref], str, str], ...] = (
    ("run:", RunRef, "run", RunRef.shape),
    ("experiment:", ExperimentRef, "experiment", ExperimentRef.shape),
    ("report:", ReportRef, "report", ReportRef.shape),
    ("models:/", _read_model, "model", f"{ModelVersionRef.shape} or {ModelAliasRef.shape}"),
    ("data:", _read_data, "dataset", f"{DataVersionRef.shape} or {DataPointerRef.shape}"),
    ("pipeline-run:", PipelineRunRef, "pipeline run", PipelineRunRef.shape),
    ("deployment:", DeploymentRef, "deployment", DeploymentRef.shape),
)


def _check_hex_id(what: str, value: object) -> None:
    if not isinstance(value, str) or not _HEX_ID.fullmatch(value):
        raise InvalidRef(f"{what} must be 32 lowercase hex digits, got {_shown(value)}")


def _name_problem(value: object) -> str:
    """Why ``value`` is not a name, or "" when it is one."""
    if not isinstance(value, str):
        return f"must be text, got {type(value).__name__}"
    if not value:
        return "is empty"
    if len(value) > MAX_NAME_LENGTH:
        return f"is {len(value)} characters long"
    bad = next((char for char in value if char not in _NAME_CHARS), None)
    if bad is not None:
        return f"{_shown(value)} holds {bad!r}, which names may not"
    if not value[0].isalnum():
        return f"{_shown(value)} starts with {value[0]!r}"
    return ""


def _shown(value: object) -> str:
    """``repr`` of a value cut to a readable length, for error messages about arbitrary input."""
    shown = repr(value)
    return shown if len(shown) <= _SHOWN else shown[: _SHOWN - 4] + "...'"
