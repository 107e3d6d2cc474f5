"""``tether serve``: one model from its URI, or the models of a ``serving.yaml``, over HTTP.

Models are loaded from the store or server the environment points at (TETHER_HOME, TETHER_URI …), and an
alias is looked up again every ``--poll-interval`` seconds so the server follows it as it moves.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from tether.cli import output
from tether.cli.options import ModelOrConfig

if TYPE_CHECKING:
    from tether.client import Backend
    from tether.deployments.schemas import DeploymentRegister, StatsReport
    from tether.serving.config import ServedModelConfig, ServingConfig
    from tether.serving.source import LoadedVersion

LogLevel = Literal["critical", "error", "warning", "info", "debug"]
Where = Literal["local", "ray"]
FACTORY = "tether.cli.serve:app_from_env"

EPILOG = """Examples:

\b
  tether serve models:/churn@champion --port 8080
  tether serve models:/churn/3 --max-batch-rows 512 --max-latency-ms 10
  tether serve serving.yaml --workers 4
  tether serve models:/churn@champion --on ray --replicas 4
  curl -X POST localhost:8080/v1/models/churn/predict -d '{"instances": [{"age": 31, "plan": "pro"}]}'

Docs: docs/serving.md"""

MODEL_OPTIONS = (
    "--name",
    "--max-batch-rows",
    "--max-latency-ms",
    "--max-queue-rows",
    "--concurrency",
    "--device",
    "--allow-pickle",
    "--no-follow",
    "--canary",
    "--canary-weight",
    "--shadow",
)


class BackendSource:
    """Models from the registry, a run or a folder, through the backend the environment points at."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    @classmethod
    def from_env(cls) -> BackendSource:
        """A source with a connection of its own, for a process that loads models apart from the command
        (a worker, a Ray Serve replica)."""
        from tether.client import connect

        return cls(connect())

    def resolve(self, uri: str) -> int | None:
        from tether.sdk.models import MODELS_SCHEME, version_of

        return version_of(self.backend, uri).version if uri.startswith(MODELS_SCHEME) else None

    def load(self, model: ServedModelConfig, version: int | None) -> LoadedVersion:
        from tether.errors import DeprecatedModelWarning
        from tether.refs import Ref
        from tether.sdk.models import load_model
        from tether.serving.source import LoadedVersion

        uri = model.uri
        if version is not None:
            uri = f"models:/{Ref.parse(uri).name}/{version}"  # type: ignore[attr-defined]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DeprecatedModelWarning)
            loaded = load_model(self.backend, uri, allow_pickle=model.allow_pickle, device=model.device)
        for warning in caught:
            logging.getLogger("tether.serving").warning("%s", warning.message)
        return LoadedVersion(version, loaded)


def serve(
    target: ModelOrConfig,
    host: Annotated[str | None, typer.Option(help="Address to listen on.  [default: 127.0.0.1]")] = None,
    port: Annotated[
        int | None, typer.Option(min=0, max=65535, help="Port to listen on.  [default: 8080]")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, max=256, help="Processes sharing the port, each with every model.  [default: 1]"),
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="Name in URLs (default: the registered model's name).")
    ] = None,
    max_batch_rows: Annotated[
        int | None, typer.Option(min=1, help="Most rows in one predict call.  [default: 256]")
    ] = None,
    max_latency_ms: Annotated[
        float | None, typer.Option(min=0, help="Longest a request is held to fill a batch.  [default: 20]")
    ] = None,
    max_queue_rows: Annotated[
        int | None,
        typer.Option(min=1, help="Rows waiting at most; beyond, requests get 503.  [default: 16384]"),
    ] = None,
    concurrency: Annotated[
        int | None, typer.Option(min=1, help="Predict calls that may run at once.  [default: 1]")
    ] = None,
    device: Annotated[str | None, typer.Option(help="cuda, cuda:1 or cpu for PyTorch models.")] = None,
    allow_pickle: Annotated[
        bool, typer.Option("--allow-pickle", help="Load packages that use pickle (trusted sources only).")
    ] = False,
    no_follow: Annotated[
        bool, typer.Option("--no-follow", help="Keep the version loaded at start even if the alias moves.")
    ] = False,
    canary: Annotated[
        str | None,
        typer.Option(metavar="URI", help="A second model answering --canary-weight of the requests."),
    ] = None,
    canary_weight: Annotated[
        float | None,
        typer.Option(min=0, max=1, help="Share of requests the canary answers.  [default: 0.1]"),
    ] = None,
    shadow: Annotated[
        str | None,
        typer.Option(metavar="URI", help="A model that gets a copy of each request; answers logged only."),
    ] = None,
    poll_interval: Annotated[
        float | None,
        typer.Option(min=0.1, help="Seconds between registry look-ups of each alias.  [default: 10]"),
    ] = None,
    log_predictions: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="Keep a prediction log (Parquet, for monitoring) in this folder or fsspec URL (s3://…).",
        ),
    ] = None,
    log_sample_rate: Annotated[
        float | None,
        typer.Option(min=0, max=1, help="Share of requests the prediction log keeps.  [default: 1]"),
    ] = None,
    auth: Annotated[
        bool,
        typer.Option(
            "--auth",
            help="Callers need 'Authorization: Bearer <token>' with a token of the tether server "
            "(TETHER_URI) that may read the model they call.",
        ),
    ] = False,
    deployment: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="Report to tether as this deployment (status, traffic)."),
    ] = None,
    on: Annotated[
        Where | None,
        typer.Option(
            help="Serve from this process (local) or as a Ray Serve app (ray).  "
            "[default: local; ray for a serving.yaml with a ray section]"
        ),
    ] = None,
    replicas: Annotated[
        int | None, typer.Option(min=1, help="With --on ray: replicas, each with every model.  [default: 1]")
    ] = None,
    min_replicas: Annotated[
        int | None,
        typer.Option(min=1, help="With --on ray: fewest replicas the autoscaler keeps.  [default: 1]"),
    ] = None,
    max_replicas: Annotated[
        int | None, typer.Option(min=1, help="With --on ray: most replicas; turns autoscaling on.")
    ] = None,
    ray_address: Annotated[
        str | None,
        typer.Option(
            metavar="ADDRESS",
            help="With --on ray: a running Ray cluster (ray://head:10001, auto).  [default: start Ray here]",
        ),
    ] = None,
    log_level: Annotated[LogLevel, typer.Option(help="How much the server logs.")] = "info",
) -> None:
    """Serve models over HTTP with adaptive batching until interrupted (Ctrl-C)."""
    from tether.cli.session import connected
    from tether.serving.run import serve as run_server

    model_options: dict[str, Any] = {
        "name": name,
        "max_batch_rows": max_batch_rows,
        "max_latency_ms": max_latency_ms,
        "max_queue_rows": max_queue_rows,
        "concurrency": concurrency,
        "device": device,
        "allow_pickle": allow_pickle or None,
        "follow": False if no_follow else None,
        "canary": _canary(canary, canary_weight),
        "shadow": shadow,
    }
    server_options = {
        "host": host,
        "port": port,
        "workers": workers,
        "poll_interval_s": poll_interval,
        "auth": auth or None,
        "deployment": deployment,
    }
    config = _config(target, _given(model_options), _given(server_options))
    config = _with_log(config, _given({"url": log_predictions, "sample_rate": log_sample_rate}))
    ray_options = {
        "address": ray_address,
        "replicas": replicas,
        "min_replicas": min_replicas,
        "max_replicas": max_replicas,
    }
    ray_config = _ray_config(config, on, workers, _given(ray_options))
    if ray_config is not None and ray_config.deployment is not None:
        raise typer.BadParameter(
            "a deployment reports the numbers of one process, and Ray Serve replicas do not report: serve it "
            "here (--on local)",
            param_hint="--deployment",
        )
    tokens = _tokens(config)
    _log_to_stderr(log_level)
    shown = f"[{config.host}]" if ":" in config.host else config.host
    names = ", ".join(model.served_as for model in config.models)

    def announce() -> None:
        output.note(f"serving {names} on http://{shown}:{config.port}")

    with connected() as backend:
        source = BackendSource(backend)
        if config.workers > 1 or ray_config is not None:  # loaded elsewhere: check each URI here first
            for model in config.models:
                source.resolve(model.uri)
        output.note(f"loading {names}")
        if ray_config is not None:
            from tether.serving.ray_app import serve_on_ray

            serve_on_ray(
                ray_config, BackendSource.from_env, tokens=tokens, log_level=log_level, announce=announce
            )
            return
        run_server(
            config,
            source,
            factory=FACTORY,
            tokens=tokens,
            deployments=BackendDeployments(backend),
            log_level=log_level,
            announce=announce,
        )


def _log_to_stderr(level: LogLevel) -> None:
    """The server's own messages at ``level``; other libraries (the store's migrations, HTTP clients) only
    when they warn."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s:     %(message)s")
    logging.getLogger("tether").setLevel(level.upper())


def app_from_env() -> object:
    """A worker process's app (``--workers`` above 1): its own connection to the store."""
    from tether.serving.run import app_from_env as build
    from tether.serving.run import config_from_env

    return build(BackendSource.from_env(), _tokens(config_from_env()))


class ServerTokens:
    """Callers' tokens, checked by the tether server: a token passes for a model it may read there."""

    def __init__(self, server_uri: str) -> None:
        self.server_uri = server_uri

    def check(self, token: str, uri: str) -> None:
        from tether.client.remote import RemoteBackend
        from tether.refs import Ref
        from tether.sdk.models import MODELS_SCHEME, run_artifact

        caller = RemoteBackend(self.server_uri, token, patience_s=2.0)
        try:
            if uri.startswith(MODELS_SCHEME):
                caller.registry.get_model(Ref.parse(uri).name)  # type: ignore[attr-defined]
            else:
                caller.tracking.get_run(run_artifact(uri)[0])
        finally:
            caller.close()


def _tokens(config: ServingConfig) -> ServerTokens | None:
    """What checks callers' tokens when ``config.auth`` is on: the tether server the store is reached at."""
    from tether.config import Settings
    from tether.sdk.models import MODELS_SCHEME, RUNS_SCHEME

    if not config.auth:
        return None
    server_uri = Settings.from_env().uri
    if server_uri is None:
        raise typer.BadParameter(
            "--auth checks tokens against a tether server: set TETHER_URI (and TETHER_TOKEN)",
            param_hint="--auth",
        )
    unchecked = [
        model.uri for model in config.models if not model.uri.startswith((MODELS_SCHEME, RUNS_SCHEME))
    ]
    if unchecked:
        raise typer.BadParameter(
            f"--auth needs models from the registry or a run, whose permissions the tether server knows; "
            f"{', '.join(unchecked)} is neither",
            param_hint="--auth",
        )
    return ServerTokens(server_uri)


def _given(options: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in options.items() if value is not None}


def _canary(uri: str | None, weight: float | None) -> dict[str, Any] | None:
    if uri is None:
        if weight is not None:
            raise typer.BadParameter("--canary-weight needs --canary URI", param_hint="--canary-weight")
        return None
    return {"uri": uri} if weight is None else {"uri": uri, "weight": weight}


def _with_log(config: ServingConfig, options: dict[str, Any]) -> ServingConfig:
    """The configuration with the prediction log the command line asked for (over the file's)."""
    from tether.serving.config import PredictionLogConfig

    if not options:
        return config
    current = config.prediction_log
    if current is None and "url" not in options:
        raise typer.BadParameter(
            "--log-sample-rate needs --log-predictions URL", param_hint="--log-sample-rate"
        )
    settings = {**(current.model_dump() if current else {}), **options}
    return config.model_copy(update={"prediction_log": PredictionLogConfig.model_validate(settings)})


RAY_OPTIONS = {
    "address": "--ray-address",
    "replicas": "--replicas",
    "min_replicas": "--min-replicas",
    "max_replicas": "--max-replicas",
}


def _ray_config(
    config: ServingConfig, on: Where | None, workers: int | None, options: dict[str, Any]
) -> ServingConfig | None:
    """The configuration with the command line's Ray settings (over the file's) when the server runs on Ray:
    with --on ray, or a serving.yaml that has a ``ray`` section. None when it runs here."""
    from pydantic import ValidationError

    from tether.serving.config import RaySettings

    if on == "local" or (on is None and config.ray is None):
        if options:
            flags = " / ".join(f"'{RAY_OPTIONS[key]}'" for key in options)
            raise typer.BadParameter("only with --on ray", param_hint=flags)
        return None
    if workers is not None:
        raise typer.BadParameter(
            "on Ray each replica is one process: use --replicas", param_hint="'--workers'"
        )
    split = [model.served_as for model in config.models if model.workers is not None]
    if split:
        raise typer.BadParameter(
            f"on Ray every replica serves every model; remove 'workers' from {', '.join(split)}",
            param_hint="MODEL_OR_CONFIG",
        )
    current = config.ray.model_dump(exclude_unset=True) if config.ray else {}
    try:
        settings = RaySettings.model_validate({**current, **options})
    except ValidationError as error:
        message = str(error.errors()[0]["msg"]).removeprefix("Value error, ")
        raise typer.BadParameter(
            message, param_hint="'--replicas' / '--min-replicas' / '--max-replicas'"
        ) from None
    return config.model_copy(update={"ray": settings})


def _config(target: str, model_options: dict[str, Any], server_options: dict[str, Any]) -> ServingConfig:
    from pydantic import ValidationError

    from tether.schemas import describe_errors
    from tether.serving.config import ServingConfig, read_config

    if target.endswith((".yaml", ".yml")):
        if model_options:
            raise typer.BadParameter(
                f"model options ({', '.join(MODEL_OPTIONS)}) go in the file when serving a serving.yaml",
                param_hint="MODEL_OR_CONFIG",
            )
        if not Path(target).is_file():
            raise typer.BadParameter(f"no such file: {target}", param_hint="MODEL_OR_CONFIG")
        return read_config(Path(target), server_options)
    try:
        return ServingConfig.model_validate({**server_options, "models": [{"uri": target, **model_options}]})
    except ValidationError as error:
        raise typer.BadParameter(describe_errors(error.errors()), param_hint="MODEL_OR_CONFIG") from None


class BackendDeployments:
    """A served deployment's registration, reports and stop, through the backend the environment points at."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def register(self, name: str, document: DeploymentRegister) -> None:
        self.backend.deployments.register_deployment(
            name,
            document.models,
            document.url,
            document.host,
            document.tether_version,
            document.report_interval_s,
        )

    def report(self, name: str, report: StatsReport) -> None:
        self.backend.deployments.report_stats(name, report.window_s, report.stats, report.models)

    def stopped(self, name: str) -> None:
        self.backend.deployments.mark_stopped(name)
