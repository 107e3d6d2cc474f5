"""Registry webhooks: receivers managed over every backend, and the sender that delivers to a real HTTP
receiver — signed, retried with backoff, never redirected, never towards a private address unless allowed,
each attempt claimed by one sender."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
from tests.registry.receiver import Answer, receiving
from tests.registry.test_service import fitted
from tests.support import Target, unique

import tether as tt
from tether.client.local import LocalBackend
from tether.errors import InvalidInput, NotFound
from tether.registry.webhooks import signing
from tether.registry.webhooks.schemas import WebhookDelivery
from tether.registry.webhooks.sender import DeliveryPolicy, WebhookSender
from tether.services import open_services


class Clock:
    """Milliseconds that move only when a test says so."""

    def __init__(self, now_ms: int = 1_800_000_000_000) -> None:
        self.now_ms = now_ms

    def __call__(self) -> int:
        return self.now_ms

    def advance(self, seconds: float) -> None:
        self.now_ms += int(seconds * 1000)


@pytest.fixture
def registry_client(fluent_client: tt.Client) -> Iterator[tt.Client]:
    """The target's client; every webhook it made is deleted afterwards (servers are shared)."""
    before = {w.webhook_id for w in fluent_client.registry.list_webhooks()}
    yield fluent_client
    for webhook in fluent_client.registry.list_webhooks():
        if webhook.webhook_id not in before:
            fluent_client.registry.delete_webhook(webhook.webhook_id)


def test_webhooks_are_created_listed_updated_and_deleted(registry_client: tt.Client) -> None:
    registry = registry_client.registry
    created = registry.create_webhook(
        "https://hooks.example.com/tether", ["alias_set", "version_created"], "deploys"
    )
    assert created.secret.startswith("whsec_") and len(created.secret) > 40
    assert (created.url, created.events, created.description, created.active) == (
        "https://hooks.example.com/tether",
        ["alias_set", "version_created"],
        "deploys",
        True,
    )
    read = registry.get_webhook(created.webhook_id)
    assert "secret" not in read.model_dump()
    assert created.webhook_id in {w.webhook_id for w in registry.list_webhooks()}
    updated = registry.update_webhook(created.webhook_id, events=[], active=False, description="all")
    assert (updated.events, updated.active, updated.description, updated.url) == (
        [],
        False,
        "all",
        "https://hooks.example.com/tether",
    )
    rotated = registry.rotate_webhook_secret(created.webhook_id)
    assert rotated.secret != created.secret and rotated.secret.startswith("whsec_")
    registry.delete_webhook(created.webhook_id)
    with pytest.raises(NotFound, match="no webhook"):
        registry.get_webhook(created.webhook_id)
    with pytest.raises(NotFound, match="no webhook"):
        registry.delete_webhook(created.webhook_id)


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.8/hook",
        "http://127.1/hook",
        "http://2130706433/hook",
        "http://[::1]/hook",
        "http://[::ffff:169.254.169.254]/latest",
        "http://localhost:8080/hook",
        "http://api.localhost/hook",
    ],
)
def test_private_targets_are_refused_unless_allowed(registry_client: tt.Client, url: str) -> None:
    with pytest.raises(InvalidInput, match="allow_private"):
        registry_client.registry.create_webhook(url)
    allowed = registry_client.registry.create_webhook(url, allow_private=True)
    with pytest.raises(InvalidInput, match="allow_private"):
        registry_client.registry.update_webhook(allowed.webhook_id, allow_private=False)
    assert registry_client.registry.get_webhook(allowed.webhook_id).allow_private


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://hooks.example.com/x", "http:// or https://"),
        ("hooks.example.com/x", "http:// or https://"),
        ("https://user:pw@hooks.example.com/x", "user name or password"),
        ("https://hooks.example.com/a b", "printable ASCII"),
        ("https://hööks.example.com/", "printable ASCII"),
        ("https://hooks.example.com/" + "a" * 2100, "2048"),
        ("", "needs a URL"),
    ],
)
def test_malformed_urls_are_refused_with_the_reason(registry_client: tt.Client, url: str, why: str) -> None:
    with pytest.raises(InvalidInput, match=why):
        registry_client.registry.create_webhook(url)


def test_unknown_kinds_ids_and_statuses_are_refused(registry_client: tt.Client) -> None:
    registry = registry_client.registry
    with pytest.raises(InvalidInput, match="alias_unprotected"):  # the kinds there are
        registry.create_webhook("https://hooks.example.com/", ["model_promoted"])  # type: ignore[list-item]
    with pytest.raises(NotFound, match="no webhook with id 987654321"):
        registry.update_webhook(987654321, active=False)
    with pytest.raises(NotFound):
        registry.ping_webhook(987654321)
    with pytest.raises(InvalidInput):
        registry.get_webhook(0)
    made = registry.create_webhook("https://hooks.example.com/")
    with pytest.raises(InvalidInput, match=r"status.*'pending', 'delivered'"):
        registry.list_deliveries(made.webhook_id, status="lost")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="max_results"):
        registry.list_deliveries(made.webhook_id, max_results=0)


def test_events_queue_one_delivery_per_interested_webhook(registry_client: tt.Client) -> None:
    registry = registry_client.registry
    every = registry.create_webhook("https://hooks.example.com/every")
    aliases = registry.create_webhook("https://hooks.example.com/aliases", ["alias_set"])
    paused = registry.create_webhook("https://hooks.example.com/paused", active=False)
    name = unique("hooked")
    registry.create_model(name)
    run = registry_client.create_run(experiment_id="0").run_id
    model, frame = fitted()
    registry_client.log_model(run, model, input_example=frame.head(2))
    registry.create_version(name, f"runs:/{run}/model")
    registry.set_alias(name, "champion", 1)

    mine = [d for d in registry.list_deliveries(every.webhook_id, max_results=1000).items if d.name == name]
    assert [d.event for d in mine] == ["alias_set", "version_created", "model_created"]
    # Through a server, its own sender may already have tried (and failed) to reach the example host.
    assert all(d.status == "pending" for d in mine)
    assert (mine[0].alias, mine[0].from_version, mine[0].to_version) == ("champion", None, 1)
    assert mine[1].version == 1
    only = [d for d in registry.list_deliveries(aliases.webhook_id).items if d.name == name]
    assert [d.event for d in only] == ["alias_set"]
    assert registry.list_deliveries(paused.webhook_id).items == []
    ping = registry.ping_webhook(paused.webhook_id)
    assert (ping.event, ping.status, ping.name) == ("ping", "pending", None)
    first = registry.list_deliveries(every.webhook_id, max_results=2)
    rest = registry.list_deliveries(every.webhook_id, max_results=2, page_token=first.next_page_token)
    assert {d.delivery_id for d in first.items}.isdisjoint({d.delivery_id for d in rest.items})


def test_deliveries_reach_the_receiver_signed(registry_client: tt.Client, target: Target) -> None:
    """Embedded, a sender over the store delivers; through a server, the server's own sender does."""
    with receiving() as receiver:
        registry = registry_client.registry
        made = registry.create_webhook(receiver.url, ["model_created"], allow_private=True)
        name = unique("signed")
        registry.create_model(name)
        ping = registry.ping_webhook(made.webhook_id)
        if target.server is None:
            services = open_services(target.settings)
            sender = WebhookSender(services.db)
            try:
                assert sender.run_once() == 2
            finally:
                sender.stop()
                services.close()
        arrived = receiver.wait_for(2)
        for request in arrived:
            signing.verify(made.secret, request.body, request.headers["tether-signature"])
        bodies = {json.loads(r.body)["event"]: json.loads(r.body) for r in arrived}
        assert bodies["model_created"]["model"] == name
        assert bodies["ping"]["delivery_id"] == ping.delivery_id
        assert {r.headers["tether-event"] for r in arrived} == {"model_created", "ping"}
        assert all(r.headers["host"] == receiver.url.split("/")[2] for r in arrived)


# The sender, on each database, with a clock it does not own.


def sender_for(backend: LocalBackend, clock: Clock, **policy: float) -> WebhookSender:
    return WebhookSender(
        backend.services.db,
        DeliveryPolicy(**policy),  # type: ignore[arg-type]
        clock=clock,
    )


def made_hook(backend: LocalBackend, url: str, clock: Clock) -> int:
    backend.registry.clock = clock
    webhook = backend.registry.create_webhook(url, allow_private=True)
    backend.registry.ping_webhook(webhook.webhook_id)
    return webhook.webhook_id


def only_delivery(backend: LocalBackend, webhook_id: int) -> WebhookDelivery:
    (delivery,) = backend.registry.list_deliveries(webhook_id).items
    return delivery


def test_a_failing_receiver_is_retried_with_backoff_until_it_answers(backend: LocalBackend) -> None:
    clock = Clock()
    script = [Answer(500, b"down"), Answer(503, b"busy", {"Retry-After": "120"}), Answer(204, b"")]
    with receiving(script) as receiver:
        webhook_id = made_hook(backend, receiver.url, clock)
        sender = sender_for(backend, clock, first_retry_s=10)
        try:
            assert sender.run_once() == 1
            failed = only_delivery(backend, webhook_id)
            assert (failed.status, failed.attempts, failed.last_status) == ("pending", 1, 500)
            assert failed.last_error == "HTTP 500: down"
            assert failed.next_attempt_at == clock.now_ms + 10_000
            assert sender.run_once() == 0  # not due yet
            clock.advance(10)
            assert sender.run_once() == 1
            busy = only_delivery(backend, webhook_id)
            assert busy.next_attempt_at == clock.now_ms + 120_000  # Retry-After beats the 20 s backoff
            clock.advance(120)
            assert sender.run_once() == 1
        finally:
            sender.stop()
        done = only_delivery(backend, webhook_id)
        assert (done.status, done.attempts, done.last_status, done.last_error) == ("delivered", 3, 204, None)
        assert done.finished_time == clock.now_ms
        assert len({r.headers["tether-delivery"] for r in receiver.received}) == 1


def test_a_client_error_fails_at_once_and_a_redirect_is_not_followed(backend: LocalBackend) -> None:
    clock = Clock()
    with receiving([Answer(410, b"gone " * 500)]) as gone, receiving() as elsewhere:
        redirect = Answer(302, b"", {"Location": elsewhere.url})
        with receiving([redirect]) as moved:
            gone_id = made_hook(backend, gone.url, clock)
            moved_id = made_hook(backend, moved.url, clock)
            sender = sender_for(backend, clock)
            try:
                assert sender.run_once() == 2
            finally:
                sender.stop()
        refused = only_delivery(backend, gone_id)
        assert (refused.status, refused.attempts, refused.last_status) == ("failed", 1, 410)
        assert refused.last_error is not None and len(refused.last_error) <= 1024 + len("HTTP 410: ")
        redirected = only_delivery(backend, moved_id)
        assert (redirected.status, redirected.last_status) == ("failed", 302)
        assert redirected.last_error == f"redirects are not followed (to {elsewhere.url})"
        assert elsewhere.received == []


def test_a_slow_receiver_times_out_and_the_attempts_run_out(backend: LocalBackend) -> None:
    clock = Clock()
    with receiving([Answer(200, b"late", delay_s=1.0)]) as slow:
        webhook_id = made_hook(backend, slow.url, clock)
        sender = sender_for(backend, clock, timeout_s=0.2, max_attempts=2, first_retry_s=1)
        try:
            assert sender.run_once() == 1
            first = only_delivery(backend, webhook_id)
            assert (first.status, first.last_status, first.last_error) == (
                "pending",
                None,
                "no answer within 0.2 s",
            )
            clock.advance(1)
            assert sender.run_once() == 1
        finally:
            sender.stop()
    last = only_delivery(backend, webhook_id)
    assert (last.status, last.attempts) == ("failed", 2)


def test_a_name_that_resolves_to_a_private_address_is_refused_at_delivery(backend: LocalBackend) -> None:
    """DNS rebinding: the name was public when saved, it points inside when the delivery goes."""
    clock = Clock()
    with receiving() as receiver:
        backend.registry.clock = clock
        port = receiver.url.split(":")[2].split("/")[0]
        webhook = backend.registry.create_webhook(f"http://hooks.example.com:{port}/hook")
        backend.registry.ping_webhook(webhook.webhook_id)
        sender = WebhookSender(backend.services.db, clock=clock, resolver=lambda host, port: ["127.0.0.1"])
        try:
            assert sender.run_once() == 1
        finally:
            sender.stop()
        assert receiver.received == []
    refused = only_delivery(backend, webhook.webhook_id)
    assert refused.status == "failed" and refused.last_status is None
    assert refused.last_error == (
        "refused: hooks.example.com resolves to 127.0.0.1, a loopback address, "
        "and this webhook does not allow private targets"
    )


def test_an_allowed_name_is_sent_to_the_checked_address_with_its_own_host(backend: LocalBackend) -> None:
    clock = Clock()
    with receiving() as receiver:
        backend.registry.clock = clock
        port = receiver.url.split(":")[2].split("/")[0]
        webhook = backend.registry.create_webhook(f"http://hooks.internal:{port}/hook", allow_private=True)
        backend.registry.ping_webhook(webhook.webhook_id)
        sender = WebhookSender(backend.services.db, clock=clock, resolver=lambda host, port: ["127.0.0.1"])
        try:
            assert sender.run_once() == 1
        finally:
            sender.stop()
        (request,) = receiver.received
    assert request.headers["host"] == f"hooks.internal:{port}" and request.path == "/hook"
    assert only_delivery(backend, webhook.webhook_id).status == "delivered"


def test_two_senders_deliver_each_attempt_once(backend: LocalBackend) -> None:
    clock = Clock()
    with receiving() as receiver:
        webhook_id = made_hook(backend, receiver.url, clock)
        for _ in range(19):
            backend.registry.ping_webhook(webhook_id)
        senders = [sender_for(backend, clock) for _ in range(2)]
        threads = [threading.Thread(target=s.run_once) for s in senders]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for sender in senders:
            sender.run_once()
            sender.stop()
    assert sorted(int(r.headers["tether-delivery"]) for r in receiver.received) == sorted(
        d.delivery_id for d in backend.registry.list_deliveries(webhook_id).items
    )
    assert len(receiver.received) == 20
    assert {d.status for d in backend.registry.list_deliveries(webhook_id).items} == {"delivered"}


def test_a_deleted_webhook_takes_its_pending_deliveries_with_it(backend: LocalBackend) -> None:
    clock = Clock()
    with receiving() as receiver:
        webhook_id = made_hook(backend, receiver.url, clock)
        backend.registry.delete_webhook(webhook_id)
        sender = sender_for(backend, clock)
        try:
            assert sender.run_once() == 0
        finally:
            sender.stop()
        assert receiver.received == []


def test_a_delivery_that_breaks_the_sender_is_recorded_and_the_others_still_go(backend: LocalBackend) -> None:
    """A resolver answer that is no address at all must not leave the row leased or stop the batch."""
    clock = Clock()
    with receiving() as receiver:
        backend.registry.clock = clock
        port = receiver.url.split(":")[2].split("/")[0]
        odd = backend.registry.create_webhook(f"http://odd.example.com:{port}/hook", allow_private=True)
        backend.registry.ping_webhook(odd.webhook_id)
        good_id = made_hook(backend, receiver.url, clock)

        def resolver(host: str, port: int) -> list[str]:
            return ["not an address"] if host == "odd.example.com" else ["127.0.0.1"]

        sender = WebhookSender(
            backend.services.db,
            DeliveryPolicy(max_attempts=2, first_retry_s=1),
            clock=clock,
            resolver=resolver,
        )
        try:
            assert sender.run_once() == 2
            broken = only_delivery(backend, odd.webhook_id)
            assert (broken.status, broken.attempts) == ("pending", 1)
            assert broken.last_error is not None and broken.last_error.startswith("unexpected ValueError")
            clock.advance(1)
            assert sender.run_once() == 1
        finally:
            sender.stop()
        assert len(receiver.received) == 1
    assert only_delivery(backend, good_id).status == "delivered"
    assert only_delivery(backend, odd.webhook_id).status == "failed"


def test_a_status_change_reaches_the_receiver_with_both_statuses(backend: LocalBackend) -> None:
    with receiving() as receiver:
        registry = backend.registry
        hook = registry.create_webhook(receiver.url, ["version_status_changed"], allow_private=True)
        name = unique("retiring")
        registry.create_model(name)
        run = backend.tracking.create_run("0").run_id
        model, frame = fitted()
        tt.Client(backend=backend).log_model(run, model, input_example=frame.head(2))
        registry.create_version(name, f"runs:/{run}/model")
        registry.update_version(name, 1, status="deprecated", actor="ana")
        sender = WebhookSender(backend.services.db)
        try:
            assert sender.run_once() == 1
        finally:
            sender.stop()
        (request,) = receiver.wait_for(1)
        signing.verify(hook.secret, request.body, request.headers["tether-signature"])
        body = json.loads(request.body)
    assert (body["event"], body["model"], body["version"], body["actor"]) == (
        "version_status_changed",
        name,
        1,
        "ana",
    )
    assert (body["from_status"], body["to_status"]) == ("ready", "deprecated")
