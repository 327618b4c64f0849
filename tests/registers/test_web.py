"""The register pages: scope (a user of another commune sees, finds and exports nothing of
these households), masked citizen IDs, exports that need a reason and are all logged, the
hand-over entry and the import preview."""

import io
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from openpyxl import Workbook, load_workbook

from chiso.registers.models import Distribution, ExportLog, Household
from chiso.registers.services import distribution_create

CCCD = "070185012345"


@pytest.fixture
def households(make_household, tet_programme, catalog, admin):
    poor = make_household("Trần Thị Bình", birth_year=1985, citizen_id=CCCD, kinds=["HO_NGHEO"])
    other = make_household("Nguyễn Văn An", kinds=["NGUOI_CO_CONG"])
    item = tet_programme.items.get(beneficiary_class="HO_NGHEO")
    distribution_create(user=admin, item=item, household=poor, on=date(2023, 1, 15))
    return {"poor": poor, "other": other}


def client_for(user, password):
    client = Client()
    client.force_login(user)
    return client


def _xlsx_cells(response) -> list[str]:
    book = load_workbook(io.BytesIO(response.content))
    return [str(c) for row in book.active.iter_rows(values_only=True) for c in row if c]


def test_the_officer_sees_and_finds_the_households_with_masked_ids(households, officer_a, password):
    client = client_for(officer_a, password)
    page = client.get("/registers/", {"q": "tran thi binh"}).content.decode()
    assert "Trần Thị Bình" in page and "Nguyễn Văn An" not in page
    detail = client.get(f"/registers/{households['poor'].pk}/").content.decode()
    assert "0xx******345" in detail and CCCD not in detail
    assert "Quà Tết hộ nghèo" in detail


def test_the_permission_shows_the_whole_id(households, officer_a, password):
    officer_a.user_permissions.add(Permission.objects.get(codename="view_citizen_id"))
    detail = client_for(officer_a, password).get(f"/registers/{households['poor'].pk}/")
    assert CCCD in detail.content.decode()


def test_another_communes_user_cannot_see_search_or_export_them(
    households, officer_b, password, tet_programme
):
    client = client_for(officer_b, password)
    names = ("Trần Thị Bình", "Nguyễn Văn An", households["poor"].code, "0xx******345")
    for params in ({}, {"q": "binh"}, {"q": households["poor"].code}, {"kind": "HO_NGHEO"}):
        assert client.get("/registers/", params).status_code == 200
        results = client.get("/registers/", params, HTTP_HX_REQUEST="true").content.decode()
        assert not any(n in results for n in names)  # (the page itself echoes the query)
        assert "0 hộ" in results
    for household in households.values():
        assert client.get(f"/registers/{household.pk}/").status_code == 404
    assert client.get("/registers/999999/").status_code == 404  # same answer as missing
    programme = client.get(f"/registers/programmes/{tet_programme.pk}/").content.decode()
    assert "Trần Thị Bình" not in programme
    export = client.post("/registers/export/", {"q": "", "reason": "Kiểm tra danh sách"})
    assert export.status_code == 200
    assert not any(n in cell for cell in _xlsx_cells(export) for n in names)
    sheet = client.post(
        f"/registers/programmes/{tet_programme.pk}/export/",
        {"format": "xlsx", "reason": "In danh sách ký nhận"},
    )
    assert not any(n in cell for cell in _xlsx_cells(sheet) for n in names)
    # a unit outside the scope is refused like a missing one
    other = client.post(
        f"/registers/programmes/{tet_programme.pk}/export/",
        {
            "format": "xlsx",
            "reason": "In danh sách ký nhận",
            "unit": households["poor"].hamlet.parent_id,
        },
    )
    assert other.status_code == 404
    # recording a hand-over for them is refused and changes nothing
    before = Distribution.objects.count()
    item = tet_programme.items.get(beneficiary_class="NGUOI_CO_CONG")
    response = client.post(
        f"/registers/programmes/{tet_programme.pk}/",
        {"household": households["other"].code, "item": item.pk, "date": "2023-01-16"},
    )
    assert response.status_code == 400
    assert Distribution.objects.count() == before


def test_every_export_is_logged_and_needs_a_reason(households, officer_a, password, tet_programme):
    client = client_for(officer_a, password)
    refused = client.post("/registers/export/", {"reason": " "})
    assert refused.status_code == 400
    assert "lý do" in refused.content.decode()
    assert ExportLog.objects.count() == 0
    households_file = client.post("/registers/export/", {"reason": "Rà soát cuối năm"})
    assert "Trần Thị Bình" in _xlsx_cells(households_file)
    assert "0xx******345" in _xlsx_cells(households_file)
    docx = client.post(
        f"/registers/programmes/{tet_programme.pk}/export/",
        {"format": "docx", "reason": "Trình ký lãnh đạo"},
    )
    assert docx["Content-Type"].endswith("wordprocessingml.document")
    xlsx = client.post(
        f"/registers/programmes/{tet_programme.pk}/export/",
        {"format": "xlsx", "reason": "Gửi kế toán", "unit": households["poor"].hamlet.parent_id},
    )
    assert "Tổng cộng" in _xlsx_cells(xlsx)
    logs = list(
        ExportLog.objects.order_by("pk").values_list(
            "user__username", "what", "reason", "row_count"
        )
    )
    assert logs == [
        ("can_bo_an", "households_xlsx", "Rà soát cuối năm", 2),
        ("can_bo_an", "signing_docx", "Trình ký lãnh đạo", 1),
        ("can_bo_an", "signing_xlsx", "Gửi kế toán", 1),
    ]


def test_the_signing_sheet_docx_has_the_table_in_times_new_roman(
    households, officer_a, password, tet_programme
):
    import docx

    response = client_for(officer_a, password).post(
        f"/registers/programmes/{tet_programme.pk}/export/",
        {"format": "docx", "reason": "Trình ký lãnh đạo"},
    )
    document = docx.Document(io.BytesIO(response.content))
    table = document.tables[1]
    assert [c.text for c in table.rows[0].cells] == [
        "STT",
        "Họ tên chủ hộ",
        "Địa chỉ",
        "Số lượng",
        "Giá trị (đồng)",
        "Ký nhận",
    ]
    assert [c.text for c in table.rows[1].cells] == [
        "1",
        "Trần Thị Bình",
        "Tổ 1, Ấp Một",
        "1",
        "500.000",
        "",
    ]
    assert [c.text for c in table.rows[2].cells][3:5] == ["1", "500.000"]
    fonts = {r.font.name for p in document.paragraphs for r in p.runs}
    assert fonts == {"Times New Roman"}


def test_hand_over_entry_and_its_refusal_message(households, officer_a, password, tet_programme):
    client = client_for(officer_a, password)
    item = tet_programme.items.get(beneficiary_class="NGUOI_CO_CONG")
    url = f"/registers/programmes/{tet_programme.pk}/"
    ok = client.post(
        url,
        {
            "household": households["other"].code,
            "item": item.pk,
            "date": "2023-01-16",
            "by": "Trưởng ấp",
        },
    )
    assert ok.status_code == 302
    again = client.post(
        url, {"household": households["other"].code, "item": item.pk, "date": "2023-01-17"}
    )
    assert again.status_code == 400
    assert "mỗi hộ chỉ nhận một lần trong một chương trình" in again.content.decode()
    assert Distribution.objects.filter(household=households["other"]).count() == 1


def test_import_upload_preview_and_apply_through_the_pages(officer_a, password, tree, catalog):
    book = Workbook()
    book.active.append(["Họ tên chủ hộ", "Năm sinh", "Thôn, ấp"])
    book.active.append(["Lý Thị Hoa", 1968, "Ấp Một"])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "ds.xlsx"
    client = client_for(officer_a, password)
    response = client.post(
        "/registers/import/",
        {"commune": tree["a"].pk, "kind": "HO_CAN_NGHEO", "from": "2023-01-01", "file": out},
    )
    assert response.status_code == 302
    preview = client.get(response["Location"]).content.decode()
    assert "Lý Thị Hoa" in preview and "Hợp lệ" in preview
    done = client.post(response["Location"], {"action": "apply", "d2": "new"})
    assert "1 hộ mới" in done.content.decode()
    assert list(Household.objects.values_list("head_name", flat=True)) == ["Lý Thị Hoa"]
