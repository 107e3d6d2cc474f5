"""The deployments' REST API (see ``tether.endpoints``): model servers register, report and stop here.

A deployment is governed by the registered models it serves: reading one needs READ on each of them;
registering, reporting, stopping and deleting need EDIT on each, both on the models it serves now and on
the ones a registration or report names (so no one takes over a deployment of models they may not
change). A deployment serving no registered model (a run's package, a folder) is open to any signed-in
user. The list shows the deployments whose models the caller may all read.
"""

from __future__ import annotations

from tether.deployments.schemas import (
    Deployment,
    DeploymentListQuery,
    DeploymentQuery,
    DeploymentRegister,
    StatsReport,
)
from tether.endpoints import SIGNED_IN, Domain, Endpoint, in_body, in_path, on_model, tagged
from tether.schemas import Page

DEPLOYMENT = "/deployments/{name}"
SERVED = in_path("deployment", "name")
CHANGING = on_model("EDIT", SERVED, in_body("model", "registered_models"))

DOMAIN = Domain(
    "deployments",
    tagged(
        "deployments",
        (
            Endpoint("PUT", DEPLOYMENT, "register_deployment", CHANGING, Deployment, body=DeploymentRegister),
            Endpoint("POST", f"{DEPLOYMENT}/stats", "report_stats", CHANGING, body=StatsReport),
            Endpoint("POST", f"{DEPLOYMENT}/stop", "mark_stopped", on_model("EDIT", SERVED), Deployment),
            Endpoint(
                "GET",
                "/deployments",
                "list_deployments",
                SIGNED_IN,
                Page[Deployment],
                query=DeploymentListQuery,
                caller={"among": "readable_models"},
            ),
            Endpoint(
                "GET",
                DEPLOYMENT,
                "get_deployment",
                on_model("READ", SERVED),
                Deployment,
                query=DeploymentQuery,
            ),
            Endpoint("DELETE", DEPLOYMENT, "delete_deployment", on_model("EDIT", SERVED)),
        ),
    ),
    model_scopes={"deployment": "models_of_deployment"},
)
