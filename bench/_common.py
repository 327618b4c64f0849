"""Shared plumbing for the benchmark scripts: Django set-up on a chosen database, a throwaway
PostgreSQL cluster (like ``.ci/run``), timing and printing helpers.

Benchmarks print figures and ratios against a baseline measured in the same run; nothing here
asserts a timing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_HOME = Path(os.environ.get("CHISO_BENCH_HOME", "/tmp/chiso-bench"))


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def django_setup(home: Path, database_url: str | None = None) -> None:
    """Point chiso at ``home`` (SQLite file there) or ``database_url``, set Django up and
    migrate. Call once per process, before importing chiso models."""
    home.mkdir(parents=True, exist_ok=True)
    os.environ["CHISO_ENV"] = "test"
    os.environ["CHISO_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.config.settings")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    from chiso.cli.setup import django_setup as setup
    from chiso.cli.setup import migrate

    setup()
    migrate()


def free_bytes(path: Path) -> int:
    path.mkdir(parents=True, exist_ok=True)
    return shutil.disk_usage(path).free


def require_disk(path: Path, needed: int) -> None:
    free = free_bytes(path)
    if free < needed:
        raise SystemExit(
            f"not enough free disk under {path}: {free / 1e9:.1f} GB free, about "
            f"{needed / 1e9:.1f} GB needed; use fewer --values or another --home"
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin() -> Path:
    versioned = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if versioned:
        return versioned[-1].parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")


@contextlib.contextmanager
def throwaway_postgres(database: str = "chiso_bench") -> Iterator[str]:
    """A private PostgreSQL cluster (own data dir, socket dir and port, fsync off) started as
    the ``postgres`` user like ``.ci/run`` does; yields a DATABASE_URL; stopped and removed at
    exit."""
    pgbin = _pg_bin()
    base = Path(tempfile.mkdtemp(prefix="chiso-bench-pg."))
    shutil.chown(base, "postgres")
    data = base / "data"
    port = _free_port()

    def as_postgres(*args: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *args], check=True, stdout=subprocess.DEVNULL
        )

    as_postgres(
        str(pgbin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"
    )
    options = (
        f"-k {base} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c full_page_writes=off -c synchronous_commit=off -c shared_buffers=512MB "
        "-c max_wal_size=4GB -c work_mem=64MB"
    )
    as_postgres(
        str(pgbin / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(base / "log"),
        "-w",
        "-o",
        options,
        "start",
    )
    try:
        import psycopg

        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        yield f"postgres://postgres@127.0.0.1:{port}/{database}"
    finally:
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(pgbin / "pg_ctl"),
                "-D",
                str(data),
                "-m",
                "fast",
                "stop",
            ],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(base, ignore_errors=True)


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def percentiles(samples: list[float]) -> tuple[float, float]:
    """(p50, p95) of ``samples`` (seconds)."""
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return p50, p95


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s" if seconds > 0 else "∞"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"
