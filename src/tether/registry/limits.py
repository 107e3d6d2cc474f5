"""What the registry accepts: names, versions, descriptions, tags and package sources, checked up front."""

from __future__ import annotations

from collections.abc import Mapping
from typing import get_args

from tether.errors import InvalidInput
from tether.registry.schemas import VersionStatus
from tether.tracking import limits

RUNS_SCHEME = "runs:/"
MAX_DESCRIPTION = 20_000
MAX_TAGS = 1000
MAX_TAG_VALUE = 8000
MAX_SOURCE = 1024


def source_parts(source: object) -> tuple[str, str]:
    """The run id and the package's path in a ``runs:/<run id>/<path>`` URI."""
    if not isinstance(source, str) or not source.startswith(RUNS_SCHEME) or len(source) > MAX_SOURCE:
        raise InvalidInput(f"a version's source must be a runs:/<run id>/<path> URI, got {source!r}")
    run_id, _, path = source[len(RUNS_SCHEME) :].partition("/")
    path = path.strip("/")
    if not path:
        raise InvalidInput(f"the source {source!r} names no path inside the run (runs:/<run id>/<path>)")
    return run_id, path


def check_version(version: object) -> None:
    if type(version) is not int or not 1 <= version < 10**9:
        raise InvalidInput(f"a model version is a whole number from 1, got {version!r}")


def check_status(status: object) -> None:
    if status not in get_args(VersionStatus):
        raise InvalidInput(
            f"a version's status is one of {', '.join(get_args(VersionStatus))}, got {status!r}"
        )


def check_description(description: object) -> None:
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION:
        raise InvalidInput(f"a description is text of at most {MAX_DESCRIPTION} characters")
    limits.check_text("the description", description)


def checked_tags(tags: Mapping[str, str] | None) -> dict[str, str]:
    return limits.check_values("model tag", tags or {}, MAX_TAG_VALUE, MAX_TAGS)
