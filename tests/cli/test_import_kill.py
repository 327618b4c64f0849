"""An import killed with SIGKILL halfway leaves the database exactly as before (DESIGN.md
section 7: nothing half-written), on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest

from .conftest import SEED_VALUES, engines, values_document

IMPORT_VALUES = 60_000
DEADLINE = 120  # seconds to wait for the import to start writing


def _writing_started(db, process) -> bool:
    """True once the import has written to the database inside its (open) transaction."""
    if db.engine == "sqlite":
        wal = db.sqlite_path.with_name(db.sqlite_path.name + "-wal")
        return wal.exists() and wal.stat().st_size > 0
    rows = db.query(
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
        " WHERE c.relname = 'datavalues_datavalue' AND l.mode = 'RowExclusiveLock'"
        " AND l.granted AND l.pid <> pg_backend_pid()"
    )
    return rows[0][0] > 0


def _wait_for_backends_to_go(db) -> None:
    if db.engine != "postgresql":
        return
    for _ in range(200):
        others = db.query(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )[0][0]
        if others == 0:
            return
        time.sleep(0.05)


@pytest.mark.parametrize("engine", engines())
def test_import_killed_halfway_leaves_the_database_as_before(engine, scratch_db, tmp_path):
    db = scratch_db(engine)
    before = db.table_counts()
    assert before["datavalues_datavalue"] == SEED_VALUES
    big = tmp_path / "big.json"
    big.write_text(json.dumps(values_document(IMPORT_VALUES)), encoding="utf-8")

    process = db.popen("import", str(big))
    deadline = time.monotonic() + DEADLINE
    try:
        while not _writing_started(db, process):
            assert process.poll() is None, (
                "the import ended before it was seen writing: "
                + process.stderr.read().decode(errors="replace")[-2000:]
            )
            assert time.monotonic() < deadline, "the import did not start writing in time"
            time.sleep(0.005)
        assert process.poll() is None, "the import finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    _wait_for_backends_to_go(db)

    assert db.integrity_ok()
    assert db.table_counts() == before
    # The same file imports completely afterwards: the kill left no lock or debris behind.
    done = db.chiso("import", str(big))
    assert done.returncode == 0, done.stderr[-2000:]
    assert db.count() == SEED_VALUES + IMPORT_VALUES
