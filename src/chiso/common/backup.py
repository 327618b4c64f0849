"""Backup and restore of the whole database (``chiso backup FILE``, ``chiso restore FILE``).

A backup file is a ZIP archive holding ``manifest.json`` and one payload:

- SQLite: ``database.sqlite3``, a consistent copy taken online with SQLite's backup API (a
  server may keep running), checked with ``PRAGMA integrity_check``;
- PostgreSQL: ``database.pgdump``, ``pg_dump -Fc`` of an exported snapshot, so the row
  counts in the manifest are those of the very data dumped.

The manifest holds the payload's SHA-256 and size, the chiso version, the engine, the time
of the backup and the row count of every table. ``backup_restore`` refuses a file whose
archive, manifest or checksum is wrong before touching the database, checks an SQLite payload
(integrity and row counts) before copying it in, and verifies the row counts of every table
after restoring. A restore replaces the whole database.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from django.db import connection, connections

from chiso import __version__
from chiso.core.errors import ChisoError, gettext_noop, register_messages

FORMAT = "chiso-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PAYLOADS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
_CHUNK = 1024 * 1024

register_messages(
    {
        "backup.exists": gettext_noop(
            "Tệp %(path)s đã có; chọn tên khác hoặc dùng --force để ghi đè."
        ),
        "backup.engine_unsupported": gettext_noop(
            "Chưa hỗ trợ sao lưu cơ sở dữ liệu loại %(engine)s (chỉ SQLite và PostgreSQL)."
        ),
        "backup.tool_missing": gettext_noop(
            "Không tìm thấy lệnh %(tool)s. Hãy cài gói postgresql-client (cùng phiên bản với"
            " máy chủ PostgreSQL) rồi chạy lại."
        ),
        "backup.tool_failed": gettext_noop("Lệnh %(tool)s báo lỗi: %(error)s"),
        "backup.unreadable": gettext_noop("Không đọc được tệp %(path)s: %(error)s"),
        "backup.corrupt": gettext_noop(
            "Tệp %(path)s không phải bản sao lưu chiso hoặc đã bị hỏng (%(reason)s)."
            " Không khôi phục gì; cơ sở dữ liệu giữ nguyên."
        ),
        "backup.checksum": gettext_noop(
            "Tệp sao lưu %(path)s đã bị hỏng: mã kiểm tra SHA-256 không khớp (ghi trong tệp"
            " %(expected)s, tính được %(actual)s). Không khôi phục gì; cơ sở dữ liệu giữ"
            " nguyên."
        ),
        "backup.engine_mismatch": gettext_noop(
            "Bản sao lưu này của cơ sở dữ liệu %(backup)s, nhưng chiso đang dùng %(current)s;"
            " không khôi phục được."
        ),
        "backup.integrity": gettext_noop(
            "Dữ liệu trong bản sao lưu không toàn vẹn (%(detail)s). Không khôi phục gì."
        ),
        "backup.verify_before": gettext_noop(
            "Số dòng trong bản sao lưu không khớp với bản kê (%(detail)s). Không khôi phục gì;"
            " cơ sở dữ liệu giữ nguyên."
        ),
        "backup.verify_after": gettext_noop(
            "Đã khôi phục nhưng kiểm tra sau khôi phục thấy số dòng không khớp với bản kê"
            " (%(detail)s). Hãy khôi phục lại hoặc báo quản trị hệ thống."
        ),
    }
)


@dataclass
class Manifest:
    engine: str
    payload: str
    sha256: str
    size: int
    tables: dict[str, int]
    chiso_version: str = __version__
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        raw = json.loads(data.decode("utf-8"))
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise ValueError("not a chiso backup manifest")
        if raw.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"manifest format version {raw.get('format_version')!r}")
        tables = raw.get("tables")
        if not isinstance(tables, dict) or not all(
            isinstance(k, str) and isinstance(v, int) for k, v in tables.items()
        ):
            raise ValueError("manifest table counts")
        engine = raw.get("engine")
        if engine not in PAYLOADS or raw.get("payload") != PAYLOADS[engine]:
            raise ValueError("manifest engine/payload")
        sha256 = raw.get("sha256")
        if not isinstance(sha256, str) or len(sha256) != 64:
            raise ValueError("manifest checksum")
        return cls(
            engine=engine,
            payload=raw["payload"],
            sha256=sha256,
            size=int(raw.get("size", -1)),
            tables=tables,
            chiso_version=str(raw.get("chiso_version", "")),
            created_at=str(raw.get("created_at", "")),
        )


def current_engine() -> str:
    return connection.vendor


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def _workdir(near: Path) -> Iterator[Path]:
    """A private temporary directory beside ``near`` (same file system), removed at exit."""
    near.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=".chiso-backup.", dir=near))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _mismatch(expected: dict[str, int], actual: dict[str, int]) -> str:
    """The first few differing tables, 'table: expected → actual'."""
    names = sorted(set(expected) | set(actual))
    diffs = [
        f"{name}: {expected.get(name, '—')} → {actual.get(name, '—')}"
        for name in names
        if expected.get(name) != actual.get(name)
    ]
    more = f", … (+{len(diffs) - 5})" if len(diffs) > 5 else ""
    return ", ".join(diffs[:5]) + more


# --- SQLite ------------------------------------------------------------------------------------


def _sqlite_path() -> Path:
    name = str(connection.settings_dict["NAME"])
    if name.startswith("file:"):  # a URI filename, e.g. file:/path/chiso.sqlite3?mode=ro
        name = unquote(urlsplit(name).path)
    return Path(name)


def _uri(path: Path, mode: str) -> str:
    return f"file:{quote(str(path))}?mode={mode}"


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
    ]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _sqlite_integrity(conn: sqlite3.Connection) -> str:
    rows = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    return "ok" if rows == ["ok"] else "; ".join(rows[:3])


def _sqlite_dump(payload: Path) -> dict[str, int]:
    source = sqlite3.connect(_uri(_sqlite_path(), "ro"), uri=True)
    target = sqlite3.connect(payload)
    try:
        with target:
            source.backup(target)  # one step: a read lock for the whole copy, so consistent
        target.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        problem = _sqlite_integrity(target)
        if problem != "ok":
            raise ChisoError("backup.integrity", detail=problem)
        return _sqlite_counts(target)
    finally:
        target.close()
        source.close()


def _sqlite_restore(payload: Path, manifest: Manifest) -> dict[str, int]:
    source = sqlite3.connect(_uri(payload, "ro"), uri=True)
    try:
        problem = _sqlite_integrity(source)
        if problem != "ok":
            raise ChisoError("backup.integrity", detail=problem)
        counts = _sqlite_counts(source)
        if counts != manifest.tables:
            raise ChisoError("backup.verify_before", detail=_mismatch(manifest.tables, counts))
        connections.close_all()
        target = sqlite3.connect(_sqlite_path(), timeout=30)
        try:
            # Page by page inside SQLite's own locking: a reader never sees a half copy.
            source.backup(target)
            after = _sqlite_counts(target)
        finally:
            target.close()
    finally:
        source.close()
    return after


# --- PostgreSQL --------------------------------------------------------------------------------


def _pg_env() -> dict[str, str]:
    """libpq environment for pg_dump/pg_restore (no password on the command line)."""
    settings = connection.settings_dict
    env = dict(os.environ)
    for var, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        value = settings.get(key)
        if value:
            env[var] = str(value)
        else:
            env.pop(var, None)
    options = settings.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ChisoError("backup.tool_missing", tool=name)
    return path


def _run(tool: str, args: list[str]) -> None:
    result = subprocess.run(
        [_pg_tool(tool), *args], env=_pg_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        error = (result.stderr or result.stdout or "").strip().splitlines()
        raise ChisoError("backup.tool_failed", tool=tool, error=" ".join(error[-3:])[:500])


_PG_TABLES = (
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY(current_schemas(false))"
    " ORDER BY c.relname"
)


def _pg_counts(cursor) -> dict[str, int]:
    cursor.execute(_PG_TABLES)
    names = [name for (name,) in cursor.fetchall()]
    quote = connection.ops.quote_name
    counts = {}
    for name in names:
        cursor.execute(f"SELECT count(*) FROM {quote(name)}")
        counts[name] = cursor.fetchone()[0]
    return counts


@contextlib.contextmanager
def _pg_connection():
    """A connection of its own, outside whatever transaction Django's connection is in."""
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        yield raw
    finally:
        raw.close()


def _pg_dump(payload: Path) -> dict[str, int]:
    _pg_tool("pg_dump")
    with _pg_connection() as raw, raw.cursor() as cursor:
        # The counts and the dump see one snapshot, whatever is written meanwhile.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _pg_counts(cursor)
        _run("pg_dump", ["-Fc", f"--snapshot={snapshot}", "-f", str(payload)])
        raw.rollback()
    return counts


def _pg_restore(payload: Path) -> dict[str, int]:
    _pg_tool("pg_restore")
    connections.close_all()
    _run(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "-d",
            _pg_env()["PGDATABASE"],
            str(payload),
        ],
    )
    with _pg_connection() as raw, raw.cursor() as cursor:
        counts = _pg_counts(cursor)
        raw.rollback()
    return counts


# --- entry points ------------------------------------------------------------------------------


def backup_create(path: Path | str, *, overwrite: bool = False) -> Manifest:
    """Write a backup of the database to ``path``; return its manifest. The file appears only
    when complete (written beside it, then renamed)."""
    path = Path(path).absolute()
    if path.exists() and not overwrite:
        raise ChisoError("backup.exists", path=str(path))
    engine = current_engine()
    if engine not in PAYLOADS:
        raise ChisoError("backup.engine_unsupported", engine=engine)
    with _workdir(path.parent) as work:
        payload = work / PAYLOADS[engine]
        counts = _sqlite_dump(payload) if engine == "sqlite" else _pg_dump(payload)
        manifest = Manifest(
            engine=engine,
            payload=payload.name,
            sha256=_sha256(payload),
            size=payload.stat().st_size,
            tables=counts,
        )
        partial = work / "backup.zip"
        method = zipfile.ZIP_DEFLATED if engine == "sqlite" else zipfile.ZIP_STORED
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, manifest.to_json())
            archive.write(payload, payload.name, compress_type=method)
        with partial.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, path)
    return manifest


def backup_read_manifest(path: Path | str) -> Manifest:
    """The manifest of a backup file; ChisoError ``backup.corrupt`` or ``backup.unreadable``."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            return Manifest.from_json(archive.read(MANIFEST))
    except OSError as error:
        raise ChisoError(
            "backup.unreadable", path=str(path), error=error.strerror or str(error)
        ) from error
    except (zipfile.BadZipFile, KeyError, ValueError, UnicodeDecodeError, EOFError) as error:
        raise ChisoError("backup.corrupt", path=str(path), reason=str(error)[:200]) from error


def _extract_verified(path: Path, manifest: Manifest, work: Path) -> Path:
    """Extract the payload into ``work``, checking its SHA-256 against the manifest."""
    target = work / manifest.payload
    digest = hashlib.sha256()
    try:
        with zipfile.ZipFile(path) as archive, archive.open(manifest.payload) as src:
            with target.open("wb") as dst:
                while chunk := src.read(_CHUNK):
                    digest.update(chunk)
                    dst.write(chunk)
    except (zipfile.BadZipFile, KeyError, EOFError, ValueError) as error:
        raise ChisoError("backup.corrupt", path=str(path), reason=str(error)[:200]) from error
    actual = digest.hexdigest()
    if actual != manifest.sha256:
        raise ChisoError(
            "backup.checksum", path=str(path), expected=manifest.sha256[:16], actual=actual[:16]
        )
    return target


def backup_verify(path: Path | str) -> Manifest:
    """Check a backup file (archive, manifest, checksum) without touching the database."""
    path = Path(path)
    manifest = backup_read_manifest(path)
    with _workdir(Path(tempfile.gettempdir())) as work:
        _extract_verified(path, manifest, work)
    return manifest


def backup_restore(path: Path | str) -> Manifest:
    """Replace the database with the backup in ``path``: checksum first (nothing is touched
    if it fails), then the restore, then the row count of every table against the manifest
    (ChisoError ``backup.verify_after`` if they differ)."""
    path = Path(path)
    manifest = backup_read_manifest(path)
    engine = current_engine()
    if manifest.engine != engine:
        raise ChisoError("backup.engine_mismatch", backup=manifest.engine, current=engine)
    near = _sqlite_path().parent if engine == "sqlite" else Path(tempfile.gettempdir())
    with _workdir(near) as work:
        payload = _extract_verified(path, manifest, work)
        after = _sqlite_restore(payload, manifest) if engine == "sqlite" else _pg_restore(payload)
    restored = {name: after.get(name) for name in manifest.tables}
    if restored != manifest.tables:
        raise ChisoError("backup.verify_after", detail=_mismatch(manifest.tables, after))
    return manifest
