"""Searching registered models and their versions with the run-search filter language.

A model filter names the model's attributes and its tags (``name LIKE 'churn%' AND tags.team = 'growth'``);
a version filter names the version's attributes and tags (``flavor = 'sklearn' AND version >= 3``). The
grammar, its errors and its semantics (a missing tag fails every comparison but ``IS NULL``; LIKE is
case-sensitive, ILIKE is not) are those of run search.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from tether.storage.tables import model_version_tags, model_versions, registered_model_tags, registered_models
from tether.tracking.search import Vocabulary, parse_filter, tagged_condition

MODELS = Vocabulary(
    "a key such as name, description, created_time or tags.team",
    ("tag", "attribute"),
    numeric=("created_time", "updated_time"),
    strings=("name", "description", "created_by"),
    nullable=("created_by",),
)
VERSIONS = Vocabulary(
    "a key such as version, status, flavor, source, created_time or tags.stage",
    ("tag", "attribute"),
    numeric=("version", "created_time", "updated_time"),
    strings=("status", "flavor", "source", "description", "created_by"),
    nullable=("created_by",),
)


def model_conditions(text: str) -> list[ColumnElement[bool]]:
    """The WHERE conditions on ``registered_models`` that a model filter stands for."""
    return [
        tagged_condition(registered_models, registered_model_tags, ("model_id",), clause)
        for clause in parse_filter(text, MODELS)
    ]


def version_conditions(text: str) -> list[ColumnElement[bool]]:
    """The WHERE conditions on ``model_versions`` that a version filter stands for."""
    return [
        tagged_condition(model_versions, model_version_tags, ("model_id", "version"), clause)
        for clause in parse_filter(text, VERSIONS)
    ]
