"""The registry's REST API (see ``tether.endpoints``): models, versions, aliases and their history.

A registered model is governed by its own permissions (READ/EDIT/MANAGE, as experiments are): its creator
gets MANAGE; renaming or deleting it and protecting aliases needs MANAGE; changing versions, tags and
aliases needs EDIT, and a protected alias moves only for MANAGE (the service checks, given the caller's
level). Registering a version from a run also needs READ on the run's experiment. Webhooks are for admins.
"""

from __future__ import annotations

from tether.endpoints import (
    ADMIN,
    SIGNED_IN,
    CallerValue,
    Domain,
    Endpoint,
    in_body,
    in_path,
    on,
    on_model,
    tagged,
)
from tether.registry.schemas import (
    AliasAtQuery,
    AliasInfo,
    AliasProtection,
    AliasWrite,
    HistoryQuery,
    ModelCreate,
    ModelListQuery,
    ModelTagKey,
    ModelTagWrite,
    ModelUpdate,
    ModelVersion,
    RegisteredModel,
    RegistryEvent,
    VersionAt,
    VersionCreate,
    VersionListQuery,
    VersionUpdate,
)
from tether.registry.webhooks.schemas import (
    DeliveryQuery,
    Webhook,
    WebhookCreate,
    WebhookCreated,
    WebhookDelivery,
    WebhookUpdate,
)
from tether.schemas import Page

MODEL = in_path("model", "name")
ACTOR: dict[str, CallerValue] = {"actor": "username_or_given"}  # the audit trail's "who"
GUARDED: dict[str, CallerValue] = {**ACTOR, "caller_level": "model_level"}
VERSION = "/models/{name}/versions/{version}"
ALIAS = "/models/{name}/aliases/{alias}"

_MODELS = (
    Endpoint(
        "POST",
        "/models",
        "create_model",
        SIGNED_IN,
        RegisteredModel,
        body=ModelCreate,
        status=201,
        caller={**ACTOR, "manager": "user_id"},
    ),
    Endpoint(
        "GET",
        "/models",
        "list_models",
        SIGNED_IN,
        Page[RegisteredModel],
        query=ModelListQuery,
        caller={"among": "readable_models"},
    ),
    Endpoint("GET", "/models/{name}", "get_model", on_model("READ", MODEL), RegisteredModel),
    Endpoint(
        "PATCH",
        "/models/{name}",
        "update_model",
        on_model("MANAGE", MODEL),
        RegisteredModel,
        body=ModelUpdate,
        caller=ACTOR,
    ),
    Endpoint("DELETE", "/models/{name}", "delete_model", on_model("MANAGE", MODEL), caller=ACTOR),
    Endpoint("POST", "/models/{name}/tags", "set_model_tag", on_model("EDIT", MODEL), body=ModelTagWrite),
    Endpoint("DELETE", "/models/{name}/tags", "delete_model_tag", on_model("EDIT", MODEL), query=ModelTagKey),
    Endpoint(
        "GET",
        "/models/{name}/history",
        "history",
        on_model("READ", MODEL),
        list[RegistryEvent],
        query=HistoryQuery,
    ),
)

_VERSIONS = (
    Endpoint(
        "POST",
        "/models/{name}/versions",
        "create_version",
        on_model("EDIT", MODEL, also=on("READ", in_body("source", "source"))),
        ModelVersion,
        body=VersionCreate,
        status=201,
        caller=ACTOR,
    ),
    Endpoint(
        "GET",
        "/models/{name}/versions",
        "list_versions",
        on_model("READ", MODEL),
        list[ModelVersion],
        query=VersionListQuery,
    ),
    Endpoint("GET", VERSION, "get_version", on_model("READ", MODEL), ModelVersion),
    Endpoint(
        "PATCH",
        VERSION,
        "update_version",
        on_model("EDIT", MODEL),
        ModelVersion,
        body=VersionUpdate,
        caller=ACTOR,
    ),
    Endpoint("DELETE", VERSION, "delete_version", on_model("EDIT", MODEL), caller=ACTOR),
    Endpoint("POST", f"{VERSION}/tags", "set_version_tag", on_model("EDIT", MODEL), body=ModelTagWrite),
    Endpoint("DELETE", f"{VERSION}/tags", "delete_version_tag", on_model("EDIT", MODEL), query=ModelTagKey),
)

_ALIASES = (
    Endpoint("PUT", ALIAS, "set_alias", on_model("EDIT", MODEL), AliasInfo, body=AliasWrite, caller=GUARDED),
    Endpoint("DELETE", ALIAS, "delete_alias", on_model("EDIT", MODEL), caller=GUARDED),
    Endpoint("GET", ALIAS, "get_version_by_alias", on_model("READ", MODEL), ModelVersion),
    Endpoint(
        "PUT",
        f"{ALIAS}/protection",
        "protect_alias",
        on_model("MANAGE", MODEL),
        AliasInfo,
        body=AliasProtection,
        caller=ACTOR,
    ),
    Endpoint(
        "GET",
        f"{ALIAS}/at",
        "alias_at",
        on_model("READ", MODEL),
        VersionAt,
        query=AliasAtQuery,
        envelope="version",
    ),
)

WEBHOOK = "/webhooks/{webhook_id}"

_WEBHOOKS = (
    Endpoint(
        "POST",
        "/webhooks",
        "create_webhook",
        ADMIN,
        WebhookCreated,
        body=WebhookCreate,
        status=201,
        caller=ACTOR,
    ),
    Endpoint("GET", "/webhooks", "list_webhooks", ADMIN, list[Webhook]),
    Endpoint("GET", WEBHOOK, "get_webhook", ADMIN, Webhook),
    Endpoint("PATCH", WEBHOOK, "update_webhook", ADMIN, Webhook, body=WebhookUpdate),
    Endpoint("DELETE", WEBHOOK, "delete_webhook", ADMIN),
    Endpoint("POST", f"{WEBHOOK}/secret", "rotate_webhook_secret", ADMIN, WebhookCreated),
    Endpoint("POST", f"{WEBHOOK}/ping", "ping_webhook", ADMIN, WebhookDelivery, status=202),
    Endpoint(
        "GET",
        f"{WEBHOOK}/deliveries",
        "list_deliveries",
        ADMIN,
        Page[WebhookDelivery],
        query=DeliveryQuery,
    ),
)

DOMAIN = Domain(
    "registry",
    (
        *tagged("models", _MODELS),
        *tagged("model versions", _VERSIONS),
        *tagged("model aliases", _ALIASES),
        *tagged("webhooks", _WEBHOOKS),
    ),
    scopes={"source": "experiment_of_source"},
)
