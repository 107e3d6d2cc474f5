"""Table definitions: ``meta.metadata`` plus one module per domain. Structure only, no rules."""

from __future__ import annotations

from tether.storage.tables.auth import api_tokens, experiment_permissions, login_failures, sessions, users
from tether.storage.tables.data import data_commits, data_refs, datasets
from tether.storage.tables.deployments import deployment_models, deployment_stats, deployments
from tether.storage.tables.lineage import lineage_edges
from tether.storage.tables.meta import metadata
from tether.storage.tables.monitoring import monitoring_reports
from tether.storage.tables.registry import (
    model_aliases,
    model_permissions,
    model_version_tags,
    model_versions,
    registered_model_tags,
    registered_models,
    registry_events,
    webhook_deliveries,
    webhook_events,
    webhooks,
)
from tether.storage.tables.tracking import (
    applied_batches,
    artifact_files,
    artifact_usage,
    experiment_tags,
    experiments,
    latest_metrics,
    metric_chunks,
    params,
    run_tags,
    runs,
)

__all__ = [
    "api_tokens",
    "applied_batches",
    "artifact_files",
    "artifact_usage",
    "data_commits",
    "data_refs",
    "datasets",
    "deployment_models",
    "deployment_stats",
    "deployments",
    "experiment_permissions",
    "experiment_tags",
    "experiments",
    "latest_metrics",
    "lineage_edges",
    "login_failures",
    "metadata",
    "metric_chunks",
    "model_aliases",
    "model_permissions",
    "model_version_tags",
    "model_versions",
    "monitoring_reports",
    "params",
    "registered_model_tags",
    "registered_models",
    "registry_events",
    "run_tags",
    "runs",
    "sessions",
    "users",
    "webhook_deliveries",
    "webhook_events",
    "webhooks",
]
