"""Suites written as YAML: optional metric settings, then a list of tests, each a mapping with a ``type``.

```yaml
metrics: [{type: DataDrift, stattest: psi}]
tests:
  - {type: DriftedColumnsShare, lt: 0.3}
  - {type: MissingShare, column: age, lt: 0.05}
  - {type: Metric, name: roc_auc, gte: {relative: -0.05}}
```
Every mistake is an ``InvalidInput`` that names where it is (``tests[1] (MissingShare): colum: ...``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from tether.errors import InvalidInput, UnknownName
from tether.monitoring.metrics.base import MetricSpec, metric_from_settings
from tether.monitoring.suites.suite import TestSuite
from tether.monitoring.suites.tests import TEST_TYPES, SuiteTest

_KEYS = ("metrics", "tests")


def load_suite(path: str | Path) -> TestSuite:
    """Read a suite file."""
    source = Path(path)
    if not source.is_file():
        raise InvalidInput(f"suite file {str(source)!r} does not exist")
    return parse_suite(source.read_text(encoding="utf-8"), str(source))


def parse_suite(text: str, where: str = "suite") -> TestSuite:
    """A suite from YAML text; ``where`` names it in error messages."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise InvalidInput(f"{where} is not valid YAML{line}: {problem}") from None
    return suite_from_settings(document, where)


def suite_from_settings(document: Any, where: str = "suite") -> TestSuite:
    """A suite from parsed data (the inverse of ``TestSuite.settings``)."""
    if not isinstance(document, Mapping):
        raise InvalidInput(f"{where} must be a mapping with a 'tests' list (and optionally 'metrics')")
    unknown = [str(key) for key in document if key not in _KEYS]
    if unknown:
        raise InvalidInput(f"{where}: unknown key {unknown[0]!r}; a suite has 'metrics' and 'tests'")
    tests = document.get("tests")
    if not isinstance(tests, list) or not tests:
        raise InvalidInput(f"{where}: 'tests' must be a non-empty list of tests")
    metrics = document.get("metrics") or []
    if not isinstance(metrics, list):
        raise InvalidInput(f"{where}: 'metrics' must be a list of metric settings")
    return TestSuite(
        [_test(entry, index) for index, entry in enumerate(tests)],
        [_metric(entry, index) for index, entry in enumerate(metrics)],
    )


def _test(entry: Any, index: int) -> SuiteTest:
    where = f"tests[{index}]"
    if not isinstance(entry, Mapping):
        raise InvalidInput(f"{where} must be a mapping with a 'type', like {{type: MissingShare, lt: 0.05}}")
    fields = dict(entry)
    name = fields.pop("type", None)
    if name is None:
        raise InvalidInput(f"{where} has no 'type'; known test types: {', '.join(TEST_TYPES.names())}")
    try:
        kind = TEST_TYPES.get(str(name))
    except UnknownName as error:
        raise UnknownName(f"{where}: {error.message}", error.name, error.known) from None
    try:
        return kind.model_validate(fields)
    except ValidationError as error:
        raise InvalidInput(f"{where} ({name}): {_first_problem(error)}") from None


def _metric(entry: Any, index: int) -> MetricSpec:
    where = f"metrics[{index}]"
    if not isinstance(entry, Mapping):
        raise InvalidInput(f"{where} must be a mapping with a 'type', such as {{type: DataDrift}}")
    try:
        return metric_from_settings(dict(entry))
    except ValidationError as error:
        raise InvalidInput(f"{where} ({entry.get('type')}): {_first_problem(error)}") from None
    except InvalidInput as error:
        raise InvalidInput(f"{where}: {error.message}") from None


def _first_problem(error: ValidationError) -> str:
    """The first problem pydantic found, as ``field: message``."""
    problem = error.errors()[0]
    location = ".".join(str(part) for part in problem["loc"] if not str(part).startswith("function-"))
    message = str(problem["msg"])
    if problem["type"] == "extra_forbidden":
        message = "unknown field"
    elif problem["type"] == "missing":
        message = "required field is missing"
    elif problem["type"] == "value_error":
        message = message.removeprefix("Value error, ")
    more = len(error.errors()) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return f"{location}: {message}{suffix}" if location else f"{message}{suffix}"
