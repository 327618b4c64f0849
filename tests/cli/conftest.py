"""Scratch databases for command-line tests that run ``chiso`` in a subprocess.

``scratch_db(engine)`` makes an empty database of its own (an SQLite file under a temporary
``CHISO_HOME``, or a new database on the PostgreSQL server of ``DATABASE_URL``), migrates it
and seeds it through the services: a province with ``COMMUNES`` communes, the indicators of
``CATALOG``, a superuser ``admin`` and ``SEED_VALUES`` values. The subprocesses see committed
data, unlike the test's own (transactional) database.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
# ``chiso`` run by the interpreter running the tests (what the console script does).
CHISO = [sys.executable, "-c", "import sys; from chiso.cli import main; sys.exit(main())"]
COMMUNES = 60
INDICATORS = ("VIEC_LAM", "HO_NGHEO", "QUA_TANG")
SEED_YEAR = 2014  # the seeded values; imports use 2015 onwards
CATALOG = {
    "indicators": [
        {
            "code": code,
            "name_vi": f"Chỉ tiêu {code}",
            "name_en": code,
            "unit": "người",
            "value_type": "integer",
            "aggregation_type": "sum",
            "period_type": "month",
        }
        for code in INDICATORS
    ]
}
SEED_SCRIPT = """
import json, sys
from chiso.cli.setup import django_setup, migrate
django_setup()
migrate()
from chiso.accounts.services import user_create
from chiso.datavalues.models import Channel
from chiso.datavalues.services import datavalue_bulk_upsert
from chiso.datavalues.types import ValueInput
from chiso.indicators.services import catalog_import
from chiso.orgunits.services import orgunit_create

catalog, communes, year = json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
province = orgunit_create(code="T1", name="Tỉnh Thử Nghiệm", unit_type="tinh", tier="tinh")
for n in range(communes):
    orgunit_create(code=f"X{n:03d}", name=f"Xã Số {n}", unit_type="xa", tier="xa",
                   parent=province)
catalog_import(catalog)
admin = user_create(username="admin", password="mat-khau-thu-nghiem", is_superuser=True)
items = [
    ValueInput(index=i, indicator_code=code, option_combo_code=None, orgunit_code=f"X{n:03d}",
               period_id=f"{year}{month:02d}", value=str(n + month))
    for i, (code, n, month) in enumerate(
        (c, n, m) for c in [i["code"] for i in catalog["indicators"]]
        for n in range(communes) for m in (1, 2, 3)
    )
]
result = datavalue_bulk_upsert(user=admin, items=items, channel=Channel.DEMO)
assert result.status == "SUCCESS", result.conflicts
"""
SEED_VALUES = len(INDICATORS) * COMMUNES * 3


def pg_server_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def engines() -> list:
    """SQLite always; PostgreSQL when ``DATABASE_URL`` points at a server (the CI's second
    run)."""
    return [
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(
                pg_server_url() is None, reason="DATABASE_URL does not point to PostgreSQL"
            ),
        ),
    ]


def postgres_only() -> list:
    return [p for p in engines() if p != "sqlite"]


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _pg_admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(
        _with_database(url, "postgres").replace("postgres://", "postgresql://", 1), autocommit=True
    ) as conn:
        conn.execute(statement)


@dataclass
class ScratchDB:
    engine: str
    home: Path
    env: dict[str, str]
    database_url: str | None = None
    sqlite_path: Path | None = None
    cleanups: list = field(default_factory=list)

    def chiso(self, *args: str, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*CHISO, *args],
            env=self.env,
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            **kwargs,
        )

    def popen(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [*CHISO, *args],
            env=self.env,
            cwd=self.home,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def query(self, sql: str) -> list[tuple]:
        """Run ``sql`` on a connection of the test's own (committed data only)."""
        if self.engine == "sqlite":
            conn = sqlite3.connect(self.sqlite_path)
            try:
                cursor = conn.execute(sql)
                return cursor.fetchall() if cursor.description else []
            finally:
                conn.close()
        import psycopg

        url = self.database_url.replace("postgres://", "postgresql://", 1)
        with psycopg.connect(url, autocommit=True) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if cursor.description else []

    def count(self, table: str = "datavalues_datavalue") -> int:
        return self.query(f"SELECT count(*) FROM {table}")[0][0]

    def table_counts(self) -> dict[str, int]:
        if self.engine == "sqlite":
            sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        else:
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        return {name: self.count(name) for (name,) in self.query(sql)}

    def integrity_ok(self) -> bool:
        if self.engine == "sqlite":
            return self.query("PRAGMA integrity_check") == [("ok",)]
        return self.query("SELECT 1") == [(1,)]


def _base_env(home: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "CHISO_ENV": "test",
        "CHISO_HOME": str(home),
        "PYTHONPATH": str(ROOT / "src"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    return env


def _seed(env: dict[str, str], home: Path) -> None:
    seeded = subprocess.run(
        [sys.executable, "-c", SEED_SCRIPT, json.dumps(CATALOG), str(COMMUNES), str(SEED_YEAR)],
        env=env,
        cwd=home,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert seeded.returncode == 0, seeded.stderr[-3000:]


class _Templates:
    """One seeded database per engine and test session; each test gets a copy of it (an
    SQLite file copy, or ``CREATE DATABASE ... TEMPLATE``)."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.sqlite: Path | None = None
        self.postgres: str | None = None

    def sqlite_file(self) -> Path:
        if self.sqlite is None:
            home = self.base / "sqlite-template"
            home.mkdir(parents=True)
            _seed(_base_env(home), home)
            path = home / "chiso.sqlite3"
            conn = sqlite3.connect(path)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()
            self.sqlite = path
        return self.sqlite

    def postgres_name(self) -> str:
        if self.postgres is None:
            server = pg_server_url()
            name = f"chiso_scratch_tpl_{uuid.uuid4().hex[:12]}"
            _pg_admin(server, f'CREATE DATABASE "{name}"')
            home = self.base / "postgres-template"
            home.mkdir(parents=True)
            env = {**_base_env(home), "DATABASE_URL": _with_database(server, name)}
            self.postgres = name
            _seed(env, home)
        return self.postgres

    def drop(self) -> None:
        if self.postgres is not None:
            _pg_admin(pg_server_url(), f'DROP DATABASE IF EXISTS "{self.postgres}" WITH (FORCE)')


@pytest.fixture(scope="session")
def _scratch_templates(tmp_path_factory):
    templates = _Templates(tmp_path_factory.mktemp("scratch-templates"))
    yield templates
    templates.drop()


def _make_scratch(engine: str, tmp_path: Path, templates: _Templates) -> ScratchDB:
    home = tmp_path / "home"
    home.mkdir(parents=True)
    env = _base_env(home)
    if engine == "sqlite":
        db = ScratchDB(engine, home, env, sqlite_path=home / "chiso.sqlite3")
        shutil.copyfile(templates.sqlite_file(), db.sqlite_path)
        return db
    server = pg_server_url()
    template = templates.postgres_name()
    name = f"chiso_scratch_{uuid.uuid4().hex[:12]}"
    _pg_admin(server, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    url = _with_database(server, name)
    env["DATABASE_URL"] = url
    db = ScratchDB(engine, home, env, database_url=url)
    db.cleanups.append(lambda: _pg_admin(server, f'DROP DATABASE "{name}" WITH (FORCE)'))
    return db


@pytest.fixture
def scratch_db(tmp_path, _scratch_templates):
    """``scratch_db(engine)`` → a seeded ``ScratchDB`` of its own, removed after the test."""
    made: list[ScratchDB] = []

    def make(engine: str) -> ScratchDB:
        db = _make_scratch(engine, tmp_path / f"{engine}-{len(made)}", _scratch_templates)
        made.append(db)
        return db

    yield make
    for db in made:
        for cleanup in db.cleanups:
            cleanup()


def values_document(count: int, year: int = 2015) -> dict:
    """A DHIS2 dataValueSets document of about ``count`` new values (months from ``year``)."""
    values = []
    month = 0
    while len(values) < count:
        period = f"{year + month // 12}{month % 12 + 1:02d}"
        for code in INDICATORS:
            for n in range(COMMUNES):
                values.append(
                    {
                        "dataElement": code,
                        "period": period,
                        "orgUnit": f"X{n:03d}",
                        "value": str((n * 7 + month) % 1000),
                    }
                )
        month += 1
    return {"dataValues": values[:count]}
