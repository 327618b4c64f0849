"""Hypothesis-generated malformed dataValueSets JSON and CSV, ADX and XLSX files, posted to
``/api/dataValueSets`` and given to ``chiso.exchange.services.import_file``: never a server
error, never a partial write (an import is all or nothing unless asked to be partial)."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import date, datetime
from xml.sax.saxutils import escape, quoteattr

import pytest
from django.db.models import Sum
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from chiso.datavalues.models import Channel, DataValue, DataValueAudit
from chiso.exchange.services import import_file

from .conftest import INDICATOR

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv",
    "adx": "application/adx+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# --- strategies -------------------------------------------------------------------------------

weird_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
number_like = st.sampled_from(
    [
        "",
        " ",
        "7",
        "1.5",
        "1,5",
        "38.406",
        "38,406",
        "-1",
        "1e308",
        "1e-400",
        "NaN",
        "Infinity",
        "∞",
        "١٢٣",
        "0x1F",
        "=1+1",
        " 12 ",
        "có",
        "true",
        "9" * 40,
        "1.234.567,89",
        "\x00",
        "12\u200b3",
    ]
)
value = st.one_of(number_like, weird_text, st.integers(-(10**30), 10**30).map(str))
indicator = st.one_of(
    st.sampled_from([INDICATOR, "ASXH_QUA_SO_LUONG", "GN_HO_NGHEO", "KHONG_CO", ""]), weird_text
)
orgunit = st.one_of(st.sampled_from(["XA", "XA-1", "XB", "XC", "T1", "", "xa"]), weird_text)
period = st.one_of(
    st.sampled_from(
        ["202301", "2023", "2023Q1", "2023S1", "2023W53", "20230230", "202313", "2023-01", ""]
    ),
    weird_text,
)
combo = st.one_of(st.none(), st.sampled_from(["default", "HO_NGHEO", "KHONG_CO"]), weird_text)
row = st.fixed_dictionaries(
    {"dataElement": indicator, "period": period, "orgUnit": orgunit, "value": value},
    optional={"categoryOptionCombo": combo, "comment": weird_text, "status": weird_text},
)
# Rows that are right, so that files mix good and bad rows (and some import entirely).
good_row = st.fixed_dictionaries(
    {
        "dataElement": st.just(INDICATOR),
        "period": st.sampled_from([f"2024{m:02d}" for m in range(1, 13)]),
        "orgUnit": st.sampled_from(["XA", "XA-1"]),
        "value": st.integers(0, 10**6).map(str),
    }
)
any_row = st.one_of(good_row, good_row, row)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | weird_text,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["dataValues", "value", "period", "x"]), children, max_size=4
        )
    ),
    max_leaves=12,
)


def _truncate(data: bytes, where: float) -> bytes:
    return data[: int(len(data) * where)]


@st.composite
def json_files(draw) -> bytes:
    kind = draw(st.sampled_from(["rows", "shape", "truncated"]))
    if kind == "shape":
        return json.dumps(draw(json_value)).encode()
    document = {"dataValues": draw(st.lists(any_row, min_size=1, max_size=6))}
    data = json.dumps(document, ensure_ascii=draw(st.booleans())).encode()
    if kind == "truncated":
        data = _truncate(data, draw(st.floats(0.05, 0.95)))
    return data


@st.composite
def csv_files(draw) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=draw(st.sampled_from([",", ",", ";", "\t"])))
    if draw(st.booleans()):
        writer.writerow(
            draw(
                st.sampled_from(
                    [
                        ["dataelement", "period", "orgunit", "catoptcombo", "value"],
                        [
                            "dataelement",
                            "period",
                            "orgunit",
                            "catoptcombo",
                            "attroptcombo",
                            "value",
                            "storedby",
                            "lastupdated",
                            "comment",
                            "followup",
                        ],
                        ["value"],
                        ["dataelement", "dataelement", "period"],
                    ]
                )
            )
        )
    for item in draw(st.lists(any_row, min_size=1, max_size=6)):
        cells = [
            item["dataElement"],
            item["period"],
            item["orgUnit"],
            item.get("categoryOptionCombo") or "",
            item["value"],
        ]
        cells = cells[: draw(st.integers(1, len(cells)))] + draw(st.lists(weird_text, max_size=6))
        writer.writerow(cells)
    text = out.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        data = _truncate(data, draw(st.floats(0.1, 0.9)))
    return data


ENTITY_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<adx xmlns="urn:ihe:qrph:adx:2015"><group orgUnit="XA" period="2023-01-01/P1M">
<dataValue dataElement="VL_VIEC_LAM_MOI" value="&lol4;"/></group></adx>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE adx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<adx xmlns="urn:ihe:qrph:adx:2015"><group orgUnit="XA" period="2023-01-01/P1M">
<dataValue dataElement="VL_VIEC_LAM_MOI" value="1"><annotation>&xxe;</annotation></dataValue>
</group></adx>"""


@st.composite
def adx_files(draw) -> bytes:
    kind = draw(st.sampled_from(["rows", "rows", "truncated", "hostile", "namespace"]))
    if kind == "hostile":
        return draw(st.sampled_from([ENTITY_BOMB, EXTERNAL_ENTITY]))
    groups = []
    for _ in range(draw(st.integers(1, 3))):
        adx_period = draw(
            st.one_of(
                st.sampled_from(
                    [
                        "2023-01-01/P1M",
                        "2023-01-01/P1Y",
                        "2023-02-01/P3M",
                        "2023-01-01/P2M",
                        "202301",
                        "",
                    ]
                ),
                weird_text,
            )
        )
        values = []
        for item in draw(st.lists(any_row, min_size=1, max_size=4)):
            extra = ""
            if item.get("categoryOptionCombo"):
                extra = f" NHOM_DOI_TUONG={quoteattr(item['categoryOptionCombo'])}"
            annotation = (
                f"<annotation>{escape(item['comment'])}</annotation>" if "comment" in item else ""
            )
            values.append(
                f"<dataValue dataElement={quoteattr(item['dataElement'])}{extra}"
                f" value={quoteattr(item['value'])}>{annotation}</dataValue>"
            )
        groups.append(
            f"<group orgUnit={quoteattr(draw(orgunit))} period={quoteattr(adx_period)}"
            f' dataSet="CHISO">{"".join(values)}</group>'
        )
    namespace = "urn:ihe:qrph:adx:2015" if kind != "namespace" else draw(weird_text)
    text = f"<adx xmlns={quoteattr(namespace)}>{''.join(groups)}</adx>"
    # Control characters are not allowed in XML at all: the parser must refuse them politely.
    data = text.encode("utf-8", errors="replace")
    if kind == "truncated":
        data = _truncate(data, draw(st.floats(0.1, 0.9)))
    return data


cell_value = st.one_of(
    st.none(),
    value,
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1900, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1)),
    st.sampled_from(["=1/0", "=SUM(A1:A3)", "#N/A", "#DIV/0!"]),
)


@st.composite
def xlsx_files(draw) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    header = draw(
        st.sampled_from(
            [
                ["dataelement", "period", "orgunit", "value"],
                ["dataelement", "period", "orgunit", "catoptcombo", "value", "comment"],
                ["#indicator", "#period", "#orgunit", "#value"],
                ["value", "period"],
            ]
        )
    )
    top = draw(st.integers(1, 4))
    for column, name in enumerate(header, start=1):
        sheet.cell(row=top, column=column, value=name)
    for offset, item in enumerate(draw(st.lists(any_row, min_size=1, max_size=6)), start=1):
        cells = [item["dataElement"], item["period"], item["orgUnit"]]
        cells += [draw(cell_value) for _ in range(len(header) - 3)]
        for column, cell in enumerate(cells, start=1):
            if isinstance(cell, str):
                cell = "".join(ch for ch in cell if ch >= " " or ch in "\t\n\r")
            sheet.cell(row=top + offset, column=column, value=cell)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    damage = draw(st.sampled_from(["none", "none", "truncate", "flip"]))
    if damage == "truncate":
        data = _truncate(data, draw(st.floats(0.1, 0.95)))
    elif damage == "flip":
        rng = random.Random(draw(st.integers(0, 2**32)))
        data = bytearray(data)
        for _ in range(8):
            data[rng.randrange(len(data))] = rng.randrange(256)
        data = bytes(data)
    return data


FILES = {"json": json_files(), "csv": csv_files(), "adx": adx_files(), "xlsx": xlsx_files()}

# --- checks -----------------------------------------------------------------------------------


def _state() -> tuple:
    values = DataValue.objects.aggregate(n=Sum("version"))["n"] or 0
    return (DataValue.objects.count(), values, DataValueAudit.objects.count())


def _assert_all_or_nothing(before: tuple, summary: dict) -> None:
    after = _state()
    counts = summary["importCount"]
    written = counts["imported"] + counts["updated"] + counts["deleted"]
    assert summary["status"] in {"SUCCESS", "ERROR"}, summary
    if summary["status"] == "ERROR":
        assert after == before, f"a refused import wrote something: {summary}"
        assert written == 0
    else:
        assert not summary["conflicts"], summary
        assert after[0] == before[0] + counts["imported"]
        assert (after == before) == (written == 0)


@pytest.mark.parametrize("fmt", list(FILES))
def test_malformed_files_posted_to_the_api(world, fmt):
    client = Client()
    token = world.tokens["commune_a"]

    @SETTINGS
    @given(data=FILES[fmt], dry_run=st.booleans())
    def post(data, dry_run):
        before = _state()
        response = client.post(
            f"/api/dataValueSets?dryRun={'true' if dry_run else 'false'}",
            data=data,
            content_type=CONTENT_TYPES[fmt],
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code in {200, 400, 409}, (response.status_code, data[:300])
        summary = response.json()
        assert (
            response.status_code
            == {"SUCCESS": 200, "ERROR": summary and 409}.get(
                summary["status"], response.status_code
            )
            or response.status_code == 400
        )
        if dry_run:
            assert _state() == before
        else:
            _assert_all_or_nothing(before, summary)
        for conflict in summary["conflicts"]:
            assert conflict["value"], conflict  # every refusal says why

    post()


@pytest.mark.parametrize("fmt", list(FILES))
def test_malformed_files_given_to_the_import_service(world, fmt):
    user = world.users["commune_a"]

    @SETTINGS
    @given(data=FILES[fmt], name=st.sampled_from(["", f"tep.{fmt}", "tep.txt", "tep"]))
    def run(data, name):
        before = _state()
        summary = import_file(
            user=user,
            filename=name,
            content=data,
            fmt=None if name else fmt,
            channel=Channel.IMPORT,
        )
        _assert_all_or_nothing(before, summary.to_dict())

    run()


# --- one bad row spoils the file ---------------------------------------------------------------

GOOD = [(INDICATOR, "XA", "202305", "11"), (INDICATOR, "XA-1", "202305", "4")]
BAD_ROWS = [
    (INDICATOR, "XA", "202306", "1.5"),  # neither 15 nor 1,5
    (INDICATOR, "XC", "202306", "3"),  # another district's commune
    ("KHONG_CO", "XA", "202306", "3"),  # unknown indicator
    (INDICATOR, "XA", "2023Q9", "3"),  # unknown period
    (INDICATOR, "XA", "202306", "ba"),  # text in a number cell
]


def _document(fmt: str, rows) -> bytes:
    if fmt == "json":
        return json.dumps(
            {
                "dataValues": [
                    dict(zip(("dataElement", "orgUnit", "period", "value"), r, strict=True))
                    for r in rows
                ]
            }
        ).encode()
    if fmt == "csv":
        lines = ["dataelement,period,orgunit,catoptcombo,value"]
        lines += [f"{ind},{pe},{ou},,{val}" for ind, ou, pe, val in rows]
        return "\n".join(lines).encode()
    if fmt == "adx":
        groups = "".join(
            f'<group orgUnit="{ou}" period="{pe[:4]}-{pe[4:]}-01/P1M">'
            f'<dataValue dataElement="{ind}" value="{val}"/></group>'
            if len(pe) == 6 and pe[4:].isdigit() and 1 <= int(pe[4:]) <= 12
            else f'<group orgUnit="{ou}" period="{pe}"><dataValue dataElement="{ind}"'
            f' value="{val}"/></group>'
            for ind, ou, pe, val in rows
        )
        return f'<adx xmlns="urn:ihe:qrph:adx:2015">{groups}</adx>'.encode()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["dataelement", "period", "orgunit", "value"])
    for ind, ou, pe, val in rows:
        sheet.append([ind, pe, ou, val])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", list(FILES))
def test_one_bad_row_and_nothing_is_written(world, fmt):
    client = Client()
    for bad in BAD_ROWS:
        before = _state()
        response = client.post(
            "/api/dataValueSets",
            data=_document(fmt, [*GOOD, bad]),
            content_type=CONTENT_TYPES[fmt],
            HTTP_AUTHORIZATION=f"Bearer {world.tokens['commune_a']}",
        )
        assert response.status_code == 409, (bad, response.content)
        summary = response.json()
        assert summary["status"] == "ERROR"
        assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": 3, "deleted": 0}
        assert summary["conflicts"] and all(c["value"] for c in summary["conflicts"]), bad
        assert _state() == before, bad
    before = _state()
    good = import_file(
        user=world.users["commune_a"],
        content=_document(fmt, GOOD),
        fmt=fmt,
        channel=Channel.IMPORT,
    )
    assert good.status == "SUCCESS" and good.imported == 2
    assert _state()[0] == before[0] + 2


def test_hostile_xml_is_refused_quickly_without_reading_local_files(world):
    for data in (ENTITY_BOMB, EXTERNAL_ENTITY):
        summary = import_file(
            user=world.users["commune_a"], content=data, fmt="adx", channel=Channel.IMPORT
        )
        assert summary.status == "ERROR"
        assert "root:" not in json.dumps(summary.to_dict(), ensure_ascii=False)
