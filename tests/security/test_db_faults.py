"""A read-only database or a full disk behind the web app and the API: a clear 503 page (or
JSON) in Vietnamese, never a server error with a traceback, and nothing written."""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3

import psycopg
import pytest
from django.db import DatabaseError, OperationalError, connection, transaction
from django.test import Client

from chiso.common.faults import Fault, database_fault
from chiso.datavalues.models import DataValue

from .conftest import INDICATOR

READ_ONLY_WORDS = "chế độ chỉ đọc"
DISK_FULL_WORDS = "Ổ đĩa của máy chủ đã đầy"


def _read_only() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET transaction_read_only = on")


def _disk_full() -> None:
    """SQLite: cap the database at its current size, so the next new page fails as on a full
    disk (SQLITE_FULL)."""
    if connection.vendor != "sqlite":
        pytest.skip("a full disk is simulated on SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")  # no free pages left for the writes to fill
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")


@contextlib.contextmanager
def injected(fault):
    """``fault`` for the requests made inside. A read-only test runs in a transaction: a
    savepoint keeps it usable after the failed writes. SQLite rolls a whole transaction back
    on a full disk, so those tests commit (``transaction=True``) and run in autocommit, as a
    real server does."""
    try:
        if fault is _disk_full:
            fault()
            yield
        else:
            with transaction.atomic():
                fault()
                yield
    finally:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA query_only = OFF")
                cursor.execute("PRAGMA max_page_count = 1073741823")


def _logged_in(world) -> Client:
    client = Client()
    client.force_login(world.users["commune_a"])
    return client


def _big_import(period_count=40) -> str:
    return json.dumps(
        {
            "dataValues": [
                {
                    "dataElement": INDICATOR,
                    "period": f"{2010 + n // 12}{n % 12 + 1:02d}",
                    "orgUnit": unit,
                    "value": str(n),
                    "comment": "x" * 500,
                }
                for n in range(period_count)
                for unit in ("XA", "XA-1")
            ]
        }
    )


FAULTS = [
    pytest.param(_read_only, READ_ONLY_WORDS, id="read-only"),
    pytest.param(
        _disk_full, DISK_FULL_WORDS, id="disk-full", marks=pytest.mark.django_db(transaction=True)
    ),
]


def _assert_clear_page(response, words) -> None:
    assert response.status_code == 503
    page = response.content.decode()
    assert words in page
    assert "Không có thay đổi nào được lưu" in page
    assert "Traceback" not in page
    assert response["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_saving_a_cell_gets_a_clear_503_page(world):
    client = _logged_in(world)
    before = list(DataValue.objects.values_list("pk", "version"))
    with injected(_read_only):
        response = client.post(
            "/entry/cell/",
            {"ou": "XA", "pe": "202309", "i": INDICATOR, "c": "default", "value": "5", "ver": "0"},
        )
    _assert_clear_page(response, READ_ONLY_WORDS)
    assert list(DataValue.objects.values_list("pk", "version")) == before


@pytest.mark.parametrize(("fault", "words"), FAULTS)
def test_uploading_a_file_gets_a_clear_503_page(world, fault, words):
    client = _logged_in(world)
    before = list(DataValue.objects.values_list("pk", "version"))
    upload = io.BytesIO(_big_import().encode())
    upload.name = "so-lieu.json"
    with injected(fault):
        response = client.post("/data/upload/", {"file": upload})
    _assert_clear_page(response, words)
    assert list(DataValue.objects.values_list("pk", "version")) == before


FAULTS = [
    pytest.param(_read_only, READ_ONLY_WORDS, id="read-only"),
    pytest.param(
        _disk_full, DISK_FULL_WORDS, id="disk-full", marks=pytest.mark.django_db(transaction=True)
    ),
]


@pytest.mark.parametrize(("fault", "words"), FAULTS)
def test_an_api_import_gets_a_clear_503_json(world, fault, words):
    before = DataValue.objects.count()
    client = _logged_in(world)  # the session: a bearer token would be refused at its check-in
    with injected(fault):
        response = client.post(
            "/api/dataValueSets", data=_big_import(), content_type="application/json"
        )
    assert response.status_code == 503
    body = response.json()
    assert words in body["detail"]
    assert body["code"] in {"database.read_only", "database.disk_full"}
    assert DataValue.objects.count() == before


def test_reading_still_works_on_a_read_only_database(world):
    client = _logged_in(world)
    with injected(_read_only):
        response = client.get("/dashboard/?ou=XA&pe=2023")
    assert response.status_code == 200


def test_other_errors_are_not_disguised(world):
    """Only machine faults become a 503: a programming error stays an error."""
    assert database_fault(DatabaseError("syntax error at or near")) is None
    assert database_fault(ValueError("attempt to write a readonly database")) is None


@pytest.mark.parametrize(
    ("error", "fault"),
    [
        (sqlite3.OperationalError("attempt to write a readonly database"), Fault.READ_ONLY),
        (sqlite3.OperationalError("database or disk is full"), Fault.DISK_FULL),
        (sqlite3.OperationalError("database is locked"), Fault.BUSY),
        (sqlite3.OperationalError("unable to open database file"), Fault.UNAVAILABLE),
        (psycopg.errors.ReadOnlySqlTransaction("read-only transaction"), Fault.READ_ONLY),
        (psycopg.errors.DiskFull("could not extend file"), Fault.DISK_FULL),
        (psycopg.OperationalError("connection refused"), Fault.UNAVAILABLE),
        (OSError(28, "No space left on device"), Fault.DISK_FULL),
        (OSError(30, "Read-only file system"), Fault.READ_ONLY),
    ],
)
def test_faults_are_recognised_through_django_wrapping(error, fault):
    wrapped = OperationalError(str(error))
    wrapped.__cause__ = error
    assert database_fault(wrapped) is fault
    assert database_fault(error) is fault
