"""Migration 0007: reports stored under the old schema keep their subject, now as a ``judged`` edge."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import insert, inspect, select, text

from tether.lineage.service import LineageService
from tether.monitoring.service import MonitoringService
from tether.refs import RunRef
from tether.storage import migrations
from tether.storage.blobs import BlobStore
from tether.storage.db import Database
from tether.storage.tables import lineage_edges, runs
from tether.tracking.service import TrackingService

FIRST, SECOND = RunRef("a" * 32), RunRef("b" * 32)
OLD_REPORT = """
INSERT INTO monitoring_reports
    (report_id, subject, experiment_id, name, kind, status, summary, created_at, size)
VALUES (:report_id, :subject, 0, :name, 'report', NULL, '{}', :created_at, 2)
"""


def old_store(db_url: str) -> None:
    """A store at revision 0006 with two runs and three reports that name their runs in ``subject``."""
    db = Database(db_url, migrate=False)
    with db.write() as conn:
        migrations.upgrade(conn, "0006")
        for run in (FIRST, SECOND):
            values = {"run_id": run.run_id, "experiment_id": 0, "run_name": "old", "status": "FINISHED"}
            conn.execute(insert(runs).values(**values, lifecycle_stage="active", user_id="me", start_time=1))
        for report_id, run, at in (("1" * 32, FIRST, 10), ("2" * 32, FIRST, 20), ("3" * 32, SECOND, 30)):
            row = {"report_id": report_id, "subject": str(run), "name": f"r{at}", "created_at": at}
            conn.execute(text(OLD_REPORT), row)
    db.dispose()


def test_old_reports_get_their_edges_and_lose_the_column(db_url: str, tmp_path: Path) -> None:
    old_store(db_url)
    db = Database(db_url)
    with db.read() as conn:
        assert migrations.current_revision(conn) == migrations.HEAD
        edges = conn.execute(select(lineage_edges).order_by(lineage_edges.c.dst_ref)).all()
        columns = {column["name"] for column in inspect(conn).get_columns("monitoring_reports")}
    assert [(e.src_ref, e.dst_ref, e.kind, e.created_at, e.created_by) for e in edges] == [
        (str(FIRST), f"report:{'1' * 32}", "judged", 10, None),
        (str(FIRST), f"report:{'2' * 32}", "judged", 20, None),
        (str(SECOND), f"report:{'3' * 32}", "judged", 30, None),
    ]
    assert "subject" not in columns and {"report_id", "experiment_id", "summary"} <= columns
    blobs = BlobStore(str(tmp_path / "blobs"))
    monitoring = MonitoringService(db, blobs, TrackingService(db, blobs), LineageService(db))
    listed = monitoring.list_reports(subject=str(FIRST)).items
    assert [(r.name, r.subject) for r in listed] == [("r20", str(FIRST)), ("r10", str(FIRST))]
    assert monitoring.get_report("3" * 32).subject == str(SECOND)
    assert len(monitoring.list_reports(experiment_id="0").items) == 3
    assert [n.ref for n in monitoring.lineage.graph(SECOND, "downstream").nodes] == [
        str(SECOND),
        f"report:{'3' * 32}",
    ]
    db.dispose()


def test_downgrade_puts_the_subjects_back(db_url: str) -> None:
    old_store(db_url)
    Database(db_url).dispose()
    db = Database(db_url, migrate=False)
    with db.write() as conn:
        command.downgrade(migrations.alembic_config(conn), "0006")
    with db.read() as conn:
        assert not inspect(conn).has_table("lineage_edges")
        rows = conn.execute(
            text("SELECT report_id, subject FROM monitoring_reports ORDER BY report_id")
        ).all()
    assert [(r[0][0], r[1]) for r in rows] == [("1", str(FIRST)), ("2", str(FIRST)), ("3", str(SECOND))]
    db.dispose()
    again = Database(db_url)
    with again.read() as conn:
        assert len(conn.execute(select(lineage_edges)).all()) == 3
    again.dispose()
