"""``tether webhooks``: create (the secret shown once), list, show, update, ping, the delivery log,
rotate and delete, with clear refusals, on every backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.cli.runner import Cli


@pytest.fixture
def webhook(cli: Cli) -> Iterator[dict[str, object]]:
    made = cli.json("webhooks", "create", "https://hooks.example.com/cli", "--event", "alias_set")
    yield made
    cli("webhooks", "rm", str(made["webhook_id"]))


def test_create_shows_the_secret_once_and_nothing_else_does(cli: Cli) -> None:
    created = cli("webhooks", "create", "https://hooks.example.com/once", "--description", "ops")
    assert created.exit_code == 0, created.stderr
    secret = created.stdout.split("secret: ")[1].split()[0]
    webhook_id = created.stdout.split()[1]
    assert secret.startswith("whsec_") and "shown only now" in created.stdout
    try:
        for args in (("ls",), ("show", webhook_id), ("ls", "--json"), ("show", webhook_id, "--json")):
            shown = cli("webhooks", *args)
            assert shown.exit_code == 0, shown.stderr
            assert secret not in shown.stdout and "secret" not in shown.stdout
        quiet = cli("webhooks", "rotate-secret", webhook_id, "--quiet")
        assert quiet.exit_code == 0 and quiet.stdout.strip().startswith("whsec_")
        assert quiet.stdout.strip() != secret and len(quiet.stdout.split()) == 1
    finally:
        assert cli("webhooks", "rm", webhook_id).stdout == f"deleted webhook {webhook_id}\n"


def test_update_ping_and_read_the_log(cli: Cli, webhook: dict[str, object]) -> None:
    webhook_id = str(webhook["webhook_id"])
    assert webhook["events"] == ["alias_set"] and "secret" in webhook
    assert cli.json("webhooks", "update", webhook_id, "--every-event", "--inactive")["events"] == []
    shown = cli("webhooks", "show", webhook_id).stdout
    assert "every event" in shown and "off" in shown
    pinged = cli.json("webhooks", "ping", webhook_id)
    assert (pinged["event"], pinged["status"]) == ("ping", "pending")
    log = cli.json("webhooks", "deliveries", webhook_id)["deliveries"]
    assert pinged["delivery_id"] in [d["delivery_id"] for d in log]
    table = cli("webhooks", "deliveries", webhook_id).stdout
    assert "ping" in table and "attempts" in table


def test_refusals_are_one_line_with_an_exit_code(cli: Cli, webhook: dict[str, object]) -> None:
    private = cli("webhooks", "create", "http://192.168.1.20/in")
    assert private.exit_code == 1 and "allow_private" in private.stderr
    assert len(private.stderr.strip().splitlines()) == 1
    unknown = cli("webhooks", "create", "https://hooks.example.com/", "--event", "model_promoted")
    assert unknown.exit_code == 1 and "alias_set" in unknown.stderr
    missing = cli("webhooks", "show", "987654321")
    assert missing.exit_code == 1 and "no webhook with id 987654321" in missing.stderr
    both = cli("webhooks", "update", str(webhook["webhook_id"]), "--every-event", "--event", "alias_set")
    assert both.exit_code == 2 and "not both" in both.stderr
    assert cli("webhooks", "show", "zero").exit_code == 2
    assert cli("webhooks", "deliveries", str(webhook["webhook_id"]), "--limit", "0").exit_code == 2
    bad_status = cli("webhooks", "deliveries", str(webhook["webhook_id"]), "--status", "lost")
    assert bad_status.exit_code == 1 and "'pending', 'delivered'" in bad_status.stderr
