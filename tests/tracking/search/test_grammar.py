"""The run-search filter and order-by grammar: what parses to what, and where errors point."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tether.errors import InvalidFilter
from tether.tracking.search import Clause, OrderKey, format_filter, parse_filter, parse_order_by
from tether.tracking.search.grammar import (
    ENTITY_PREFIXES,
    NUMERIC_ATTRIBUTES,
    STRING_ATTRIBUTES,
    allowed_comparators,
    has_dangling_escape,
    is_numeric,
)


def one(text: str) -> Clause:
    clauses = parse_filter(text)
    assert len(clauses) == 1
    return clauses[0]


def error_of(text: str) -> InvalidFilter:
    with pytest.raises(InvalidFilter) as caught:
        parse_filter(text)
    return caught.value


@pytest.mark.parametrize("text", ["", " ", "\t\n  \r"])
def test_a_blank_filter_has_no_clauses(text: str) -> None:
    assert parse_filter(text) == []


# --- entities, keys and quoting -----------------------------------------------------------------------------


@pytest.mark.parametrize(("prefix", "entity"), sorted(ENTITY_PREFIXES.items()))
def test_every_entity_prefix_and_alias(prefix: str, entity: str) -> None:
    key, value_text, value = {
        "metric": ("loss", "1", 1.0),
        "param": ("lr", "'0.1'", "0.1"),
        "tag": ("team", "'a'", "a"),
        "attribute": ("status", "'FINISHED'", "FINISHED"),
    }[entity]
    assert one(f"{prefix}.{key} = {value_text}") == Clause(entity, key, "=", value)
    assert one(f"{prefix.upper()}.{key} = {value_text}").entity == entity


@pytest.mark.parametrize(
    ("text", "entity", "key"),
    [
        ("metrics.`my metric` > 1", "metric", "my metric"),
        ('metrics."my metric" > 1', "metric", "my metric"),
        ("tags.mlflow.user = 'a'", "tag", "mlflow.user"),
        ("tags.\"mlflow.runName\" = 'a'", "tag", "mlflow.runName"),
        ("tags.`mlflow.runName` = 'a'", "tag", "mlflow.runName"),
        ("params.a:b/c-d_e.f = 'a'", "param", "a:b/c-d_e.f"),
        ("params.`it``s` = 'a'", "param", "it`s"),
        ("params.`back\\`tick` = 'a'", "param", "back`tick"),
        ('params."say ""hi""" = \'a\'', "param", 'say "hi"'),
        ("params.`x AND y = 'z'` = 'a'", "param", "x AND y = 'z'"),
        ("metrics.`ünïcødé ✓` < 1", "metric", "ünïcødé ✓"),
        ("metrics.123 < 1", "metric", "123"),
        ("metrics.a..b < 1", "metric", "a..b"),
    ],
)
def test_keys_may_be_dotted_or_quoted(text: str, entity: str, key: str) -> None:
    clause = one(text)
    assert (clause.entity, clause.key) == (entity, key)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("run_id = 'a'", "run_id"),
        ("run_name = 'a'", "run_name"),
        ("status = 'a'", "status"),
        ("user_id = 'a'", "user_id"),
        ("parent_run_id = 'a'", "parent_run_id"),
        ("start_time > 1", "start_time"),
        ("end_time > 1", "end_time"),
        ("created > 1", "start_time"),
        ("Created > 1", "start_time"),
        ("attributes.created > 1", "start_time"),
        ("attributes.`run name` = 'a'", "run_name"),
        ("`run name` = 'a'", "run_name"),
        ("run.run_id = 'a'", "run_id"),
    ],
)
def test_a_bare_key_is_an_attribute_and_aliases_are_normalised(text: str, key: str) -> None:
    clause = one(text)
    assert (clause.entity, clause.key) == ("attribute", key)


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ("'plain'", "plain"),
        ('"double"', "double"),
        ("''", ""),
        ("'it''s'", "it's"),
        ("'it\\'s'", "it's"),
        ('"say ""hi"""', 'say "hi"'),
        ('"say \\"hi\\""', 'say "hi"'),
        ("'a\\\\b'", "a\\b"),
        ("'C:\\dir'", "C:\\dir"),
        ("'50\\%'", "50\\%"),
        ("'\"'", '"'),
        ('"\'"', "'"),
        ("'AND metrics.x < 1'", "AND metrics.x < 1"),
        ("'tab\tand\nnewline'", "tab\tand\nnewline"),
        ("'ünïcødé'", "ünïcødé"),
    ],
)
def test_string_values_and_their_escapes(literal: str, value: str) -> None:
    assert one(f"params.p = {literal}").value == value


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ("1", 1.0),
        ("0", 0.0),
        ("-2", -2.0),
        ("+3", 3.0),
        ("0.5", 0.5),
        (".5", 0.5),
        ("5.", 5.0),
        ("-1.5e-3", -0.0015),
        ("1E3", 1000.0),
        ("2e+2", 200.0),
        ("1700000000000", 1.7e12),
    ],
)
def test_number_values(literal: str, value: float) -> None:
    assert one(f"metrics.m = {literal}").value == value
    assert one(f"attributes.start_time = {literal}").value == value


# --- comparators --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("comparator", ["=", "!=", "<", "<=", ">", ">="])
def test_numeric_comparators(comparator: str) -> None:
    assert one(f"metrics.m {comparator} 1") == Clause("metric", "m", comparator, 1.0)
    assert one(f"metrics.m{comparator}1") == Clause("metric", "m", comparator, 1.0)
    assert one(f"end_time {comparator} -1").value == -1.0


@pytest.mark.parametrize(
    ("written", "comparator"),
    [
        ("=", "="),
        ("!=", "!="),
        ("LIKE", "LIKE"),
        ("like", "LIKE"),
        ("ILIKE", "ILIKE"),
        ("iLike", "ILIKE"),
    ],
)
@pytest.mark.parametrize("subject", ["params.p", "tags.t", "attributes.run_name", "status"])
def test_string_comparators_are_case_insensitive(subject: str, written: str, comparator: str) -> None:
    assert one(f"{subject} {written} 'v%'").comparator == comparator


@pytest.mark.parametrize(("written", "comparator"), [("IN", "IN"), ("in", "IN"), ("NOT IN", "NOT IN")])
@pytest.mark.parametrize("subject", ["params.p", "tags.t", "run_id", "user_id", "attributes.status"])
def test_in_lists(subject: str, written: str, comparator: str) -> None:
    assert one(f"{subject} {written} ('a')").value == ("a",)
    clause = one(f"{subject} {written.lower()}('a',\"b\" , 'c''d')")
    assert (clause.comparator, clause.value) == (comparator, ("a", "b", "c'd"))


@pytest.mark.parametrize(
    ("text", "comparator"),
    [
        ("params.p IS NULL", "IS NULL"),
        ("params.p is null", "IS NULL"),
        ("tags.t IS NOT NULL", "IS NOT NULL"),
        ("tags.t Is Not Null", "IS NOT NULL"),
        ("attributes.end_time IS NULL", "IS NULL"),
        ("parent_run_id IS NOT NULL", "IS NOT NULL"),
    ],
)
def test_null_checks_have_no_value(text: str, comparator: str) -> None:
    clause = one(text)
    assert (clause.comparator, clause.value) == (comparator, None)


def test_clauses_join_with_and_in_any_case() -> None:
    text = "metrics.a < 1 AND params.b = 'x' and tags.c IS NULL And status IN ('A')"
    assert parse_filter(text) == [
        Clause("metric", "a", "<", 1.0),
        Clause("param", "b", "=", "x"),
        Clause("tag", "c", "IS NULL", None),
        Clause("attribute", "status", "IN", ("A",)),
    ]


# --- formatting ---------------------------------------------------------------------------------------------


def test_format_writes_canonical_text() -> None:
    clauses = parse_filter(
        "metric.`my loss` <= 5 and param.lr like '0.0%' AND Created > 1 AND tag.`mlflow.user` IS NOT NULL"
        " and run.status not in ('A', 'it''s')"
    )
    assert format_filter(clauses) == (
        "metrics.`my loss` <= 5.0 AND params.lr LIKE '0.0%' AND attributes.start_time > 1.0"
        " AND tags.mlflow.user IS NOT NULL AND attributes.status NOT IN ('A', 'it\\'s')"
    )
    assert format_filter([]) == ""
    assert str(clauses[0]) == "metrics.`my loss` <= 5.0"


def test_order_keys_print_their_canonical_form() -> None:
    assert str(OrderKey("metric", "my loss", ascending=False)) == "metrics.`my loss` DESC"
    assert str(OrderKey("attribute", "start_time")) == "attributes.start_time ASC"


def test_format_refuses_numbers_the_grammar_cannot_write() -> None:
    with pytest.raises(ValueError, match="inf"):
        format_filter([Clause("metric", "m", "<", math.inf)])


# --- errors -------------------------------------------------------------------------------------------------


def test_error_names_the_token_its_column_and_what_was_expected() -> None:
    error = error_of("metrics.loss <> 1")
    assert error.position == 13
    assert error.text == "metrics.loss <> 1"
    assert error.code == "INVALID_FILTER"
    assert error.message.splitlines() == [
        "unexpected '<>' at column 14: expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN)",
        "  metrics.loss <> 1",
        "               ^",
    ]


ERROR_CASES = [
    ("metrics.loss LIKE '%a'", 13, "LIKE at column 14 is not allowed on metrics: use one of =, !=, <"),
    ("metrics.loss ILIKE 'a'", 13, "ILIKE at column 14 is not allowed on metrics"),
    ("metrics.loss IN ('a')", 13, "IN at column 14 is not allowed on metrics"),
    ("metrics.loss IS NULL", 13, "IS NULL at column 14 is not allowed on metrics"),
    ("start_time LIKE 'a'", 11, "LIKE at column 12 is not allowed on attribute start_time"),
    ("params.p < 'a'", 9, "< at column 10 is not allowed on params: use one of =, !=, LIKE, ILIKE, IN"),
    ("tags.t >= 'a'", 7, ">= at column 8 is not allowed on tags"),
    ("status IS NULL", 7, "IS NULL at column 8 is not allowed on attribute status"),
    ("metrics.loss NOT LIKE 1", 17, "unexpected 'LIKE' at column 18: expected IN after NOT"),
    ("params.p IS 'x'", 12, "expected NULL or NOT NULL after IS"),
    ("params.p IS NOT 'x'", 16, "expected NULL after IS NOT"),
    ("metrics.loss == 1", 13, "unexpected '==' at column 14: expected a comparator"),
    ("metrics.loss", 12, "unexpected end of filter at column 13: expected a comparator"),
    ("metrics.loss < ", 15, "unexpected end of filter at column 16: expected an unquoted number"),
    (
        "metrics.loss < '1'",
        15,
        "unexpected string '1' at column 16: expected an unquoted number to compare metrics",
    ),
    ("metrics.loss < abc", 15, "expected an unquoted number"),
    ("metrics.loss < 1.2.3", 15, "expected an unquoted number"),
    ("metrics.loss < nan", 15, "expected an unquoted number"),
    ("metrics.loss < inf", 15, "expected an unquoted number"),
    ("metrics.loss < 1e999", 15, "the number 1e999 at column 16 is out of range"),
    ("created > 'x'", 10, "expected an unquoted number to compare attribute start_time"),
    ("params.p = 1", 11, "unexpected '1' at column 12: expected a quoted string to compare params"),
    ("params.p = abc", 11, "expected a quoted string"),
    ("params.p = 'abc", 11, "unterminated ' quote starting at column 12 of the filter"),
    ('params.p = "abc\\"', 11, 'unterminated " quote'),
    ("params.`p = 'abc'", 7, "unterminated ` quote starting at column 8"),
    ("params.p IN 'a'", 12, "expected a parenthesised list of quoted strings"),
    ("params.p IN ()", 13, "unexpected ')' at column 14: expected a quoted string"),
    ("params.p IN ('a' 'b')", 17, "expected ',' or ')'"),
    ("params.p IN ('a',)", 17, "expected a quoted string"),
    ("params.p IN ('a', 1)", 18, "expected a quoted string"),
    ("params.p IN ('a'", 16, "unexpected end of filter at column 17: expected ',' or ')'"),
    ("params.p LIKE 'a\\\\'", 14, "the LIKE pattern at column 15 ends with an unpaired escape character"),
    ("params.p ILIKE '\\\\'", 15, "the ILIKE pattern at column 16 ends with an unpaired escape"),
    (
        "loss < 1",
        0,
        "unknown attribute 'loss' at column 1: expected one of run_id, run_name, status, user_id",
    ),
    ("attributes.artifact_uri = 'x'", 0, "unknown attribute 'artifact_uri' at column 1"),
    ("foo.bar = 'x'", 0, "unknown entity 'foo' at column 1: expected one of metrics., params., tags."),
    ("datasets.name = 'x'", 0, "unknown entity 'datasets'"),
    ("metrics. < 1", 0, "empty key in 'metrics.' at column 1"),
    ("metrics.`` < 1", 0, "empty key"),
    (".loss < 1", 0, "unknown entity ''"),
    ("metrics.a+b < 1", 0, "unexpected 'metrics.a+b' at column 1: expected a key such as metrics.loss"),
    ("'loss' < 1", 0, "unexpected string 'loss' at column 1: expected a key"),
    ("(metrics.a < 1)", 0, "unexpected '(' at column 1: expected a key"),
    ("metrics.a < 1 AND", 17, "unexpected end of filter at column 18: expected a key"),
    ("metrics.a < 1 AND AND metrics.b < 1", 18, "unknown attribute 'AND'"),
    ("metrics.a < 1 OR metrics.b < 2", 14, "expected AND or the end of the filter (OR is not supported)"),
    ("metrics.a < 1 metrics.b < 2", 14, "unexpected 'metrics.b' at column 15: expected AND or the end"),
    ("metrics.a < 1)", 13, "unexpected ')' at column 14"),
    ("metrics.a < 1 # comment", 14, "unexpected character '#' at column 15 of the filter"),
    ("metrics.a < 1; DROP TABLE runs", 13, "unexpected character ';'"),
    ("params.p = 'a\x00b'", 13, "character U+0000 at column 14 is not allowed"),
    ("params.p = 'a\ud800'", 13, "character U+D800 at column 14 is not allowed"),
    ("metrics.a < 1 AND params.p = 'x' AND tags.t LIKE 1", 49, "unexpected '1' at column 50"),
]


@pytest.mark.parametrize(("text", "position", "message"), ERROR_CASES)
def test_errors_point_at_the_offending_token(text: str, position: int, message: str) -> None:
    error = error_of(text)
    assert error.position == position
    assert message in error.message.splitlines()[0], error.message
    assert error.message.splitlines()[-1] == "  " + " " * position + "^"


def test_a_long_token_is_shortened_in_the_message() -> None:
    error = error_of("metrics.loss < " + "x" * 100)
    assert "'" + "x" * 37 + "...'" in error.message


# --- order_by -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "key"),
    [
        ("metrics.loss", OrderKey("metric", "loss", True)),
        ("metrics.loss ASC", OrderKey("metric", "loss", True)),
        ("metrics.loss DESC", OrderKey("metric", "loss", False)),
        ("metric.loss desc", OrderKey("metric", "loss", False)),
        ("  params.lr   Asc ", OrderKey("param", "lr", True)),
        ("parameters.`my param` DESC", OrderKey("param", "my param", False)),
        ('tags."mlflow.runName"', OrderKey("tag", "mlflow.runName", True)),
        ("tag.mlflow.user DESC", OrderKey("tag", "mlflow.user", False)),
        ("start_time", OrderKey("attribute", "start_time", True)),
        ("attributes.created DESC", OrderKey("attribute", "start_time", False)),
        ("attr.run_name", OrderKey("attribute", "run_name", True)),
        ("run.status DESC", OrderKey("attribute", "status", False)),
        ("end_time", OrderKey("attribute", "end_time", True)),
    ],
)
def test_order_by_items(item: str, key: OrderKey) -> None:
    assert parse_order_by([item]) == [key]
    assert parse_order_by([str(key)]) == [key]


def test_order_by_keeps_the_item_order() -> None:
    assert parse_order_by(["status", "metrics.loss DESC"]) == [
        OrderKey("attribute", "status", True),
        OrderKey("metric", "loss", False),
    ]
    assert parse_order_by([]) == []
    assert parse_order_by("metrics.loss DESC") == [OrderKey("metric", "loss", False)]


@pytest.mark.parametrize(
    ("items", "text", "position", "message"),
    [
        (["metrics.loss DESC extra"], "metrics.loss DESC extra", 18, "order_by item 1: unexpected 'extra'"),
        (
            ["status", "metrics.loss UP"],
            "metrics.loss UP",
            13,
            "order_by item 2: unexpected 'UP' at column 14",
        ),
        (["status", ""], "", 0, "order_by item 2: unexpected end of order_by item 2 at column 1"),
        (["nope"], "nope", 0, "order_by item 1: unknown attribute 'nope'"),
        (["foo.bar"], "foo.bar", 0, "order_by item 1: unknown entity 'foo'"),
        (["metrics.`a"], "metrics.`a", 8, "unterminated ` quote starting at column 9 of the order_by item 1"),
        (["metrics.a, metrics.b"], "metrics.a, metrics.b", 9, "order_by item 1: unexpected ','"),
        (["'metrics.a'"], "'metrics.a'", 0, "order_by item 1: unexpected string 'metrics.a'"),
    ],
)
def test_order_by_errors_point_into_the_item(
    items: list[str], text: str, position: int, message: str
) -> None:
    with pytest.raises(InvalidFilter) as caught:
        parse_order_by(items)
    assert (caught.value.text, caught.value.position) == (text, position)
    assert caught.value.message.splitlines()[0].startswith(message), caught.value.message


# --- properties ---------------------------------------------------------------------------------------------

ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
"""Text a filter may hold: anything but NUL and lone surrogates, which no database stores."""


@st.composite
def clauses(draw: st.DrawFn) -> Clause:
    entity = draw(st.sampled_from(["metric", "param", "tag", "attribute"]))
    if entity == "attribute":
        key = draw(st.sampled_from(STRING_ATTRIBUTES + NUMERIC_ATTRIBUTES))
    else:
        key = draw(ANY_TEXT.filter(bool))
    comparator = draw(st.sampled_from(allowed_comparators(entity, key)))
    value: Any
    if comparator in ("IS NULL", "IS NOT NULL"):
        value = None
    elif comparator in ("IN", "NOT IN"):
        value = tuple(draw(st.lists(ANY_TEXT, min_size=1, max_size=4)))
    elif is_numeric(entity, key):
        value = draw(st.floats(allow_nan=False, allow_infinity=False))
    elif comparator in ("LIKE", "ILIKE"):
        value = draw(ANY_TEXT.filter(lambda pattern: not has_dangling_escape(pattern)))
    else:
        value = draw(ANY_TEXT)
    return Clause(entity, key, comparator, value)


@settings(max_examples=500)
@given(st.lists(clauses(), max_size=5))
def test_format_then_parse_gives_back_the_same_clauses(clause_list: list[Clause]) -> None:
    assert parse_filter(format_filter(clause_list)) == clause_list


ORDER_KEYS = st.builds(
    OrderKey,
    st.sampled_from(["metric", "param", "tag"]),
    ANY_TEXT.filter(bool),
    st.booleans(),
) | st.builds(
    OrderKey, st.just("attribute"), st.sampled_from(STRING_ATTRIBUTES + NUMERIC_ATTRIBUTES), st.booleans()
)


@given(st.lists(ORDER_KEYS, max_size=4))
def test_order_keys_round_trip_through_their_text(keys: list[OrderKey]) -> None:
    assert parse_order_by([str(key) for key in keys]) == keys


TOKENS = [
    *("metrics.loss", "params.p", "tags.t", "status", "created", "metrics.`a b`", 'tags."x.y"', "nope"),
    *("=", "!=", "<", "<=", ">", ">=", "<>", "==", "!", "LIKE", "ilike", "IN", "NOT", "IS", "NULL", "AND"),
    *("OR", "ASC", "DESC", "(", ")", ",", "1", "-2.5e3", "1e999", ".", "'a'", '"b"', "'it''s'", "'x\\'"),
    *("'\\\\'", "'", '"', "`", "metrics.", "\x00", "é", "\t", "#", "+", "''"),
]
TOKEN_SOUP = st.lists(st.sampled_from(TOKENS), max_size=12).map(" ".join) | st.lists(
    st.sampled_from(TOKENS), max_size=12
).map("".join)


def check_outcome(text: str, parse: Any) -> None:
    try:
        parse(text)
    except InvalidFilter as error:
        assert 0 <= error.position <= len(text)
        assert error.text == text


@settings(max_examples=1000)
@given(st.text() | TOKEN_SOUP)
def test_any_text_parses_or_raises_invalid_filter(text: str) -> None:
    check_outcome(text, parse_filter)
    check_outcome(text, lambda item: parse_order_by([item]))


@settings(max_examples=500)
@given(TOKEN_SOUP)
def test_whatever_parses_formats_to_text_that_parses_the_same(text: str) -> None:
    try:
        clause_list = parse_filter(text)
    except InvalidFilter:
        return
    canonical = format_filter(clause_list)
    assert parse_filter(canonical) == clause_list
    assert format_filter(parse_filter(canonical)) == canonical
