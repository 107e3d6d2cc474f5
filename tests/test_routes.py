"""Every endpoint declaration against the service method it calls, and every service method against the
declarations: what keeps the server, the remote client and the services in step without a copy of any
signature."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from pydantic_core import PydanticUndefined

from tether.endpoints import Domain, Endpoint
from tether.server.app import DOMAINS


def service_class(domain: Domain) -> type[Any]:
    from tether.auth.service import AuthService
    from tether.data.service import DataService
    from tether.deployments.service import DeploymentService
    from tether.lineage.service import LineageService
    from tether.monitoring.service import MonitoringService
    from tether.registry.service import RegistryService
    from tether.tracking.service import TrackingService

    classes = {
        "lineage": LineageService,
        "tracking": TrackingService,
        "auth": AuthService,
        "monitoring": MonitoringService,
        "registry": RegistryService,
        "deployments": DeploymentService,
        "data": DataService,
    }
    return classes[domain.name]


def _name(value: object) -> str:
    return str(value) if isinstance(value, Endpoint) else getattr(value, "name", str(value))


ENDPOINTS = [(domain, endpoint) for domain in DOMAINS for endpoint in domain.endpoints]


def _signature(domain: Domain, endpoint: Endpoint) -> dict[str, inspect.Parameter]:
    method = getattr(service_class(domain), endpoint.call)
    parameters = dict(inspect.signature(method).parameters)
    parameters.pop("self")
    return parameters


def _model_default(endpoint: Endpoint, name: str) -> Any:
    for model in (endpoint.query, endpoint.body):
        if model is not None and name in model.model_fields:
            field = model.model_fields[name]
            return field.get_default(call_default_factory=True)
    return PydanticUndefined


@pytest.mark.parametrize(("domain", "endpoint"), ENDPOINTS, ids=_name)
def test_a_declaration_carries_exactly_the_service_method_s_parameters(
    domain: Domain, endpoint: Endpoint
) -> None:
    parameters = _signature(domain, endpoint)
    sent = list(endpoint.sources)
    assert set(sent) | set(endpoint.caller) == set(parameters), (
        "every parameter travels, or the server fills it"
    )
    assert sent == [name for name in parameters if name in sent], "the request's order is the service's order"
    for name in set(endpoint.caller) - set(sent) - _other_sent(domain, endpoint):
        # Only the server can give it, so a positional call must not be able to reach it by accident.
        assert parameters[name].kind is inspect.Parameter.KEYWORD_ONLY, name


def _other_sent(domain: Domain, endpoint: Endpoint) -> set[str]:
    """Parameters another declaration of the same method sends (so a client may still pass them)."""
    return {n for e in domain.calls()[endpoint.call] if e is not endpoint for n in e.sources}


@pytest.mark.parametrize(("domain", "endpoint"), ENDPOINTS, ids=_name)
def test_a_default_left_out_is_the_same_on_both_sides(domain: Domain, endpoint: Endpoint) -> None:
    """A client that leaves an argument out gets the model's default on a server, the service's in process."""
    for name, parameter in _signature(domain, endpoint).items():
        if endpoint.sources.get(name) not in ("query", "body"):
            continue
        model_default = _model_default(endpoint, name)
        if parameter.default is inspect.Parameter.empty:
            assert model_default is PydanticUndefined, (
                f"{name} is required by the service, optional on the wire"
            )
        elif parameter.default is not None:
            assert model_default == _plain(parameter.default), f"{name}: the defaults differ"


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.name)
def test_every_public_service_method_is_declared_streamed_or_a_scope(domain: Domain) -> None:
    cls = service_class(domain)
    public = {name for name, _ in inspect.getmembers(cls, inspect.isfunction) if not name.startswith("_")}
    offered = set(domain.calls()) | set(domain.streams) | set(domain.internal)
    offered |= set(domain.scopes.values()) | set(domain.model_scopes.values())
    assert public == offered


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.name)
def test_shapes_are_write_and_query_models(domain: Domain) -> None:
    from tether.schemas import QueryModel, WriteModel

    for endpoint in domain.endpoints:
        assert endpoint.query is None or issubclass(endpoint.query, QueryModel)
        assert endpoint.body is None or issubclass(endpoint.body, WriteModel)
        if endpoint.body is not None:
            assert endpoint.method in ("POST", "PUT", "PATCH")
