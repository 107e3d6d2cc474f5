"""``tether deploy``: a served model as a folder to build an image from and apply to a Kubernetes cluster.

Packages are copied from the store or server the environment points at (TETHER_HOME, TETHER_URI …); an
alias is resolved once, so the bundle serves the version it pointed at when the bundle was built.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tether.cli import output
from tether.cli.options import Json, ModelOrConfig
from tether.errors import NotFound

if TYPE_CHECKING:
    from tether.client import Backend
    from tether.serving.bundle import Bundle, BundleOptions

app = typer.Typer(
    help="Deployable bundles: a model with its server, an image recipe and Kubernetes manifests.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

EPILOG = """Examples:

\b
  tether deploy build models:/churn@champion -o build/
  tether deploy build models:/churn/3 -o build/ --image registry.example.com/churn:3 --max-replicas 20
  tether deploy build serving.yaml -o build/ --name scoring --cpu 1 --memory 2Gi --force
  docker build -t registry.example.com/churn:3 build/ && kubectl apply -f build/k8s/

Docs: docs/deploy.md"""


class BackendPackages:
    """Packages from the registry, a run or a folder, copied through the backend the environment points at."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def fetch(self, uri: str, into: Path) -> int | None:
        from tether.sdk.artifacts import download
        from tether.sdk.models import MODELS_SCHEME, RUNS_SCHEME, run_artifact, version_of

        version = None
        if uri.startswith(MODELS_SCHEME):
            found = version_of(self.backend, uri)
            if found.status != "ready":
                output.note(
                    f"note: {uri} is version {found.version} of {found.name!r}, marked {found.status}"
                )
            version, uri = found.version, found.source
        if not uri.startswith(RUNS_SCHEME):
            folder = Path(uri).expanduser()
            if not folder.is_dir():
                raise NotFound(f"no model at {uri!r}: neither a model URI (runs:/…, models:/…) nor a folder")
            shutil.copytree(folder, into, symlinks=True)  # links stay links, which the manifest check refuses
            return version
        run_id, path = run_artifact(uri)
        with tempfile.TemporaryDirectory(prefix=".download-", dir=into.parent) as scratch:
            download(self.backend.tracking, run_id, path, scratch).rename(into)
        return version


@app.command("build", epilog=EPILOG)
def build(
    target: ModelOrConfig,
    out: Annotated[
        Path,
        typer.Option(
            "--output", "-o", metavar="DIR", help="The folder to write the bundle into.", show_default=False
        ),
    ],
    name: Annotated[
        str | None, typer.Option(help="Name of the Kubernetes objects (default: the served model's name).")
    ] = None,
    image: Annotated[
        str | None, typer.Option(help="Image the Deployment runs.  [default: NAME:VERSION]")
    ] = None,
    replicas: Annotated[int | None, typer.Option(min=1, help="Pods at first.  [default: 2]")] = None,
    min_replicas: Annotated[
        int | None, typer.Option(min=1, help="Fewest pods the autoscaler keeps.  [default: --replicas]")
    ] = None,
    max_replicas: Annotated[
        int | None, typer.Option(min=1, help="Most pods the autoscaler starts.  [default: 10]")
    ] = None,
    cpu: Annotated[str | None, typer.Option(help="CPU each pod requests.  [default: 500m]")] = None,
    cpu_limit: Annotated[str | None, typer.Option(help="CPU each pod may use.  [default: --cpu]")] = None,
    memory: Annotated[str | None, typer.Option(help="Memory each pod requests.  [default: 1Gi]")] = None,
    memory_limit: Annotated[
        str | None, typer.Option(help="Memory each pod may use.  [default: --memory]")
    ] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Port the server listens on.  [default: 8080]")
    ] = None,
    target_cpu: Annotated[
        int | None,
        typer.Option(
            min=1, max=100, help="CPU use, in % of the request, the autoscaler aims at.  [default: 70]"
        ),
    ] = None,
    allow_pickle: Annotated[
        bool, typer.Option("--allow-pickle", help="Bundle a package that loads with pickle (trusted only).")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the bundle in a folder that is not empty.")
    ] = False,
    as_json: Json = False,
) -> None:
    """Write a model, its pinned requirements, a Dockerfile and Kubernetes manifests into one folder."""
    from tether.cli.session import connected
    from tether.serving.bundle import build_bundle, serving_config

    values = {
        "name": name,
        "image": image,
        "replicas": replicas,
        "min_replicas": min_replicas,
        "max_replicas": max_replicas,
        "cpu": cpu,
        "cpu_limit": cpu_limit,
        "memory": memory,
        "memory_limit": memory_limit,
        "port": port,
        "target_cpu": target_cpu,
    }
    options = _options({key: value for key, value in values.items() if value is not None})
    if allow_pickle and target.endswith((".yaml", ".yml")):
        raise typer.BadParameter("a serving.yaml says allow_pickle per model", param_hint="'--allow-pickle'")
    config = serving_config(target, allow_pickle=allow_pickle)
    with connected() as backend:
        bundle = build_bundle(config, out, BackendPackages(backend), options, force=force)
    if as_json:
        output.print_json(bundle.model_dump(mode="json"))
        return
    _show(bundle)


def _options(values: dict[str, Any]) -> BundleOptions:
    """The options checked together; the first problem is a usage error that names its option."""
    from pydantic import ValidationError

    from tether.serving.bundle import BundleOptions

    try:
        return BundleOptions.model_validate(values)
    except ValidationError as error:
        problem = error.errors()[0]
        field = str(problem["loc"][0]) if problem["loc"] else ""
        hint = f"'--{field.replace('_', '-')}'" if field else None
        message = str(problem["msg"]).removeprefix("Value error, ")
        raise typer.BadParameter(message, param_hint=hint) from None


def _show(bundle: Bundle) -> None:
    for model in bundle.models:
        version = "" if model.version is None else f" (version {model.version})"
        output.done(f"bundled {model.name} from {model.uri}{version} into {bundle.folder}/{model.folder}")
    output.done(
        f"next: docker build -t {bundle.image} {bundle.folder} && kubectl apply -f {bundle.folder}/k8s/"
    )
