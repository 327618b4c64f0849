"""``chiso backup FILE`` / ``chiso restore FILE``: a verified round trip on SQLite and
PostgreSQL; a corrupted or foreign file is refused before anything is touched."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from .conftest import SEED_VALUES, engines, postgres_only, values_document

VALUES_SQL = (
    "SELECT count(*), sum(value), min(period), max(period) FROM datavalues_datavalue"
    " WHERE deleted = %s"
)


def _fingerprint(db) -> tuple:
    false = "0" if db.engine == "sqlite" else "false"
    return (db.table_counts(), db.query(VALUES_SQL % false))


def _change_everything(db, tmp_path) -> None:
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps(values_document(500)), encoding="utf-8")
    result = db.chiso("import", str(extra))
    assert result.returncode == 0, result.stderr
    result = db.chiso("token", "create", "--user", "admin")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("engine", engines())
def test_backup_and_restore_round_trip(engine, scratch_db, tmp_path):
    db = scratch_db(engine)
    before = _fingerprint(db)
    assert before[0]["datavalues_datavalue"] == SEED_VALUES
    backup = tmp_path / "chiso.backup"

    made = db.chiso("backup", str(backup))
    assert made.returncode == 0, made.stderr
    assert "Đã sao lưu vào" in made.stderr and made.stdout == ""
    with zipfile.ZipFile(backup) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["engine"] == engine
    assert manifest["format"] == "chiso-backup"
    assert manifest["chiso_version"]
    assert manifest["created_at"]
    assert len(manifest["sha256"]) == 64
    assert manifest["tables"] == before[0]

    _change_everything(db, tmp_path)
    assert _fingerprint(db) != before

    restored = db.chiso("restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "kiểm tra đủ số dòng của mọi bảng" in restored.stderr
    assert _fingerprint(db) == before
    # The restored database works: the same import as before applies again.
    _change_everything(db, tmp_path)


@pytest.mark.parametrize("engine", engines())
def test_verify_checks_the_file_without_touching_the_database(engine, scratch_db, tmp_path):
    db = scratch_db(engine)
    backup = tmp_path / "chiso.backup"
    assert db.chiso("backup", str(backup)).returncode == 0
    result = db.chiso("backup", "--verify", str(backup))
    assert result.returncode == 0, result.stderr
    assert "nguyên vẹn" in result.stderr


def test_backup_does_not_overwrite_a_file_unless_forced(scratch_db, tmp_path):
    db = scratch_db("sqlite")
    backup = tmp_path / "chiso.backup"
    backup.write_bytes(b"something precious")
    refused = db.chiso("backup", str(backup))
    assert refused.returncode == 2
    assert "đã có" in refused.stderr and "--force" in refused.stderr
    assert backup.read_bytes() == b"something precious"
    assert db.chiso("backup", "--force", str(backup)).returncode == 0
    assert zipfile.is_zipfile(backup)


def _rewrite_payload(backup, change) -> None:
    """Rewrite the archive with the payload changed and the manifest kept (a valid ZIP whose
    content no longer matches the checksum)."""
    with zipfile.ZipFile(backup) as archive:
        entries = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    manifest = json.loads(entries["manifest.json"])
    entries[manifest["payload"]] = change(entries[manifest["payload"]])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    backup.write_bytes(buffer.getvalue())


def _flip_middle_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


@pytest.mark.parametrize("engine", engines())
def test_a_corrupted_backup_is_refused_and_nothing_changes(engine, scratch_db, tmp_path):
    db = scratch_db(engine)
    backup = tmp_path / "chiso.backup"
    assert db.chiso("backup", str(backup)).returncode == 0
    _change_everything(db, tmp_path)
    changed = _fingerprint(db)

    _rewrite_payload(backup, _flip_middle_byte)
    result = db.chiso("restore", str(backup))
    assert result.returncode == 2
    assert "mã kiểm tra SHA-256 không khớp" in result.stderr
    assert "cơ sở dữ liệu giữ nguyên" in result.stderr
    assert "Traceback" not in result.stderr
    assert _fingerprint(db) == changed
    verify = db.chiso("backup", "--verify", str(backup))
    assert verify.returncode == 2 and "SHA-256" in verify.stderr


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(_flip_middle_byte, id="flipped-byte"),
        pytest.param(lambda data: b"not a backup at all", id="foreign"),
    ],
)
def test_a_damaged_file_is_refused_with_a_clear_message(damage, scratch_db, tmp_path):
    db = scratch_db("sqlite")
    backup = tmp_path / "chiso.backup"
    assert db.chiso("backup", str(backup)).returncode == 0
    before = _fingerprint(db)
    backup.write_bytes(damage(backup.read_bytes()))
    result = db.chiso("restore", str(backup))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "Không khôi phục gì" in result.stderr or "không khớp" in result.stderr
    assert _fingerprint(db) == before


def test_restore_into_a_new_empty_home(scratch_db, tmp_path):
    source = scratch_db("sqlite")
    before = _fingerprint(source)
    backup = tmp_path / "chiso.backup"
    assert source.chiso("backup", str(backup)).returncode == 0
    target = scratch_db("sqlite")
    target.sqlite_path.unlink()
    for suffix in ("-wal", "-shm"):
        target.sqlite_path.with_name(target.sqlite_path.name + suffix).unlink(missing_ok=True)
    result = target.chiso("restore", str(backup))
    assert result.returncode == 0, result.stderr
    assert _fingerprint(target) == before


@pytest.mark.parametrize("engine", postgres_only())
def test_missing_pg_dump_is_named(engine, scratch_db, tmp_path):
    db = scratch_db(engine)
    db.env["PATH"] = str(tmp_path / "empty")
    result = db.chiso("backup", str(tmp_path / "chiso.backup"))
    assert result.returncode == 2
    assert "pg_dump" in result.stderr and "postgresql-client" in result.stderr
    assert not (tmp_path / "chiso.backup").exists()


def test_a_read_only_database_can_still_be_backed_up(scratch_db, tmp_path):
    """When the disk is full or the database read-only, a backup to another disk still works."""
    db = scratch_db("sqlite")
    before = _fingerprint(db)
    live = db.sqlite_path
    db.env["DATABASE_URL"] = f"sqlite:///file:{live}%3Fmode=ro"
    folder = tmp_path / "ổ đĩa khác"
    folder.mkdir()
    backup = folder / "sao lưu #1.backup"
    made = db.chiso("backup", str(backup))
    assert made.returncode == 0, made.stderr
    target = scratch_db("sqlite")
    restored = target.chiso("restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert _fingerprint(target) == before
