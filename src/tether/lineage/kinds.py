"""The closed set of edge kinds, each with what it means and which kinds of ref it may join.

Direction is always upstream to downstream: ``src`` is what ``dst`` came from, was made by or is about.
A new kind is a new entry here (and in ``EdgeKind``), so what an edge may mean is written down in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from tether.errors import InvalidInput
from tether.refs import REF_TYPES, Ref, RefKind

EdgeKind = Literal["used", "produced", "launched", "judged", "registered_from", "deployed", "derived"]


@dataclass(frozen=True)
class EdgeRule:
    """What one kind of edge means, and the ref kinds allowed at each end."""

    doc: str
    sources: frozenset[RefKind]
    targets: frozenset[RefKind]


EDGE_RULES: dict[EdgeKind, EdgeRule] = {
    "used": EdgeRule(
        "dst read src as an input: a run or pipeline run trained on a dataset version or started from a "
        "model version; a report compared a dataset version",
        frozenset({"data-version", "model-version"}),
        frozenset({"run", "pipeline-run", "report"}),
    ),
    "produced": EdgeRule(
        "src made dst as an output: a run trained a model version, a pipeline run wrote a dataset "
        "version, a deployment's prediction log became a dataset version",
        frozenset({"run", "pipeline-run", "deployment"}),
        frozenset({"model-version", "data-version"}),
    ),
    "launched": EdgeRule(
        "dst ran as part of src: the tracking run of a pipeline step, or a pipeline run started by another",
        frozenset({"pipeline-run"}),
        frozenset({"run", "pipeline-run"}),
    ),
    "judged": EdgeRule(
        "dst is a monitoring report or test-suite outcome about src",
        frozenset({"run", "model-version", "data-version", "pipeline-run", "deployment"}),
        frozenset({"report"}),
    ),
    "registered_from": EdgeRule(
        "dst is a model version registered as a copy of src, such as a promotion from a staging model "
        "to a production model",
        frozenset({"model-version"}),
        frozenset({"model-version"}),
    ),
    "deployed": EdgeRule(
        "dst serves, or served, src; each rollout adds an edge, so the edges' times are its history",
        frozenset({"model-version"}),
        frozenset({"deployment"}),
    ),
    "derived": EdgeRule(
        "dst was made from src without a tracked run: an import, a copy into another dataset, a split",
        frozenset({"data-version"}),
        frozenset({"data-version"}),
    ),
}

_LABELS: dict[RefKind, str] = {cls.kind: cls.label for cls in REF_TYPES}


def check_edge(src: Ref, dst: Ref, kind: object) -> EdgeKind:
    """``kind`` if an edge of that kind may join ``src`` to ``dst``; otherwise InvalidInput saying why."""
    check_resolved(src)
    check_resolved(dst)
    if src == dst:
        raise InvalidInput(f"an edge must join two different objects; both ends are {src}")
    known = next((name for name in EDGE_RULES if name == kind), None)
    if known is None:
        raise InvalidInput(f"unknown edge kind {kind!r}; the kinds are {', '.join(EDGE_RULES)}")
    rule = EDGE_RULES[known]
    if src.kind not in rule.sources or dst.kind not in rule.targets:
        raise InvalidInput(
            f"a {known!r} edge goes from {_either(rule.sources)} to {_either(rule.targets)}; "
            f"got {src.label} -> {dst.label} ({src} -> {dst})"
        )
    return known


def check_resolved(ref: Ref) -> Ref:
    """``ref`` unless it is a pointer (a model alias, a dataset branch or tag), which lineage never holds."""
    if ref.moving:
        raise InvalidInput(
            f"{ref} is a {ref.label}, a pointer that moves; lineage links what it points at, so "
            "resolve it to a version or a commit first"
        )
    return ref


def _either(kinds: Iterable[RefKind]) -> str:
    labels = sorted(f"a {_LABELS[kind]}" for kind in kinds)
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]
