"""Typed references: every kind round-trips, parsing is strict and canonical, bad text is an InvalidRef."""

from __future__ import annotations

import dataclasses
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tether.errors import InvalidInput
from tether.refs import (
    COMMIT_LENGTH,
    MAX_NAME_LENGTH,
    MAX_REF_LENGTH,
    REF_TYPES,
    DataPointerRef,
    DataVersionRef,
    DeploymentRef,
    ExperimentRef,
    InvalidRef,
    ModelAliasRef,
    ModelVersionRef,
    PipelineRunRef,
    Ref,
    ReportRef,
    RunRef,
    check_name,
)

RUN = "0123456789abcdef" * 2
COMMIT = "ab" * 32

hex_ids = st.text("0123456789abcdef", min_size=32, max_size=32)
commits = st.text("0123456789abcdef", min_size=COMMIT_LENGTH, max_size=COMMIT_LENGTH)
names = st.from_regex(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{MAX_NAME_LENGTH - 1}}}", fullmatch=True)
pointers = names.filter(
    lambda name: not (len(name) == COMMIT_LENGTH and all(c in string.hexdigits for c in name))
)
refs = st.one_of(
    hex_ids.map(RunRef),
    st.integers(0, 10**18 - 1).map(lambda n: ExperimentRef(str(n))),
    hex_ids.map(ReportRef),
    st.builds(ModelVersionRef, names, st.integers(1, 10**9 - 1)),
    st.builds(ModelAliasRef, names, names),
    st.builds(DataVersionRef, names, commits),
    st.builds(DataPointerRef, names, pointers),
    hex_ids.map(PipelineRunRef),
    names.map(DeploymentRef),
)
prefixes = st.sampled_from(
    ["run:", "experiment:", "report:", "models:/", "data:", "pipeline-run:", "deployment:"]
)


@settings(max_examples=300, deadline=None)
@given(refs)
def test_every_ref_round_trips_through_its_text(ref: Ref) -> None:
    text = str(ref)
    assert Ref.parse(text) == ref
    assert type(ref).parse(text) == ref
    assert str(Ref.parse(text)) == text
    assert len(text) <= MAX_REF_LENGTH
    assert text.startswith(ref.prefix) and text == ref.prefix + ref.id


@st.composite
def near_misses(draw: st.DrawFn) -> str:
    """The text of a valid ref with one character inserted, replaced or deleted."""
    text = str(draw(refs))
    at = draw(st.integers(0, len(text) - 1))
    char = draw(st.one_of(st.characters(), st.sampled_from("²١٣0aA/@:.-_ \n\t\x00")))
    how = draw(st.sampled_from(["insert", "replace", "delete"]))
    if how == "insert":
        return text[:at] + char + text[at:]
    return text[:at] + (char if how == "replace" else "") + text[at + 1 :]


@settings(max_examples=1000, deadline=None)
@given(st.one_of(st.text(), st.builds(str.__add__, prefixes, st.text()), near_misses()))
def test_any_text_is_a_canonical_ref_or_an_invalid_ref(text: str) -> None:
    try:
        ref = Ref.parse(text)
    except InvalidRef as error:
        assert error.message
    else:
        assert str(ref) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"run:{RUN}", RunRef(RUN)),
        ("experiment:0", ExperimentRef("0")),
        ("experiment:42", ExperimentRef("42")),
        (f"report:{RUN}", ReportRef(RUN)),
        ("models:/churn/3", ModelVersionRef("churn", 3)),
        ("models:/churn@champion", ModelAliasRef("churn", "champion")),
        ("models:/churn.v2-gbm_1/12", ModelVersionRef("churn.v2-gbm_1", 12)),
        (f"data:images@{COMMIT}", DataVersionRef("images", COMMIT)),
        ("data:images@main", DataPointerRef("images", "main")),
        ("data:images@v1.0", DataPointerRef("images", "v1.0")),
        ("data:images@abc123", DataPointerRef("images", "abc123")),
        (f"pipeline-run:{RUN}", PipelineRunRef(RUN)),
        ("deployment:churn-prod", DeploymentRef("churn-prod")),
    ],
)
def test_each_shape_parses_to_its_kind(text: str, expected: Ref) -> None:
    ref = Ref.parse(text)
    assert ref == expected and type(ref) is type(expected)
    assert str(ref) == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("wat", "is not a reference; references look like run:<32 hex digits>, experiment:<number>"),
        ("", "is not a reference"),
        ("model:churn/3", "references look like .*models:/<name>/<version>"),
        ("run:nothex", "not a valid run reference: the run id must be 32 lowercase hex digits"),
        (f"run:{RUN.upper()}", "not a valid run reference"),
        (f"run:{RUN}\n", "not a valid run reference"),
        (f" run:{RUN}", "is not a reference"),
        ("experiment:²", "not a valid experiment reference: the experiment id must be a number in ASCII"),
        ("experiment:١", "ASCII digits"),
        ("experiment:007", "without leading zeros"),
        ("experiment:-1", "experiment id"),
        ("experiment:", "experiment id"),
        ("models:/churn", "a '/<version>' or an '@<alias>' must follow the model name"),
        ("models:/churn/0", "the model version must be a whole number from 1"),
        ("models:/churn/03", "without leading zeros"),
        ("models:/churn/٣", "the model version"),
        ("models:/churn/3/4", "the model version"),
        ("models:/ch urn/3", "the model name 'ch urn' holds ' ', which names may not"),
        ("models:/-churn/3", "starts with '-'"),
        ("models:/churn@", "the alias is empty"),
        ("models:/churn@a@b", "the alias 'a@b' holds '@'"),
        ("models:/churn@x/3", "the alias 'x/3' holds '/'"),
        ("models:/@x", "the model name is empty"),
        ("models:/modèle/1", "holds 'è'"),
        ("data:images", "an '@<commit>' or an '@<branch or tag>' must follow the dataset name"),
        ("data:images@", "the branch or tag is empty"),
        (f"data:images@{COMMIT.upper()}", "looks like a commit"),
        ("data:im/ages@main", "the dataset name 'im/ages' holds '/'"),
        ("data:images@feature/x", "holds '/'"),
        ("deployment:", "the deployment name is empty"),
        ("deployment:a\x00b", "holds '.x00'"),
        ("deployment:" + "a" * 129, "is 129 characters long; names are 1 to 128"),
        ("deployment:" + "a" * 400, "is 411 characters long; a reference has at most 300"),
        ("pipeline-run:xyz", "not a valid pipeline run reference"),
    ],
)
def test_bad_text_is_refused_with_the_expected_shape(text: str, message: str) -> None:
    with pytest.raises(InvalidRef, match=message):
        Ref.parse(text)


def test_a_bad_ref_is_bad_input_and_a_value_error() -> None:
    with pytest.raises(InvalidInput) as caught:
        Ref.parse("run:x")
    assert isinstance(caught.value, ValueError) and caught.value.code == "INVALID_INPUT"


def test_parse_refuses_what_is_not_text() -> None:
    for value in (None, 3, b"run:x", ["run:x"]):
        with pytest.raises(InvalidRef, match="a reference is text"):
            Ref.parse(value)


def test_long_input_is_cut_in_the_message() -> None:
    with pytest.raises(InvalidRef) as caught:
        Ref.parse("x" * 10_000)
    assert len(caught.value.message) < 600


def test_a_kind_parses_only_its_own_text() -> None:
    assert ModelVersionRef.parse("models:/churn/3") == ModelVersionRef("churn", 3)
    with pytest.raises(InvalidRef, match="is a model alias reference; expected models:/<name>/<version>"):
        ModelVersionRef.parse("models:/churn@champion")
    with pytest.raises(
        InvalidRef, match="is a dataset branch or tag reference; expected data:<name>@<commit"
    ):
        DataVersionRef.parse("data:images@main")
    with pytest.raises(InvalidRef, match="not a valid run reference"):
        RunRef.parse("run:x")


@pytest.mark.parametrize(
    "build",
    [
        lambda: RunRef("x"),
        lambda: ReportRef(RUN.upper()),
        lambda: PipelineRunRef(3),
        lambda: ExperimentRef(3),
        lambda: ExperimentRef("01"),
        lambda: ModelVersionRef("churn", 0),
        lambda: ModelVersionRef("churn", True),
        lambda: ModelVersionRef("churn", "3"),
        lambda: ModelVersionRef("churn", 10**9),
        lambda: ModelAliasRef("churn", "a b"),
        lambda: DataVersionRef("images", "abc"),
        lambda: DataPointerRef("images", COMMIT),
        lambda: DeploymentRef(""),
        lambda: DeploymentRef(None),
    ],
)
def test_constructors_refuse_invalid_fields(build: object) -> None:
    with pytest.raises(InvalidRef):
        build()  # type: ignore[operator]


def test_refs_are_immutable_hashable_values_with_a_readable_repr() -> None:
    ref = ModelVersionRef("churn", 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ref.version = 4  # type: ignore[misc]
    assert {ref, ModelVersionRef("churn", 3)} == {ref}
    assert ref != ModelAliasRef("churn", "3") and RunRef(RUN) != ReportRef(RUN)
    assert repr(ref) == "ModelVersionRef(name='churn', version=3)"
    assert str(ref) == "models:/churn/3"


def test_pointers_say_that_they_move() -> None:
    moving = {cls.kind for cls in REF_TYPES if cls.moving}
    assert moving == {"model-alias", "data-pointer"}
    assert ModelAliasRef("churn", "champion").moving and not ModelVersionRef("churn", 1).moving


def test_kinds_are_distinct_and_every_longest_ref_fits_the_limit() -> None:
    assert len({cls.kind for cls in REF_TYPES}) == len(REF_TYPES)
    name = "n" * MAX_NAME_LENGTH
    longest = [ModelAliasRef(name, name), DataPointerRef(name, name), ModelVersionRef(name, 10**9 - 1)]
    assert max(len(str(ref)) for ref in longest) <= MAX_REF_LENGTH


def test_check_name_is_the_rule_for_new_names() -> None:
    assert check_name("the model name", "churn-2") == "churn-2"
    with pytest.raises(InvalidRef, match="the model name 'a/b' holds '/'"):
        check_name("the model name", "a/b")
    with pytest.raises(InvalidRef, match="the model name must be text"):
        check_name("the model name", 3)
