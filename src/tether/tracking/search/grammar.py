"""The search filter and order-by grammar: text in, typed clauses out, and canonical text back.

Runs are its first subject; a ``Vocabulary`` says what else a filter may name, so the registry searches
models and versions with the same language and the same errors.

Hand-written rather than built on a SQL parser because the language is tiny (AND-joined comparisons)
and every error has to name the offending token and its column, which generic parsers do not give.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, NoReturn, TypeAlias

from tether.errors import InvalidFilter

Entity = Literal["metric", "param", "tag", "attribute"]
Comparator = Literal[
    "=", "!=", "<", "<=", ">", ">=", "LIKE", "ILIKE", "IN", "NOT IN", "IS NULL", "IS NOT NULL"
]
Value: TypeAlias = float | str | tuple[str, ...] | None

PREFIXES: dict[Entity, tuple[str, ...]] = {
    "metric": ("metrics", "metric"),
    "param": ("params", "param", "parameters", "parameter"),
    "tag": ("tags", "tag"),
    "attribute": ("attributes", "attribute", "attr", "run"),
}
"""Each entity's prefixes, the canonical one first; they match in any case."""
ENTITY_PREFIXES = {prefix: entity for entity, prefixes in PREFIXES.items() for prefix in prefixes}
CANONICAL_PREFIX = {entity: prefixes[0] for entity, prefixes in PREFIXES.items()}
NUMERIC_ATTRIBUTES = ("start_time", "end_time")
STRING_ATTRIBUTES = ("run_id", "run_name", "status", "user_id", "parent_run_id")
NULLABLE_ATTRIBUTES = ("end_time", "parent_run_id")
ATTRIBUTE_ALIASES = {"created": "start_time", "Created": "start_time", "run name": "run_name"}


@dataclass(frozen=True)
class Vocabulary:
    """What a filter over one kind of object may name: its entities and its attributes by type."""

    example: str
    """What an error says a key looks like."""
    entities: tuple[Entity, ...]
    numeric: tuple[str, ...]
    strings: tuple[str, ...]
    nullable: tuple[str, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)
    """Other spellings of attributes (``created`` for ``start_time``)."""
    suggested: tuple[str, ...] = ()
    """Other spellings that an unknown-attribute error lists."""


RUNS = Vocabulary(
    "a key such as metrics.loss, params.lr, tags.team or attributes.status",
    ("metric", "param", "tag", "attribute"),
    NUMERIC_ATTRIBUTES,
    STRING_ATTRIBUTES,
    NULLABLE_ATTRIBUTES,
    ATTRIBUTE_ALIASES,
    ("created",),
)
EXPERIMENTS = Vocabulary(
    "a key such as name, creation_time or tags.team",
    ("tag", "attribute"),
    numeric=("creation_time", "last_update_time"),
    strings=("name",),
)
EXPERIMENT_ORDER = Vocabulary(
    "name, experiment_id, creation_time or last_update_time",
    ("attribute",),
    numeric=("experiment_id", "creation_time", "last_update_time"),
    strings=("name",),
)
"""What experiments sort by (attributes only, as MLflow's search_experiments)."""

NUMERIC_COMPARATORS: tuple[Comparator, ...] = ("=", "!=", "<", "<=", ">", ">=")
STRING_COMPARATORS: tuple[Comparator, ...] = ("=", "!=", "LIKE", "ILIKE", "IN", "NOT IN")
NULL_COMPARATORS: tuple[Comparator, ...] = ("IS NULL", "IS NOT NULL")
_OPERATORS: dict[str, Comparator] = {comparator: comparator for comparator in NUMERIC_COMPARATORS}
_COMPARATOR_WORDS: dict[str, Comparator] = {"LIKE": "LIKE", "ILIKE": "ILIKE", "IN": "IN"}
_PUNCTUATION: dict[str, Literal["(", ")", ","]] = {"(": "(", ")": ")", ",": ","}
_EXPECTED_COMPARATOR = "a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN)"

KEY_PATTERN = re.compile(r"[A-Za-z0-9_.:/-]+")
"""An unquoted key; anything else must be back-quoted or double-quoted."""
_WORD = re.compile(r"[A-Za-z0-9_.:/+-]+")
_OPERATOR = re.compile(r"[<>=!]+")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_FORBIDDEN = re.compile(r"[\x00\ud800-\udfff]")
"""NUL and lone surrogates cannot reach either database, so they are refused up front."""
_WHITESPACE = " \t\r\n\f\v"


@dataclass(frozen=True)
class Clause:
    """One comparison of a run's metric, param, tag or attribute; ``value`` is None for IS [NOT] NULL."""

    entity: Entity
    key: str
    comparator: Comparator
    value: Value

    def __str__(self) -> str:
        subject = format_key(self.entity, self.key)
        if self.value is None:
            return f"{subject} {self.comparator}"
        return f"{subject} {self.comparator} {_format_value(self.value)}"


@dataclass(frozen=True)
class OrderKey:
    """One sort key of a search; runs lacking the key (or with a NaN metric) sort last either way."""

    entity: Entity
    key: str
    ascending: bool = True

    def __str__(self) -> str:
        return f"{format_key(self.entity, self.key)} {'ASC' if self.ascending else 'DESC'}"


def parse_filter(text: str, vocabulary: Vocabulary = RUNS) -> list[Clause]:
    """Parse ``<clause> [AND <clause>]...``; an empty or blank filter means "every run" (or model …)."""
    parser = _Parser(text, "filter", vocabulary)
    if parser.peek().kind == "end":
        return []
    clauses = [parser.clause()]
    while parser.peek().kind != "end":
        token = parser.advance()
        if not token.is_word("AND"):
            hint = " (OR is not supported)" if token.is_word("OR") else ""
            parser.fail(token, f"AND or the end of the filter{hint}")
        clauses.append(parser.clause())
    return clauses


def parse_order_by(items: Sequence[str], vocabulary: Vocabulary = RUNS) -> list[OrderKey]:
    """Parse ``<entity>.<key> [ASC|DESC]`` items (a lone string is one item); errors point into the item."""
    if isinstance(items, str):
        items = [items]
    return [
        _parse_order_item(item, f"order_by item {number}", vocabulary) for number, item in enumerate(items, 1)
    ]


def format_filter(clauses: Iterable[Clause]) -> str:
    """The canonical text of ``clauses``: it parses back to the same clauses."""
    return " AND ".join(str(clause) for clause in clauses)


def format_key(entity: Entity, key: str) -> str:
    """``<prefix>.<key>``, back-quoting a key that would not parse bare."""
    prefix = CANONICAL_PREFIX[entity]
    if KEY_PATTERN.fullmatch(key):
        return f"{prefix}.{key}"
    return f"{prefix}.{_quote(key, '`')}"


def allowed_comparators(entity: Entity, key: str, vocabulary: Vocabulary = RUNS) -> tuple[Comparator, ...]:
    """What may compare with this entity's key; numbers compare by size, strings by text."""
    if entity == "metric":
        return NUMERIC_COMPARATORS
    if entity in ("param", "tag"):
        return STRING_COMPARATORS + NULL_COMPARATORS
    base = NUMERIC_COMPARATORS if key in vocabulary.numeric else STRING_COMPARATORS
    return base + NULL_COMPARATORS if key in vocabulary.nullable else base


def is_numeric(entity: Entity, key: str, vocabulary: Vocabulary = RUNS) -> bool:
    return entity == "metric" or (entity == "attribute" and key in vocabulary.numeric)


def has_dangling_escape(pattern: str) -> bool:
    """True when a LIKE pattern ends in an unpaired backslash, which PostgreSQL rejects."""
    trailing = len(pattern) - len(pattern.rstrip("\\"))
    return trailing % 2 == 1


# --- formatting ---------------------------------------------------------------------------------------------


def _quote(text: str, quote: str) -> str:
    escaped = text.replace("\\", "\\\\").replace(quote, "\\" + quote)
    return f"{quote}{escaped}{quote}"


def _format_value(value: float | str | tuple[str, ...]) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(_quote(item, "'") for item in value) + ")"
    if isinstance(value, str):
        return _quote(value, "'")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"a filter cannot hold the number {number!r}")
    return repr(number)


# --- tokens -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    """A lexical token; ``value`` is the decoded text of quoted strings and keys."""

    kind: Literal["word", "key", "string", "op", "(", ")", ",", "end"]
    text: str
    position: int
    value: str = ""
    prefix: str | None = None

    def is_word(self, keyword: str) -> bool:
        return self.kind == "word" and self.text.upper() == keyword


def _tokens(text: str, what: str) -> Iterator[_Token]:
    """Yield tokens lazily so that the first error reported is the leftmost one."""
    position = 0
    while position < len(text):
        char = text[position]
        if char in _WHITESPACE:
            position += 1
            continue
        token = _token_at(text, position, what)
        yield token
        position = token.position + len(token.text)
    yield _Token("end", "", len(text))


def _token_at(text: str, start: int, what: str) -> _Token:
    char = text[start]
    if char in "'\"`":
        value, end = _read_quoted(text, start, what)
        return _Token("key" if char == "`" else "string", text[start:end], start, value)
    word = _WORD.match(text, start)
    if word:
        end = word.end()
        if word.group().endswith(".") and end < len(text) and text[end] in '`"':
            value, end = _read_quoted(text, end, what)
            return _Token("key", text[start:end], start, value, prefix=word.group()[:-1])
        return _Token("word", word.group(), start)
    operator = _OPERATOR.match(text, start)
    if operator:
        return _Token("op", operator.group(), start)
    if char in _PUNCTUATION:
        return _Token(_PUNCTUATION[char], char, start)
    raise InvalidFilter(f"unexpected character {char!r} at column {start + 1} of the {what}", text, start)


def _read_quoted(text: str, start: int, what: str) -> tuple[str, int]:
    """Decode a quoted run: a doubled quote or a backslash escapes the quote; ``\\\\`` is one backslash.

    Any other backslash is kept as it is, so LIKE escapes such as ``\\%`` reach the pattern intact.
    """
    quote = text[start]
    parts: list[str] = []
    position = start + 1
    while position < len(text):
        char = text[position]
        following = text[position + 1] if position + 1 < len(text) else ""
        if char == "\\" and following in (quote, "\\"):
            parts.append(following)
            position += 2
        elif char == quote and following == quote:
            parts.append(quote)
            position += 2
        elif char == quote:
            return "".join(parts), position + 1
        else:
            parts.append(char)
            position += 1
    raise InvalidFilter(
        f"unterminated {quote} quote starting at column {start + 1} of the {what}: add the closing {quote}",
        text,
        start,
    )


# --- parsing ------------------------------------------------------------------------------------------------


class _Parser:
    """Recursive descent over one filter or one order_by item, with one token of lookahead."""

    def __init__(self, text: str, what: str, vocabulary: Vocabulary = RUNS) -> None:
        self.text = text
        self.what = what
        self.vocabulary = vocabulary
        self.label = "" if what == "filter" else f"{what}: "
        forbidden = _FORBIDDEN.search(text)
        if forbidden:
            code = f"U+{ord(forbidden.group()):04X}"
            position = forbidden.start()
            raise InvalidFilter(
                f"{self.label}character {code} at column {position + 1} is not allowed", text, position
            )
        self._stream = _tokens(text, what)
        self._current = next(self._stream)

    def peek(self) -> _Token:
        return self._current

    def advance(self) -> _Token:
        token = self._current
        if token.kind != "end":
            self._current = next(self._stream)
        return token

    def fail(self, token: _Token, expected: str) -> NoReturn:
        """Reject a token the grammar does not allow here, saying what would have been allowed."""
        shown = token.text if len(token.text) <= 40 else token.text[:37] + "..."
        if token.kind == "end":
            found = f"end of {self.what}"
        elif token.kind == "string":
            found = f"string {shown}"
        else:
            found = f"'{shown}'"
        self.reject(token, f"unexpected {found} at column {token.position + 1}: expected {expected}")

    def reject(self, token: _Token, message: str) -> NoReturn:
        raise InvalidFilter(self.label + message, self.text, token.position)

    def clause(self) -> Clause:
        entity, key = self.key()
        token = self.peek()
        comparator = self.comparator()
        allowed = allowed_comparators(entity, key, self.vocabulary)
        if comparator not in allowed:
            self.reject(
                token,
                f"{comparator} at column {token.position + 1} is not allowed on {_subject(entity, key)}: "
                f"use one of {', '.join(allowed)}",
            )
        return Clause(entity, key, comparator, self.value(entity, key, comparator))

    def key(self) -> tuple[Entity, str]:
        token = self.advance()
        if token.kind == "key":
            prefix, key = token.prefix, token.value
        elif token.kind == "word":
            prefix, dot, key = token.text.partition(".")
            if not dot:
                prefix, key = None, token.text
            if key and not KEY_PATTERN.fullmatch(key):
                self.fail(token, self.vocabulary.example)
        else:
            self.fail(token, self.vocabulary.example)
        if not key:
            self.reject(token, f"empty key in '{token.text}' at column {token.position + 1}")
        if prefix is None:
            return "attribute", self.attribute(token, key)
        entity = ENTITY_PREFIXES.get(prefix.lower())
        if entity is None or entity not in self.vocabulary.entities:
            known = [f"{CANONICAL_PREFIX[e]}." for e in self.vocabulary.entities]
            expected = (
                f"one of {', '.join(known[:-1])} or {known[-1]}" if len(known) > 2 else " or ".join(known)
            )
            self.reject(
                token, f"unknown entity '{prefix}' at column {token.position + 1}: expected {expected}"
            )
        return entity, self.attribute(token, key) if entity == "attribute" else key

    def attribute(self, token: _Token, key: str) -> str:
        words = self.vocabulary
        name = words.aliases.get(key, key)
        if name in words.numeric or name in words.strings:
            return name
        valid = ", ".join((*words.strings, *words.numeric, *words.suggested))
        bare = token.prefix is None and "." not in token.text
        prefixed = [CANONICAL_PREFIX[e] for e in words.entities if e != "attribute"]
        hint = ""
        if bare and prefixed:  # a vocabulary of attributes alone has no prefix to suggest
            needs = (
                f"{', '.join(prefixed[:-1])} and {prefixed[-1]} need"
                if len(prefixed) > 1
                else f"{prefixed[0]} needs"
            )
            hint = f" ({needs} a prefix, as in {prefixed[0]}.{key})"
        self.reject(
            token, f"unknown attribute '{key}' at column {token.position + 1}: expected one of {valid}{hint}"
        )

    def comparator(self) -> Comparator:
        token = self.advance()
        if token.kind == "op" and token.text in _OPERATORS:
            return _OPERATORS[token.text]
        if token.kind == "word" and token.text.upper() in _COMPARATOR_WORDS:
            return _COMPARATOR_WORDS[token.text.upper()]
        if token.is_word("NOT"):
            self.expect_word("IN", "IN after NOT")
            return "NOT IN"
        if token.is_word("IS"):
            if self.peek().is_word("NOT"):
                self.advance()
                self.expect_word("NULL", "NULL after IS NOT")
                return "IS NOT NULL"
            self.expect_word("NULL", "NULL or NOT NULL after IS")
            return "IS NULL"
        self.fail(token, _EXPECTED_COMPARATOR)

    def expect_word(self, keyword: str, expected: str) -> None:
        token = self.advance()
        if not token.is_word(keyword):
            self.fail(token, expected)

    def value(self, entity: Entity, key: str, comparator: Comparator) -> Value:
        if comparator in NULL_COMPARATORS:
            return None
        if comparator in ("IN", "NOT IN"):
            return self.string_list()
        if is_numeric(entity, key, self.vocabulary):
            return self.number(entity, key)
        token = self.advance()
        if token.kind != "string":
            self.fail(token, f"a quoted string to compare {_subject(entity, key)} with")
        if comparator in ("LIKE", "ILIKE") and has_dangling_escape(token.value):
            self.reject(
                token,
                f"the {comparator} pattern at column {token.position + 1} ends with an unpaired escape "
                "character '\\': to match a backslash, write \\\\\\\\ inside the quotes",
            )
        return token.value

    def number(self, entity: Entity, key: str) -> float:
        token = self.advance()
        if token.kind != "word" or not _NUMBER.fullmatch(token.text):
            self.fail(token, f"an unquoted number to compare {_subject(entity, key)} with")
        number = float(token.text)
        if not math.isfinite(number):
            self.reject(token, f"the number {token.text} at column {token.position + 1} is out of range")
        return number

    def string_list(self) -> tuple[str, ...]:
        opening = self.advance()
        if opening.kind != "(":
            self.fail(opening, "a parenthesised list of quoted strings, such as ('a', 'b')")
        items: list[str] = []
        while True:
            token = self.advance()
            if token.kind != "string":
                self.fail(token, "a quoted string")
            items.append(token.value)
            separator = self.advance()
            if separator.kind == ")":
                return tuple(items)
            if separator.kind != ",":
                self.fail(separator, "',' or ')'")

    def direction(self) -> bool:
        """ASC (the default) or DESC, then the end of the item; True means ascending."""
        token = self.advance()
        if token.kind == "end":
            return True
        if not (token.is_word("ASC") or token.is_word("DESC")):
            self.fail(token, "ASC, DESC or the end of the item")
        end = self.advance()
        if end.kind != "end":
            self.fail(end, "the end of the item")
        return token.is_word("ASC")


def _parse_order_item(item: str, what: str, vocabulary: Vocabulary) -> OrderKey:
    parser = _Parser(item, what, vocabulary)
    entity, key = parser.key()
    return OrderKey(entity, key, parser.direction())


def _subject(entity: Entity, key: str) -> str:
    return f"attribute {key}" if entity == "attribute" else CANONICAL_PREFIX[entity]
