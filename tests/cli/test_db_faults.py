"""A read-only database or a full disk: ``chiso`` says so in Vietnamese and exits 1, with no
traceback and nothing written."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import SEED_VALUES, engines, values_document

# chiso with the SQLite file capped at its current size: the next page written fails with
# SQLITE_FULL ("database or disk is full"), as on a full disk.
FULL_DISK = """
import sys
from chiso.cli.setup import django_setup
django_setup()
from django.db.backends.signals import connection_created

def cap(sender, connection, **kwargs):
    raw = connection.connection
    pages = raw.execute("PRAGMA page_count").fetchone()[0]
    raw.execute(f"PRAGMA max_page_count = {pages}")

connection_created.connect(cap)
from chiso.cli import main
sys.exit(main())
"""


def _values_file(tmp_path, count=3000):
    path = tmp_path / "values.json"
    path.write_text(json.dumps(values_document(count)), encoding="utf-8")
    return path


def _make_read_only(db) -> None:
    if db.engine == "sqlite":
        # As root a chmod does not stop writes, so open the file read-only instead.
        db.env["DATABASE_URL"] = f"sqlite:///file:{db.sqlite_path}%3Fmode=ro"
    else:
        name = db.database_url.rsplit("/", 1)[1]
        db.query(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')


def _assert_clear_refusal(result, words: str) -> None:
    assert result.returncode == 1, result.stderr
    assert words in result.stderr
    assert "Không có thay đổi nào được lưu" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("engine", engines())
def test_import_into_a_read_only_database_is_refused_clearly(engine, scratch_db, tmp_path):
    db = scratch_db(engine)
    values = _values_file(tmp_path)
    _make_read_only(db)
    result = db.chiso("import", str(values))
    _assert_clear_refusal(result, "chế độ chỉ đọc")
    assert db.count() == SEED_VALUES
    assert db.integrity_ok()


@pytest.mark.parametrize("engine", engines())
def test_other_writes_to_a_read_only_database_are_refused_clearly(engine, scratch_db):
    db = scratch_db(engine)
    _make_read_only(db)
    result = db.chiso("token", "create", "--user", "admin")
    _assert_clear_refusal(result, "chế độ chỉ đọc")
    assert db.count("accounts_apitoken") == 0


def test_import_onto_a_full_disk_is_refused_clearly(scratch_db, tmp_path):
    db = scratch_db("sqlite")
    values = _values_file(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", FULL_DISK, "import", str(values)],
        env=db.env,
        cwd=db.home,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    _assert_clear_refusal(result, "Ổ đĩa của máy chủ đã đầy")
    assert db.count() == SEED_VALUES
    assert db.integrity_ok()


def test_reading_a_read_only_database_still_works(scratch_db):
    db = scratch_db("sqlite")
    _make_read_only(db)
    result = db.chiso("export", "--unit", "X001", "--period", "2014")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["dataValues"]) == 9
