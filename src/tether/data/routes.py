"""The data domain's REST API (see ``tether.endpoints``): datasets, commits, branches and tags, objects.

Datasets are shared by every signed-in user of a server (they have no permissions of their own yet);
deleting a dataset and collecting garbage need an admin, since both can make data unreachable for everyone.
Recording a run's input needs EDIT on the run's experiment. Objects travel as packs through hand-written
routes (``tether.server.routers.data_objects``), since their bodies are bytes rather than JSON.
"""

from __future__ import annotations

from tether.data.schemas import (
    Commit,
    CommitCreate,
    CommitsQuery,
    CommitsReceive,
    DataRef,
    Dataset,
    DatasetFile,
    DatasetsQuery,
    Diff,
    DiffQuery,
    FilesQuery,
    GcReport,
    GcRequest,
    InputLog,
    Known,
    LogQuery,
    Missing,
    MissingQuery,
    RefSet,
    SpecQuery,
)
from tether.endpoints import ADMIN, SIGNED_IN, Domain, Endpoint, in_path, on, tagged
from tether.refs import DataVersionRef
from tether.schemas import Page

DATASET = "/datasets/{name}"
REF = f"{DATASET}/refs/{{ref}}"

DOMAIN = Domain(
    "data",
    tagged(
        "data",
        (
            Endpoint("GET", "/datasets", "list_datasets", SIGNED_IN, Page[Dataset], query=DatasetsQuery),
            Endpoint("GET", DATASET, "get_dataset", SIGNED_IN, Dataset),
            Endpoint("DELETE", DATASET, "delete_dataset", ADMIN),
            Endpoint(
                "POST",
                f"{DATASET}/commits",
                "commit",
                SIGNED_IN,
                Commit,
                body=CommitCreate,
                status=201,
                caller={"author": "username_or_given"},
            ),
            Endpoint(
                "POST", f"{DATASET}/received", "receive_commits", SIGNED_IN, list[Commit], body=CommitsReceive
            ),
            Endpoint(
                "POST",
                f"{DATASET}/known",
                "known_commits",
                SIGNED_IN,
                Known,
                body=CommitsQuery,
                envelope="known",
            ),
            Endpoint("GET", f"{DATASET}/log", "log", SIGNED_IN, list[Commit], query=LogQuery),
            Endpoint("PUT", REF, "set_ref", SIGNED_IN, DataRef, body=RefSet),
            Endpoint("DELETE", REF, "delete_ref", SIGNED_IN),
            Endpoint("GET", "/data/resolve", "resolve", SIGNED_IN, Commit, query=SpecQuery),
            Endpoint("GET", "/data/files", "list_files", SIGNED_IN, Page[DatasetFile], query=FilesQuery),
            Endpoint("GET", "/data/diff", "diff", SIGNED_IN, Diff, query=DiffQuery),
            Endpoint(
                "POST",
                "/data/objects/missing",
                "missing_objects",
                SIGNED_IN,
                Missing,
                body=MissingQuery,
                envelope="missing",
            ),
            Endpoint(
                "POST",
                "/runs/{run_id}/inputs",
                "log_input",
                on("EDIT", in_path("run", "run_id")),
                Commit,
                body=InputLog,
            ),
            Endpoint("POST", "/data/gc", "collect_garbage", ADMIN, GcReport, body=GcRequest),
        ),
    ),
    scopes={"run": "experiment_of_run"},
    streams=("put_pack", "put_objects", "put_object", "fetch_pack"),
    shared_refs=(DataVersionRef.prefix,),
)
