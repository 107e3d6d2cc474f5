"""The metadata database: migrations on open, schema agreement, SQLite settings, error translation."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, insert, select, text

from tether.errors import InvalidInput, StorageError, TetherError
from tether.storage import migrations
from tether.storage.db import Database
from tether.storage.tables import experiments, latest_metrics, metric_chunks, runs
from tether.tracking.chunks import Series


def test_head_constant_matches_the_scripts(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 't.db'}", migrate=False)
    with db.write() as conn:
        script = ScriptDirectory.from_config(migrations.alembic_config(conn))
        assert script.get_current_head() == migrations.HEAD
    db.dispose()


def test_tables_match_the_migrations(db_url: str) -> None:
    db = Database(db_url)
    dialect = db.dialect

    def on_this_database(obj: object, name: object, kind: str, reflected: bool, compare_to: object) -> bool:
        dialects = getattr(obj, "info", {}).get("dialects")
        return reflected or dialects is None or dialect in dialects

    with db.read() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": on_this_database})
        from tether.storage.tables import metadata

        assert compare_metadata(context, metadata) == []
    db.dispose()


def test_open_creates_default_experiment_and_is_idempotent(db_url: str) -> None:
    Database(db_url).dispose()
    db = Database(db_url)
    with db.read() as conn:
        rows = conn.execute(select(experiments.c.experiment_id, experiments.c.name)).all()
        assert [(r[0], r[1]) for r in rows] == [(0, "Default")]
        assert migrations.current_revision(conn) == migrations.HEAD
    db.dispose()


def test_upgrade_from_first_revision_keeps_data_and_backfills(db_url: str) -> None:
    old = Database(db_url, migrate=False)
    with old.write() as conn:
        migrations.upgrade(conn, "0001")
        conn.execute(
            insert(runs).values(
                run_id="a" * 32,
                experiment_id=0,
                run_name="old-run",
                status="FINISHED",
                lifecycle_stage="active",
                user_id="me",
                start_time=1,
            )
        )
        first = Series(np.array([0, 2]), np.array([10, 11]), np.array([1.0, 0.5]))
        second = Series(np.array([1, 2]), np.array([12, 11]), np.array([0.7, math.nan]))
        for seq, chunk in enumerate((first, second)):
            steps, stamps, values = chunk.pack()
            conn.execute(
                insert(metric_chunks).values(
                    run_id="a" * 32, key="loss", seq=seq, count=2, steps=steps, timestamps=stamps, vals=values
                )
            )
    old.dispose()
    db = Database(db_url)
    with db.read() as conn:
        assert migrations.current_revision(conn) == migrations.HEAD
        assert conn.execute(select(runs.c.run_name)).scalar() == "old-run"
        assert conn.execute(select(metric_chunks.c.count)).scalars().all() == [2, 2]
        latest = conn.execute(select(latest_metrics.c.step, latest_metrics.c.value)).one()
        assert (latest[0], latest[1]) == (2, 0.5)
    db.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'w.db'}")
    with db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000
    db.dispose()


def test_postgres_scheme_gets_the_psycopg_driver(pg_database: str) -> None:
    plain = pg_database.replace("postgresql+psycopg://", "postgresql://")
    db = Database(plain)
    assert db.url.drivername == "postgresql+psycopg"
    db.dispose()


def test_unsupported_database_is_refused() -> None:
    with pytest.raises(StorageError, match="unsupported database"):
        Database("mysql://localhost/x")


def test_a_refused_statement_is_a_defect_whose_details_stay_in_the_log(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    db = Database(db_url)
    with pytest.raises(TetherError) as refused, db.read() as conn:
        conn.execute(text("SELECT secret FROM no_such_table"))
    assert type(refused.value) is TetherError and refused.value.http_status == 500
    assert "SELECT" not in refused.value.message and "no_such_table" not in refused.value.message
    assert "no_such_table" in caplog.text
    db.dispose()


def test_a_value_the_database_cannot_hold_is_invalid_input_without_sql(db_url: str) -> None:
    db = Database(db_url)
    with pytest.raises(InvalidInput, match="out of the range") as refused, db.write() as conn:
        conn.execute(
            insert(runs).values(
                run_id="a" * 32,
                experiment_id=0,
                run_name="r",
                status="RUNNING",
                lifecycle_stage="active",
                user_id="",
                start_time=10**20,
            )
        )
    assert "INSERT" not in refused.value.message and "parameters" not in refused.value.message
    with pytest.raises(InvalidInput, match="lone surrogate"), db.write() as conn:
        conn.execute(
            insert(experiments).values(
                name="\ud800", lifecycle_stage="active", creation_time=1, last_update_time=1
            )
        )
    db.dispose()


def test_unreachable_postgres_is_a_storage_error() -> None:
    with pytest.raises(StorageError):
        Database("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1")


def test_concurrent_first_opens_migrate_once(tmp_path: Path) -> None:
    """Several processes opening a brand-new store at once must all succeed."""
    import multiprocessing

    url = f"sqlite:///{tmp_path / 'race.db'}"
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        results = pool.map(_open_and_count, [url] * 8)
    assert results == [1] * 8


def _open_and_count(url: str) -> int:
    db = Database(url)
    with db.read() as conn:
        count = len(conn.execute(select(experiments.c.experiment_id)).all())
    db.dispose()
    return count


def test_engine_sees_the_default_experiment_through_plain_sqlalchemy(tmp_path: Path) -> None:
    Database(f"sqlite:///{tmp_path / 'p.db'}").dispose()
    engine = create_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM experiments")).scalar() == "Default"
    engine.dispose()
