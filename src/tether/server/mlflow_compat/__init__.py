"""The MLflow REST API over tether's own services, so the unmodified ``mlflow`` client can log here.

Requests arrive under ``/api/2.0/mlflow/…`` in MLflow's wire shapes (query strings with repeated keys on
GET, protobuf-style JSON with NaN as a string on POST) and are translated onto the tracking service: no
second store and no second copy of its rules, so data logged through the MLflow client is ordinary tether
data and the other way round. Each route declares its access like every other route (``access.py``), so
``--auth`` applies unchanged; the MLflow client authenticates with ``MLFLOW_TRACKING_TOKEN`` (a tether
token, sent as a bearer token). Errors use MLflow's envelope and codes (``errors.py``).

This covers experiments, runs, params, metrics, tags, batches, metric history, run search and proxied
artifacts; logged models and the registry are not answered yet (an unknown route is MLflow's
``ENDPOINT_NOT_FOUND``).
"""
