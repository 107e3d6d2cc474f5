"""A deployable bundle: served models frozen into one folder that ``docker build`` and ``kubectl apply`` take
as it is.

The folder holds the packages (``model/``), pinned requirements, the serving settings, a Dockerfile that runs
``tether serve`` as a non-root user, and Kubernetes manifests (Deployment, Service, HorizontalPodAutoscaler).
Aliases are resolved once, when the bundle is built, and the server it describes follows none of them, so the
image that runs serves exactly the versions that were bundled. Packages come through a ``PackageSource``
handed in by whoever builds the bundle (the CLI, over the SDK): the serving domain never opens a store.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Protocol

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from tether.errors import AlreadyExists, InvalidInput, UnsafeModel
from tether.models import manifest as manifests
from tether.models.flavors import FLAVORS
from tether.schemas import ReadModel, describe_errors
from tether.serving.config import ServedModelConfig, ServingConfig, read_config
from tether.serving.run import GRACEFUL_SHUTDOWN_S
from tether.version import __version__

MODEL_DIR = "model"
APP_DIR = "/app"
USER_ID = 10001
"""The container's user: numeric, so Kubernetes can check ``runAsNonRoot`` against the image."""
SCRATCH = "/tmp"
"""The one writable place in the container (an emptyDir in Kubernetes, whose root filesystem is read-only)."""
SERVICE_PORT = 80
LOAD_WINDOW_S = 300
"""How long a pod may take to load and warm up its models before Kubernetes restarts it."""
ENTRIES = ("model", "requirements.txt", "serving.yaml", "Dockerfile", ".dockerignore", "k8s")
"""Everything a bundle consists of; ``force`` replaces these and leaves anything else in the folder alone."""

K8S_NAME = re.compile(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")
K8S_RULE = "must be a Kubernetes name: at most 63 lowercase letters, digits and '-', starting with a letter"
QUANTITY = re.compile(r"^(\d+(?:\.\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$")
SCALE = {"": Decimal(1), "m": Decimal("0.001")}
SCALE |= {suffix: Decimal(1000**power) for power, suffix in enumerate("kMGTPE", 1)}
SCALE |= {f"{suffix}i": Decimal(1024**power) for power, suffix in enumerate("KMGTPE", 1)}
REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def amount(quantity: str) -> Decimal:
    """The number a Kubernetes quantity stands for (``500m`` is 0.5, ``1Ki`` is 1024)."""
    found = QUANTITY.match(quantity)
    if found is None:
        raise ValueError(f"{quantity!r} is not a Kubernetes quantity (such as 500m, 2, 512Mi, 1Gi)")
    return Decimal(found.group(1)) * SCALE[found.group(2) or ""]


def _quantity(text: str) -> str:
    amount(text)
    return text


Quantity = Annotated[str, AfterValidator(_quantity)]
"""CPU or memory as Kubernetes writes it: ``500m``, ``2``, ``512Mi``, ``1Gi``."""


class BundleOptions(BaseModel):
    """How the bundle runs: its Kubernetes name and image, how many replicas, and what each one gets."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, description="Kubernetes name; default: the served model's name")
    image: str | None = Field(default=None, description="Image reference; default: <name>:<version>")
    replicas: Annotated[int, Field(ge=1, le=1000)] = 2
    min_replicas: Annotated[int | None, Field(ge=1, le=1000, description="default: replicas")] = None
    max_replicas: Annotated[int | None, Field(ge=1, le=1000, description="default: 10, or more")] = None
    cpu: Quantity = "500m"
    cpu_limit: Quantity | None = Field(default=None, description="default: the request")
    memory: Quantity = "1Gi"
    memory_limit: Quantity | None = Field(default=None, description="default: the request")
    port: Annotated[int, Field(ge=1, le=65535)] = 8080
    target_cpu: Annotated[int, Field(ge=1, le=100, description="HPA target, % of the CPU request")] = 70

    @model_validator(mode="after")
    def _consistent(self) -> BundleOptions:
        if self.name is not None and not K8S_NAME.match(self.name):
            raise ValueError(f"name {self.name!r} {K8S_RULE}")
        self.min_replicas = self.min_replicas or self.replicas
        self.max_replicas = self.max_replicas or max(10, self.min_replicas, self.replicas)
        if not self.min_replicas <= self.replicas <= self.max_replicas:
            raise ValueError(
                f"replicas ({self.replicas}) must lie between min_replicas ({self.min_replicas}) "
                f"and max_replicas ({self.max_replicas})"
            )
        self.cpu_limit = self.cpu_limit or self.cpu
        self.memory_limit = self.memory_limit or self.memory
        for what, request, limit in (
            ("cpu", self.cpu, self.cpu_limit),
            ("memory", self.memory, self.memory_limit),
        ):
            if amount(limit) < amount(request):
                raise ValueError(f"{what}_limit ({limit}) is below the {what} request ({request})")
        return self


class PackageSource(Protocol):
    def fetch(self, uri: str, into: Path) -> int | None:
        """Write the files of the package ``uri`` names into the new folder ``into``; returns the registry
        version it resolved to (``None`` for a run or a folder)."""


class BundledModel(ReadModel):
    """One model in a bundle: what it was built from and where its package sits inside the folder."""

    name: str
    uri: str
    version: int | None
    folder: str


class Bundle(ReadModel):
    """What ``build_bundle`` wrote."""

    folder: str
    name: str
    image: str
    models: list[BundledModel]
    requirements: list[str]
    files: list[str]


def serving_config(target: str, *, allow_pickle: bool = False) -> ServingConfig:
    """The models to bundle: those of a ``serving.yaml``, or the one model a URI or folder names."""
    if target.endswith((".yaml", ".yml")):
        return read_config(Path(target))
    try:
        return ServingConfig(models=[ServedModelConfig(uri=target, allow_pickle=allow_pickle)])
    except ValidationError as error:
        raise InvalidInput(f"{target}: {describe_errors(error.errors())}") from None


def build_bundle(
    config: ServingConfig, out: Path, source: PackageSource, options: BundleOptions, *, force: bool = False
) -> Bundle:
    """Fetch every model of ``config`` through ``source`` and write the bundle into ``out``.

    A non-empty ``out`` is refused unless ``force``; the bundle is assembled in a hidden folder inside
    ``out`` and moved into place only once complete, so a failure leaves what was there before.
    """
    _check_destination(out, force)
    name = options.name or _default_name(config)
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".tether-bundle-", dir=out))
    try:
        models, requirements = _fetch(config, scratch, source)
        version = models[0].version if len(models) == 1 else None
        image = options.image or f"{name}:{'latest' if version is None else version}"
        _write_settings(scratch, config, models, options.port)
        _write_text(scratch / "requirements.txt", _requirements_text(requirements))
        _write_text(scratch / "Dockerfile", dockerfile(options.port))
        _write_text(scratch / ".dockerignore", "".join(f"{line}\n" for line in DOCKERIGNORE))
        files = _write_manifests(scratch / "k8s", name, image, options)
        _move_into(scratch, out)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        if created and not any(out.iterdir()):
            out.rmdir()
        raise
    scratch.rmdir()
    return Bundle(
        folder=str(out),
        name=name,
        image=image,
        models=models,
        requirements=requirements,
        files=sorted(
            ["Dockerfile", ".dockerignore", "requirements.txt", "serving.yaml", f"{MODEL_DIR}/", *files]
        ),
    )


def _check_destination(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise InvalidInput(f"the output {out} is a file; give a folder")
    if not force and out.is_dir() and any(out.iterdir()):
        raise AlreadyExists(f"the output folder {out} is not empty; pass --force to replace the bundle in it")


def _default_name(config: ServingConfig) -> str:
    if len(config.models) > 1:
        raise InvalidInput("a bundle of several models needs a name for its Kubernetes objects (--name)")
    served = config.models[0].served_as
    name = re.sub(r"[._]+", "-", served.lower())
    if not K8S_NAME.match(name):
        raise InvalidInput(f"cannot name the Kubernetes objects after {served!r}: {K8S_RULE}; pass --name")
    return name


def _fetch(
    config: ServingConfig, scratch: Path, source: PackageSource
) -> tuple[list[BundledModel], list[str]]:
    """Each package in its folder, checked against its manifest; and what they all need, tether first."""
    models, requirements = [], [f"tether=={__version__}"]
    for model in config.models:
        folder = MODEL_DIR if len(config.models) == 1 else f"{MODEL_DIR}/{model.served_as}"
        (scratch / folder).parent.mkdir(parents=True, exist_ok=True)
        version = source.fetch(model.uri, scratch / folder)
        manifest = manifests.read(scratch / folder)
        manifests.verify(scratch / folder, manifest)
        if (manifest.uses_pickle or FLAVORS.get(manifest.flavor).uses_pickle) and not model.allow_pickle:
            raise UnsafeModel(
                f"the {manifest.flavor} package of {model.served_as} ({model.uri}) loads with pickle, which "
                "can run any code it contains; allow it (--allow-pickle, or allow_pickle in serving.yaml) "
                "only if you trust where it came from"
            )
        models.append(BundledModel(name=model.served_as, uri=model.uri, version=version, folder=folder))
        requirements += manifest.requirements
    return models, merged(requirements)


def merged(requirements: Iterable[str]) -> list[str]:
    """Each distribution once, in first-seen order; two different pins of one distribution are an error."""
    seen: dict[str, tuple[str, str]] = {}
    for line in (line.strip() for line in requirements):
        found = REQUIREMENT_NAME.match(line)
        if found is None:
            continue
        key = re.sub(r"[-_.]+", "-", found.group(1)).lower()
        pin = "".join(line[found.end() :].split())
        first, first_pin = seen.setdefault(key, (line, pin))
        if first_pin != pin:
            raise InvalidInput(f"the bundled models need different versions of {key}: {first} and {line}")
    return [line for line, _ in seen.values()]


def _requirements_text(requirements: list[str]) -> str:
    header = "# tether, and what the bundled packages recorded, pinned as they were installed\n"
    return header + "".join(f"{line}\n" for line in requirements)


def _write_settings(scratch: Path, config: ServingConfig, models: list[BundledModel], port: int) -> None:
    """``serving.yaml`` for the container: every address, the bundled folders, and no alias followed."""
    served = {model.served_as: model for model in config.models}
    document = config.model_dump(mode="json", exclude_none=True)
    document |= {
        "host": "0.0.0.0",  # inside a container; the pod network decides who reaches it
        "port": port,
        "models": [
            served[m.name].model_dump(mode="json", exclude_none=True)
            | {"uri": m.folder, "name": m.name, "follow": False}
            for m in models
        ],
    }
    frozen = ServingConfig.model_validate(document)  # what tether serve reads back must be valid
    origins = [
        f"#   {m.name}: {m.uri}" + ("" if m.version is None else f" (version {m.version})") for m in models
    ]
    text = _yaml(frozen.model_dump(mode="json", exclude_none=True))
    header = f"# Frozen serving settings of this bundle (tether {__version__}); the packages came from:"
    _write_text(scratch / "serving.yaml", "\n".join([header, *origins, text]))


DOCKERIGNORE = (
    "# only what the image needs reaches the build",
    "*",
    "!model",
    "!requirements.txt",
    "!serving.yaml",
)


def dockerfile(port: int) -> str:
    """A Dockerfile that installs the pinned requirements and runs ``tether serve serving.yaml``."""
    probe = f"import urllib.request; urllib.request.urlopen('http://127.0.0.1:{port}/healthz', timeout=4)"
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    health = f"--interval=30s --timeout=5s --start-period={LOAD_WINDOW_S}s"
    instructions = [
        ("FROM", f"python:{python}-slim"),
        ("ENV", f"PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HOME={SCRATCH} TETHER_HOME={SCRATCH}/tether"),
        ("RUN", f"useradd --no-log-init --no-create-home --user-group --uid {USER_ID} tether"),
        ("WORKDIR", APP_DIR),
        ("COPY", "requirements.txt ./"),
        ("RUN", "pip install --no-cache-dir --disable-pip-version-check -r requirements.txt"),
        ("COPY", "serving.yaml ./"),
        ("COPY", f"{MODEL_DIR}/ {MODEL_DIR}/"),
        ("USER", f"{USER_ID}:{USER_ID}"),
        ("EXPOSE", str(port)),
        ("HEALTHCHECK", f"{health} CMD {json.dumps(['python', '-c', probe])}"),
        ("ENTRYPOINT", json.dumps(["tether", "serve", "serving.yaml"])),
    ]
    return "".join(f"{instruction} {argument}\n" for instruction, argument in instructions)


def _write_manifests(folder: Path, name: str, image: str, options: BundleOptions) -> list[str]:
    folder.mkdir()
    documents = {
        "deployment.yaml": deployment(name, image, options),
        "service.yaml": service(name),
        "hpa.yaml": autoscaler(name, options),
    }
    for file, document in documents.items():
        _write_text(folder / file, _yaml(document))
    return [f"{folder.name}/{file}" for file in documents]


def _labels(name: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/component": "model-server"}


def _metadata(name: str) -> dict[str, Any]:
    return {"name": name, "labels": _labels(name)}


def deployment(name: str, image: str, options: BundleOptions) -> dict[str, Any]:
    """Pods that get traffic once their models answer (/readyz) and restart if the server hangs (/healthz)."""

    def probe(path: str, period: int, failures: int) -> dict[str, Any]:
        get = {"path": path, "port": "http"}
        return {"httpGet": get, "periodSeconds": period, "timeoutSeconds": 3, "failureThreshold": failures}

    container = {
        "name": "server",
        "image": image,
        "ports": [{"name": "http", "containerPort": options.port, "protocol": "TCP"}],
        "startupProbe": probe("/healthz", 5, LOAD_WINDOW_S // 5),
        "readinessProbe": probe("/readyz", 5, 2),
        "livenessProbe": probe("/healthz", 10, 3),
        "resources": {
            "requests": {"cpu": options.cpu, "memory": options.memory},
            "limits": {"cpu": options.cpu_limit, "memory": options.memory_limit},
        },
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
        "volumeMounts": [{"name": "scratch", "mountPath": SCRATCH}],
    }
    scrape = {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": str(options.port),
        "prometheus.io/path": "/metrics",
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _metadata(name),
        "spec": {
            "replicas": options.replicas,
            "selector": {"matchLabels": _labels(name)},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
            "template": {
                "metadata": {"labels": _labels(name), "annotations": scrape},
                "spec": {
                    "securityContext": {
                        "runAsNonRoot": True,
                        "runAsUser": USER_ID,
                        "runAsGroup": USER_ID,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "terminationGracePeriodSeconds": GRACEFUL_SHUTDOWN_S + 15,
                    "containers": [container],
                    "volumes": [{"name": "scratch", "emptyDir": {}}],
                },
            },
        },
    }


def service(name: str) -> dict[str, Any]:
    """A stable address inside the cluster for the pods that are ready."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _metadata(name),
        "spec": {
            "type": "ClusterIP",
            "selector": _labels(name),
            "ports": [{"name": "http", "port": SERVICE_PORT, "targetPort": "http", "protocol": "TCP"}],
        },
    }


def autoscaler(name: str, options: BundleOptions) -> dict[str, Any]:
    """More pods when their CPU use passes ``target_cpu`` percent of what they request, fewer below it."""
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": _metadata(name),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": options.min_replicas,
            "maxReplicas": options.max_replicas,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": options.target_cpu},
                    },
                }
            ],
        },
    }


def _yaml(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, sort_keys=False, default_flow_style=False)


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _move_into(scratch: Path, out: Path) -> None:
    """Replace the bundle's own entries in ``out`` with the new ones; nothing else in ``out`` is touched."""
    for entry in ENTRIES:
        old = out / entry
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old)
        elif old.exists() or old.is_symlink():
            old.unlink()
        (scratch / entry).rename(old)
