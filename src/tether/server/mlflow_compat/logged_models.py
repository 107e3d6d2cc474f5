"""MLflow 3's logged-model search, which its client calls whenever it lists a folder of a run's artifacts
(to tell ``runs:/<run>/<model name>`` apart from a plain folder).

tether keeps no MLflow logged models (models logged with ``mlflow.<flavor>.log_model`` are not accepted
yet), so the search, made under the caller's READ on the experiments it names, finds none.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from tether.endpoints import in_body, on
from tether.server.access import Requirement
from tether.server.mlflow_compat.wire import ExperimentsRef

router = APIRouter()


@router.post(
    "/logged-models/search",
    dependencies=[
        Depends(Requirement(on("READ", in_body("experiment", "experiment_ids")), body=ExperimentsRef))
    ],
)
def search() -> dict[str, Any]:
    return {"models": []}
