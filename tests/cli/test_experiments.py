"""``tether experiments``: listing, the id-or-name rule, and every change an experiment can go through."""

from __future__ import annotations

from datetime import datetime

from tests.cli.runner import Cli, Store
from tests.support import unique


def test_ls_shows_each_experiment_with_its_active_run_count(cli: Cli, store: Store) -> None:
    result = cli("experiments", "ls")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "name", "runs", "created", "last", "update"]
    rows = {line.split()[1]: line.split()[:3] for line in lines[2:]}
    assert rows[store.churn_name] == [store.churn, store.churn_name, "4"]  # not the deleted run
    assert rows[store.numbered_name] == [store.numbered, store.numbered_name, "0"]
    assert rows["Default"][0] == "0"


def test_ls_json_has_counts_and_times_in_both_forms(cli: Cli, store: Store) -> None:
    document = cli.json("experiments", "ls")
    by_name = {e["name"]: e for e in document["experiments"]}
    assert {"Default", store.churn_name, store.numbered_name} <= set(by_name)
    assert all(e["lifecycle_stage"] == "active" for e in document["experiments"])
    churn = by_name[store.churn_name]
    assert churn["experiment_id"] == store.churn
    assert churn["active_runs"] == 4
    assert isinstance(churn["creation_time"], int)
    parsed = datetime.fromisoformat(churn["creation_time_iso"])
    assert int(parsed.timestamp() * 1000) == churn["creation_time"]


def test_ls_filter_keeps_the_matching_experiments_and_a_bad_one_is_one_line(cli: Cli, store: Store) -> None:
    document = cli.json("experiments", "ls", "--filter", f"name = '{store.churn_name}'")
    assert [e["name"] for e in document["experiments"]] == [store.churn_name]
    bad = cli("experiments", "ls", "--filter", "name >>> 1")
    assert bad.exit_code == 1 and bad.stderr.startswith("error: ")


def test_create_then_create_again_is_a_clear_error(cli: Cli, store: Store) -> None:
    fraud = unique("fraud")
    created = cli("experiments", "create", fraud)
    assert created.exit_code == 0, created.stderr
    assert f"created experiment '{fraud}' with id" in created.stdout
    again = cli("experiments", "create", fraud)
    assert again.exit_code == 1
    assert again.stderr == f"error: an experiment named '{fraud}' already exists\n"


def test_create_json_gives_the_new_id(cli: Cli, store: Store) -> None:
    fraud = unique("fraud")
    document = cli.json("experiments", "create", fraud)
    assert document["name"] == fraud
    assert cli.json("experiments", "show", document["experiment_id"])["name"] == fraud


def test_rename_by_name_and_by_id(cli: Cli, store: Store) -> None:
    v2, v3 = f"{store.churn_name}-v2", f"{store.churn_name}-v3"
    result = cli("experiments", "rename", store.churn_name, v2)
    assert result.exit_code == 0, result.stderr
    assert f"renamed experiment {store.churn} from '{store.churn_name}' to '{v2}'" in result.stdout
    document = cli.json("experiments", "rename", store.churn, v3)
    assert document["name"] == v3
    assert document["experiment_id"] == store.churn
    assert "last_update_time_iso" in document


def test_delete_hides_it_and_restore_brings_it_back(cli: Cli, store: Store) -> None:
    churn = store.churn_name
    deleted = cli("experiments", "delete", churn)
    assert deleted.exit_code == 0, deleted.stderr
    assert deleted.stdout == f"deleted experiment '{churn}' (id {store.churn})\n"
    assert churn not in {e["name"] for e in cli.json("experiments", "ls")["experiments"]}
    only_deleted = cli.json("experiments", "ls", "--deleted")["experiments"]
    assert churn in {e["name"] for e in only_deleted}
    assert {e["lifecycle_stage"] for e in only_deleted} == {"deleted"}
    everything = cli("experiments", "ls", "--all")
    assert "stage" in everything.stdout.splitlines()[0]
    assert "deleted" in next(line for line in everything.stdout.splitlines() if f" {churn} " in line)

    restored = cli.json("experiments", "restore", churn)
    assert restored == {"experiment_id": store.churn, "name": churn, "lifecycle_stage": "active"}
    assert churn in {e["name"] for e in cli.json("experiments", "ls")["experiments"]}


def test_the_default_experiment_cannot_be_deleted(cli: Cli, store: Store) -> None:
    result = cli("experiments", "delete", "0")
    assert result.exit_code == 1
    assert result.stderr == "error: the default experiment cannot be deleted\n"


def test_show_by_name_and_id(cli: Cli, store: Store) -> None:
    result = cli("experiments", "show", store.churn_name)
    assert result.exit_code == 0, result.stderr
    fields = dict(line.split(None, 1) for line in result.stdout.splitlines() if line.strip())
    assert fields["id"].strip() == store.churn
    assert fields["name"].strip() == store.churn_name
    assert cli.json("experiments", "show", store.churn)["active_runs"] == 4


def test_an_all_digit_name_is_found_when_no_id_matches(cli: Cli, store: Store) -> None:
    assert cli.json("experiments", "show", store.numbered_name)["experiment_id"] == store.numbered


def test_an_id_wins_over_a_name_made_of_the_same_digits(cli: Cli, store: Store) -> None:
    cli.json("experiments", "create", store.churn)  # an experiment *named* like churn's id
    assert cli.json("experiments", "show", store.churn)["name"] == store.churn_name


def test_unknown_experiments_are_one_line_errors(cli: Cli, store: Store) -> None:
    nope, digits = unique("nope"), "9" * 12
    by_name = cli("experiments", "show", nope)
    assert (by_name.exit_code, by_name.stderr) == (1, f"error: no experiment named '{nope}'\n")
    by_digits = cli("experiments", "delete", digits)
    assert (by_digits.exit_code, by_digits.stderr) == (
        1,
        f"error: no experiment with id or name '{digits}'\n",
    )
    assert by_digits.stdout == ""


def test_all_and_deleted_together_is_a_usage_error(cli: Cli, store: Store) -> None:
    result = cli("experiments", "ls", "--all", "--deleted")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "use one of them, not both" in result.stderr
    assert "tether experiments ls --help" in result.stderr
