"""No import cycles among tether's modules: each module imports only what sits below it.

The graph holds the imports a module runs while it loads: module level, ``if TYPE_CHECKING:`` blocks and
class bodies included (a cycle of type-only imports is still two modules that each need the other), but
not imports inside functions, which run later and are how heavy dependencies load on first use.
Monitoring is held to more: no cycle even through imports inside functions.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
PATHS = {
    ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__"): path
    for path in (SRC / "tether").rglob("*.py")
    if "migrations" not in path.parts
}
"""Every module of the package by dotted name (a package by its own name, not ``pkg.__init__``)."""


def _run_on_import(body: list[ast.stmt], lazy: bool) -> Iterator[ast.stmt]:
    """The statements of ``body`` that run when the module loads, nested blocks included; with ``lazy``,
    function bodies too."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not lazy:
            continue
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.ExceptHandler, ast.match_case)):
                yield from _run_on_import(child.body, lazy)
        for block in ("body", "orelse", "finalbody"):
            inner = getattr(node, block, None)
            if isinstance(inner, list):
                yield from _run_on_import(inner, lazy)


def _absolute(module: str, is_package: bool, found: ast.ImportFrom) -> str:
    if found.level == 0:
        return found.module or ""
    parts = module.split(".") if is_package else module.split(".")[:-1]
    base = parts[: len(parts) - (found.level - 1)]
    return ".".join([*base, found.module] if found.module else base)


def imports_in(source: str, module: str, *, is_package: bool = False, lazy: bool = False) -> set[str]:
    """The tether modules that ``module`` (whose text is ``source``) imports."""
    targets: set[str] = set()
    for node in _run_on_import(ast.parse(source).body, lazy):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            origin = _absolute(module, is_package, node)
            for alias in node.names:
                submodule = f"{origin}.{alias.name}"
                targets.add(submodule if submodule in PATHS else origin)
    return {target for target in targets if target in PATHS and target != module}


def import_graph(*, lazy: bool = False) -> dict[str, set[str]]:
    return {
        module: imports_in(path.read_text(), module, is_package=path.name == "__init__.py", lazy=lazy)
        for module, path in PATHS.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that reach each other (strongly connected components of two or more), sorted."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if target not in order:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], order[target])
        if low[module] == order[module]:
            group = [stack.pop()]
            while group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in order:
            visit(module)
    return sorted(found)


def explain(graph: dict[str, set[str]], group: list[str]) -> str:
    inside = set(group)
    edges = [f"  {source} imports {target}" for source in group for target in sorted(graph[source] & inside)]
    return "\n".join([f"cycle among {', '.join(group)}:", *edges])


def test_no_module_imports_another_that_imports_it_back() -> None:
    graph = import_graph()
    found = cycles(graph)
    assert not found, "\n".join(explain(graph, group) for group in found)


def test_monitoring_has_no_cycle_even_through_imports_inside_functions() -> None:
    graph = {
        module: {target for target in targets if target.startswith("tether.monitoring")}
        for module, targets in import_graph(lazy=True).items()
        if module.startswith("tether.monitoring")
    }
    found = cycles(graph)
    assert not found, "\n".join(explain(graph, group) for group in found)


def test_cycles_finds_each_knot_once() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"f"}, "f": {"e"}, "g": {"a"}}
    assert cycles(graph) == [["a", "b", "c"], ["e", "f"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    assert explain(graph, ["e", "f"]) == "cycle among e, f:\n  e imports f\n  f imports e"


def test_the_walk_counts_type_only_and_class_level_imports_but_not_function_level_ones() -> None:
    source = (
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "import tether.errors\n"
        "if TYPE_CHECKING:\n"
        "    from tether.refs import Ref\n"
        "try:\n"
        "    import numpy\n"
        "except ImportError:\n"
        "    from tether import types\n"
        "class Thing:\n"
        "    from tether import config\n"
        "def later() -> None:\n"
        "    from tether import catalog\n"
    )
    at_import = {"tether.errors", "tether.refs", "tether.types", "tether.config"}
    assert imports_in(source, "tether.monitoring.results") == at_import
    assert imports_in(source, "tether.monitoring.results", lazy=True) == {*at_import, "tether.catalog"}


def test_relative_imports_resolve_against_the_module() -> None:
    assert imports_in("from . import errors\n", "tether.catalog") == {"tether.errors"}
    assert imports_in("from ..results import Scalar\n", "tether.monitoring.metrics.base") == {
        "tether.monitoring.results"
    }
    assert imports_in("from . import drift\n", "tether.monitoring.metrics", is_package=True) == {
        "tether.monitoring.metrics.drift"
    }
