"""Checks on the decision trees inside a loaded scikit-learn model, before anything predicts with them.

scikit-learn's tree code follows a tree's child and feature indices without bounds checks, so a crafted
file whose indices point outside its arrays makes ``predict`` read stray memory or crash the process, and
one whose children point backwards makes it loop forever. skops builds such a tree without complaint, so
the sklearn flavor walks the loaded model and refuses any tree whose structure is not a well-formed tree:
children after their parent and inside the node arrays, leaves on both sides or neither, split features
among the model's features.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from tether.errors import UnsafeModel
from tether.models.flavors.base import defined_in

LEAF = -1


def check_trees(model: object) -> int:
    """Raise UnsafeModel for any malformed tree in ``model``; returns how many trees were checked."""
    count = 0
    for tree in _trees(model, set()):
        problem = _problem(tree)
        if problem:
            raise UnsafeModel(
                f"the scikit-learn package holds a malformed decision tree ({problem}); it is not loaded"
            )
        count += 1
    return count


def _trees(value: Any, seen: set[int]) -> Iterator[Any]:
    from sklearn.tree._tree import Tree

    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, Tree):
        yield value
    elif isinstance(value, np.ndarray):
        if value.dtype == object:
            for item in value.flat:
                yield from _trees(item, seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _trees(item, seen)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _trees(item, seen)
    elif defined_in(value, "sklearn") and hasattr(value, "__dict__"):
        for item in vars(value).values():
            yield from _trees(item, seen)


def _problem(tree: Any) -> str:
    count = int(tree.node_count)
    left, right, feature = (
        np.asarray(a, dtype=np.int64) for a in (tree.children_left, tree.children_right, tree.feature)
    )
    if count < 1 or any(a.shape != (count,) for a in (left, right, feature)):
        return f"its node arrays do not hold {count} nodes"
    if np.asarray(tree.value).shape[0] != count or np.asarray(tree.threshold).shape != (count,):
        return "its values or thresholds do not match its nodes"
    leaf = left == LEAF
    if not np.array_equal(leaf, right == LEAF):
        return "a node has one child"
    nodes = np.arange(count)
    inner = ~leaf
    for side in (left, right):
        if np.any((side[inner] <= nodes[inner]) | (side[inner] >= count)):
            return "a child index points outside the tree or back towards the root"
    if np.any((feature[inner] < 0) | (feature[inner] >= int(tree.n_features))):
        return f"a split uses a feature outside the model's {int(tree.n_features)}"
    return ""
