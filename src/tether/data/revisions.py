"""Reading revisions: ``churn``, ``churn@main``, ``data:churn@v3``, ``churn@3f2a9c1~2`` to one commit row.

``~N`` walks N first parents back (``main~1`` is the commit before the branch's head). A name that is a
branch or tag wins over a commit prefix, and refs.py forbids branch or tag names shaped like a full commit,
so a 64-digit id always means that commit.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row

from tether.data import queries
from tether.data.schemas import DEFAULT_BRANCH, MIN_PREFIX, split_spec
from tether.errors import InvalidInput, NotFound
from tether.refs import check_name

_STEPS = re.compile(r"^(.*?)((?:~\d*)*)$")
_HEX = re.compile(r"^[0-9a-f]+$")
MAX_STEPS = 100_000


@dataclass(frozen=True)
class Spec:
    """A parsed ``<name>[@<rev>]``: the dataset, the revision's base, and how many first parents back."""

    dataset: str
    base: str
    back: int


def parse_spec(text: str) -> Spec:
    """The parts of a dataset spec; InvalidInput naming the part that is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("a dataset spec is <name>[@<revision>], such as churn or churn@main~1")
    name, revision = split_spec(text)
    check_name("the dataset name", name)
    base, steps = _split_steps(revision or DEFAULT_BRANCH)
    return Spec(name, base, steps)


def _split_steps(revision: str) -> tuple[str, int]:
    found = _STEPS.match(revision)
    assert found is not None  # the pattern matches any text
    base, suffix = found.group(1), found.group(2)
    if not base:
        raise InvalidInput(f"{revision!r}: a revision is a branch, a tag or a commit, then optional ~N")
    back = sum(int(step) if step else 1 for step in suffix.split("~")[1:])
    if back > MAX_STEPS:
        raise InvalidInput(f"{revision!r} goes back more than {MAX_STEPS} commits")
    return base, back


def dataset_of(conn: Connection, name: str) -> Row[Any]:
    row = queries.dataset_row(conn, name)
    if row is None:
        raise NotFound(f"no dataset named {name!r}")
    return row


def resolve(conn: Connection, spec: Spec) -> Row[Any]:
    """The commit row ``spec`` names."""
    dataset = dataset_of(conn, spec.dataset)
    row = _base(conn, dataset, spec)
    for step in range(spec.back):
        parents = json.loads(row.parents)
        if not parents:
            raise NotFound(
                f"{spec.dataset}@{spec.base}~{spec.back}: the history has only {step + 1} commit(s) there"
            )
        row = _commit(conn, parents[0])
    return row


def _base(conn: Connection, dataset: Row[Any], spec: Spec) -> Row[Any]:
    ref = queries.ref_row(conn, dataset.dataset_id, spec.base)
    if ref is not None:
        return _commit(conn, ref.commit_id)
    if len(spec.base) >= MIN_PREFIX and _HEX.match(spec.base):
        found = queries.commits_with_prefix(conn, dataset.dataset_id, spec.base)
        if len(found) == 1:
            return found[0]
        if found:
            raise InvalidInput(f"{spec.base!r} is the start of more than one commit of {spec.dataset!r}")
    refs = ", ".join(row.name for row in queries.ref_rows(conn, [dataset.dataset_id])) or "none yet"
    raise NotFound(
        f"dataset {spec.dataset!r} has no branch, tag or commit {spec.base!r} (its branches and tags: {refs})"
    )


def _commit(conn: Connection, commit_id: str) -> Row[Any]:
    row = queries.commit_row(conn, commit_id)
    if row is None:
        raise NotFound(f"no data commit {commit_id}")
    return row
