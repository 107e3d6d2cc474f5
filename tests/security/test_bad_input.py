"""Input a probe sends to break the server: text no database can store, integers past 64 bits, digits
that are not ASCII, keys with a trailing newline, a parent run in another team's experiment. Each is a
4xx with the error body (never a 5xx, never SQL in it), and nothing stored changes."""

from __future__ import annotations

import httpx
import pytest
from tests.security.conftest import API, Experiment, SecuredServer, error_code

SQL_WORDS = ("SELECT", "INSERT", "UPDATE ", "[SQL", "psycopg", "sqlite3", "parameters:")


def refused(response: httpx.Response, code: str = "INVALID_INPUT") -> None:
    assert error_code(response) == code, response.text
    assert not any(word in response.text for word in SQL_WORDS), response.text


def raw(client: httpx.Client, method: str, url: str, body: str) -> httpx.Response:
    """A JSON body sent as written, so ``\\ud800`` reaches the server as an escape, not as UTF-8."""
    return client.request(method, url, content=body.encode(), headers={"content-type": "application/json"})


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("POST", "/experiments", '{"name": "\\ud800"}'),
        ("POST", "/runs", '{"experiment_id": "EXP", "run_name": "x\\udfff"}'),
        ("POST", "/runs", '{"experiment_id": "EXP", "tags": {"team": "\\ud800"}}'),
        ("POST", "/runs/RUN/batch", '{"params": {"lr": "\\ud83d"}}'),
        ("POST", "/runs/RUN/batch", '{"tags": {"\\ud800": "x"}}'),
        ("POST", "/experiments/EXP/tags", '{"key": "k", "value": "\\udc00"}'),
        ("PATCH", "/experiments/EXP", '{"name": "\\ud800"}'),
    ],
)
def test_lone_surrogates_are_refused_in_every_string_field(
    experiment: Experiment, method: str, url: str, body: str
) -> None:
    run_id = experiment.new_run()
    url = API + url.replace("EXP", experiment.experiment_id).replace("RUN", run_id)
    with experiment.server.client("owner") as owner:
        refused(raw(owner, method, url, body.replace("EXP", experiment.experiment_id)))
        run = owner.get(f"{API}/runs/{run_id}").json()
        assert (run["params"], run["tags"]) == ({}, {})
        assert owner.get(f"{API}/experiments/{experiment.experiment_id}").json()["tags"] == {}


def test_integers_past_64_bits_are_a_400_not_a_retried_503(experiment: Experiment) -> None:
    run_id = experiment.new_run()
    with experiment.server.client("owner") as owner:
        for body in (
            f'{{"experiment_id": "{experiment.experiment_id}", "start_time": 1e20}}',
            f'{{"experiment_id": "{experiment.experiment_id}", "start_time": 100000000000000000000}}',
        ):
            refused(raw(owner, "POST", f"{API}/runs", body))
        refused(owner.patch(f"{API}/runs/{run_id}", json={"end_time": 10**20}))
        metrics = {"keys": ["m"], "values": [1.0], "steps": [2**70], "timestamps": [1]}
        refused(owner.post(f"{API}/runs/{run_id}/batch", json={"metrics": metrics}))
        refused(owner.get(f"{API}/runs/{run_id}/metric-history", params={"key": "m", "min_step": 2**70}))
        refused(owner.delete(f"{API}/tokens/99999999999999999999"))
        assert owner.get(f"{API}/runs/{run_id}").json()["metrics"] == {}


@pytest.mark.parametrize("digits", ["²", "١", "１", "0x1", "%201", "1%0A"])
def test_experiment_ids_are_ascii_digits_in_every_layer(secured: SecuredServer, digits: str) -> None:
    """Admins included: the tracking layer no longer reads "١" as experiment 1 where auth refuses it."""
    with secured.client("admin") as admin:
        refused(admin.get(f"{API}/experiments/{digits}"), "NOT_FOUND")
        refused(admin.get(f"{API}/experiments/{digits}/permissions"), "NOT_FOUND")
        refused(admin.post(f"{API}/runs", json={"experiment_id": digits}), "NOT_FOUND")
        refused(admin.post(f"{API}/runs/search", json={"experiment_ids": [digits]}), "NOT_FOUND")


def test_keys_with_a_trailing_newline_are_not_new_keys(experiment: Experiment) -> None:
    run_id = experiment.new_run()
    with experiment.server.client("owner") as owner:
        assert owner.post(f"{API}/runs/{run_id}/batch", json={"params": {"loss": "1"}}).status_code == 204
        for body in ({"params": {"loss\n": "2"}}, {"tags": {"t\n": "x"}}):
            refused(owner.post(f"{API}/runs/{run_id}/batch", json=body))
        metrics = {"keys": ["loss\n"], "values": [1.0], "steps": [0], "timestamps": [1]}
        refused(owner.post(f"{API}/runs/{run_id}/batch", json={"metrics": metrics}))
        assert owner.get(f"{API}/runs/{run_id}").json()["params"] == {"loss": "1"}


def test_a_run_cannot_be_the_child_of_a_run_in_another_experiment(experiment: Experiment) -> None:
    """A user attached runs of their own experiment to another team's run, which then listed them."""
    server = experiment.server
    theirs = experiment.new_run()
    with server.client("stranger") as stranger:
        own = stranger.post(f"{API}/experiments", json={"name": f"own-{theirs[:8]}"}).json()["experiment_id"]
        made = stranger.post(f"{API}/runs", json={"experiment_id": own, "parent_run_id": theirs})
        refused(made)
        assert "must be in its parent's experiment" in made.json()["error"]["message"]
    with server.client("owner") as owner:
        assert owner.get(f"{API}/runs/{theirs}/children").json() == []
