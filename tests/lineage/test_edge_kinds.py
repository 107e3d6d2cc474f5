"""Edge kinds: a closed, documented set, and the check that refuses edges that cannot mean anything."""

from __future__ import annotations

from typing import get_args

import pytest

from tether.errors import InvalidInput
from tether.lineage.kinds import EDGE_RULES, EdgeKind, check_edge, check_resolved
from tether.refs import (
    REF_TYPES,
    DataPointerRef,
    DataVersionRef,
    DeploymentRef,
    ExperimentRef,
    ModelAliasRef,
    ModelVersionRef,
    ReportRef,
    RunRef,
)

RUN = RunRef("a" * 32)
MODEL = ModelVersionRef("churn", 3)
DATA = DataVersionRef("images", "c" * 64)


def test_every_kind_has_a_rule_between_resolved_kinds_of_ref() -> None:
    assert tuple(EDGE_RULES) == get_args(EdgeKind)
    resolved = {cls.kind for cls in REF_TYPES if not cls.moving}
    for rule in EDGE_RULES.values():
        assert rule.doc and rule.sources and rule.targets
        assert rule.sources <= resolved and rule.targets <= resolved


@pytest.mark.parametrize(
    ("src", "dst", "kind"),
    [
        (DATA, RUN, "used"),
        (RUN, MODEL, "produced"),
        (RUN, ReportRef("b" * 32), "judged"),
        (MODEL, DeploymentRef("churn"), "deployed"),
        (MODEL, ModelVersionRef("churn-prod", 1), "registered_from"),
        (DATA, DataVersionRef("images-small", "d" * 64), "derived"),
    ],
)
def test_edges_the_domains_need_are_accepted(src: object, dst: object, kind: str) -> None:
    assert check_edge(src, dst, kind) == kind  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("src", "dst", "kind", "message"),
    [
        (RUN, RUN, "produced", "two different objects; both ends are run:a"),
        (RUN, MODEL, "made", "unknown edge kind 'made'; the kinds are used, produced, launched, judged"),
        (RUN, MODEL, None, "unknown edge kind None"),
        (
            MODEL,
            RUN,
            "produced",
            "a 'produced' edge goes from a deployment, a pipeline run or a run to a dataset version or a "
            "model version; got model version -> run",
        ),
        (ExperimentRef("1"), ReportRef("b" * 32), "judged", "got experiment -> report"),
        (RUN, ModelAliasRef("churn", "champion"), "produced", "is a model alias, a pointer that moves"),
        (DataPointerRef("images", "main"), RUN, "used", "resolve it to a version or a commit first"),
    ],
)
def test_edges_that_mean_nothing_are_refused(src: object, dst: object, kind: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        check_edge(src, dst, kind)  # type: ignore[arg-type]


def test_check_resolved_passes_versions_and_refuses_pointers() -> None:
    assert check_resolved(MODEL) is MODEL
    with pytest.raises(InvalidInput, match="pointer"):
        check_resolved(ModelAliasRef("churn", "champion"))
