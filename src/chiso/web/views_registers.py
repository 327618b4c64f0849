"""The household register pages (sổ hộ gia đình): household list and detail, programmes with
hand-over entry and totals, beneficiary-list import with preview, and exports that ask a reason
and are logged. Personal data comes only from ``registers.selectors`` (scoped); a household or
programme outside the scope answers 404 exactly like a missing one."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chiso.accounts.access import Action, UnitNotFound, require_unit, units_in_scope
from chiso.common.errors import error_message
from chiso.core.dates import format_date_short, parse_date
from chiso.core.errors import ChisoError
from chiso.orgunits.models import OrgUnit, Tier
from chiso.orgunits.selectors import orgunit_sorted
from chiso.registers.documents import (
    SheetRow,
    SigningSheet,
    households_xlsx,
    signing_sheet_docx,
    signing_sheet_xlsx,
)
from chiso.registers.imports import (
    MERGE,
    NEW,
    SKIP,
    beneficiary_import_apply,
    beneficiary_import_cancel,
    beneficiary_import_preview,
    beneficiary_template,
    default_decision,
)
from chiso.registers.models import BeneficiaryImport, ClassKind, ExportLog, Household
from chiso.registers.selectors import (
    HouseholdNotFound,
    ProgrammeNotFound,
    distribution_list,
    distribution_scope,
    household_classes_on,
    household_get,
    household_people,
    household_scope,
    household_search,
    member_views,
    programme_get,
    programme_scope,
    programme_totals,
    show_citizen_id,
)
from chiso.registers.services import distribution_create, export_log_record

PAGE_SIZE = 50
MAX_UPLOAD = 10 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _day(text: str | None, default: date) -> date:
    if not text or not text.strip():
        return default
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return parse_date(text)


def _hamlet_choices(user) -> list[OrgUnit]:
    ids = household_scope(user).values("hamlet").distinct()
    return list(OrgUnit.objects.filter(pk__in=ids).select_related("parent").order_by("path"))


def _filters(request) -> dict:
    hamlet = request.GET.get("hamlet", "")
    kind = request.GET.get("kind", "")
    return {
        "q": request.GET.get("q", "")[:200].strip(),
        "hamlet": int(hamlet) if hamlet.isdigit() else None,
        "kind": kind if kind in ClassKind.values else "",
    }


@require_GET
@login_required
def household_list(request):
    """Households in the user's view scope: accent-insensitive search, by hamlet and class,
    50 a page."""
    f = _filters(request)
    qs = household_search(request.user, query=f["q"], hamlet=f["hamlet"], kind=f["kind"])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = {"q": f["q"], "hamlet": f["hamlet"] or "", "kind": f["kind"]}
    context = {
        **f,
        "page": page,
        "total": page.paginator.count,
        "hamlets": _hamlet_choices(request.user),
        "kinds": ClassKind.choices,
        "base_query": urlencode({k: v for k, v in params.items() if v}),
    }
    template = "web/registers/_households.html" if request.htmx else "web/registers/list.html"
    return render(request, template, context)


@require_GET
@login_required
def household_detail(request, pk: int):
    try:
        household = household_get(request.user, pk)
    except HouseholdNotFound as exc:
        raise Http404 from exc
    today = timezone.localdate()
    context = {
        "household": household,
        "members": member_views(request.user, household),
        "people": household_people(household),
        "classifications": household.classifications.all(),
        "current_classes": [ClassKind(k).label for k in household_classes_on(household, today)],
        "residences": household.residences.select_related("hamlet__parent"),
        "support": distribution_scope(request.user)
        .filter(household=household)
        .select_related("programme", "item")
        .order_by("-date"),
        "surveys": household.surveys.all(),
    }
    return render(request, "web/registers/detail.html", context)


@require_POST
@login_required
def household_export(request):
    """The filtered household list as XLSX, after a reason; logged."""
    hamlet, kind = request.POST.get("hamlet", ""), request.POST.get("kind", "")
    f = {
        "q": request.POST.get("q", "")[:200].strip(),
        "hamlet": int(hamlet) if hamlet.isdigit() else None,
        "kind": kind if kind in ClassKind.values else "",
    }
    qs = household_search(request.user, query=f["q"], hamlet=f["hamlet"], kind=f["kind"])
    households = list(qs.prefetch_related("members")[:50000])
    try:
        export_log_record(
            user=request.user,
            what=ExportLog.What.HOUSEHOLDS_XLSX,
            description=_("Danh sách hộ: %(filters)s")
            % {"filters": urlencode({k: v for k, v in f.items() if v}) or _("tất cả")},
            reason=request.POST.get("reason", ""),
            row_count=len(households),
        )
    except ChisoError as error:
        page = Paginator(qs, PAGE_SIZE).get_page(1)
        context = {
            **f,
            "page": page,
            "total": page.paginator.count,
            "hamlets": _hamlet_choices(request.user),
            "kinds": ClassKind.choices,
            "base_query": "",
            "export_error": error_message(error),
        }
        return render(request, "web/registers/list.html", context, status=400)
    headers = [
        _("STT"),
        _("Mã hộ"),
        _("Họ tên chủ hộ"),
        _("Năm sinh"),
        _("Số định danh cá nhân"),
        _("Địa chỉ"),
        _("Thôn, ấp"),
        _("Xã, phường, thị trấn"),
    ]
    rows = []
    for number, h in enumerate(households, start=1):
        head = next((m for m in h.members.all() if m.relation == "chu_ho"), None)
        rows.append(
            [
                number,
                h.code,
                h.head_name,
                head.birth_year if head else "",
                show_citizen_id(request.user, head.citizen_id) if head else "",
                h.address,
                h.hamlet.name,
                h.hamlet.parent.name if h.hamlet.parent_id else "",
            ]
        )
    content = households_xlsx(headers, rows, _("Danh sách hộ gia đình"))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="danh-sach-ho.xlsx"'
    return response


# --- programmes -------------------------------------------------------------------------------


@require_GET
@login_required
def programme_list(request):
    programmes = programme_scope(request.user).order_by("-start", "name")
    page = Paginator(programmes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/registers/programmes.html", {"page": page})


def _programme_context(request, programme, **extra) -> dict:
    user = request.user
    distributions = distribution_list(user, programme)
    page = Paginator(distributions, PAGE_SIZE).get_page(request.GET.get("page"))
    communes = orgunit_sorted(
        OrgUnit.objects.filter(pk__in=distribution_scope(user, programme).values("hamlet__parent"))
    )
    labels = dict(ClassKind.choices)
    return {
        "programme": programme,
        "items": programme.items.all(),
        "eligible": [labels.get(c, c) for c in programme.eligible_classes],
        "totals": programme_totals(user, programme),
        "page": page,
        "communes": communes,
        "today": timezone.localdate(),
        **extra,
    }


@require_http_methods(["GET", "POST"])
@login_required
def programme_detail(request, pk: int):
    """A programme: items, totals (per item, group and commune), the hand-overs the user may see,
    and the entry of a hand-over (household code, item, date, who handed it over)."""
    try:
        programme = programme_get(request.user, pk)
    except ProgrammeNotFound as exc:
        raise Http404 from exc
    if request.method == "GET":
        return render(
            request, "web/registers/programme.html", _programme_context(request, programme)
        )
    form = {k: request.POST.get(k, "").strip() for k in ("household", "item", "date", "by")}
    error = None
    item = programme.items.filter(pk=form["item"]).first() if form["item"].isdigit() else None
    try:
        if item is None:
            raise LookupError
        household = household_scope(request.user, Action.CAPTURE).get(code=form["household"])
        on = _day(form["date"], timezone.localdate())
        distribution_create(
            user=request.user, item=item, household=household, on=on, handed_over_by=form["by"]
        )
    except ChisoError as exc:  # before ValueError: ChisoError is one
        error = error_message(exc)
    except LookupError:
        error = _("Hãy chọn mục hỗ trợ.")
    except (Household.DoesNotExist, UnitNotFound):
        error = _("Không tìm thấy hộ mã “%(code)s” trong phạm vi nhập liệu của bạn.") % {
            "code": form["household"]
        }
    if error:
        context = _programme_context(request, programme, entry_error=error, form=form)
        return render(request, "web/registers/programme.html", context, status=400)
    return redirect("web:programme_detail", pk=programme.pk)


def _signing_sheet(request, programme, unit: OrgUnit | None) -> SigningSheet:
    rows = [
        SheetRow(
            d.household.head_name,
            ", ".join(p for p in (d.household.address, d.hamlet.name) if p),
            d.quantity,
            d.value,
        )
        for d in distribution_list(request.user, programme, unit=unit)
    ]
    place_unit = unit or programme.orgunit
    parent = place_unit.parent
    authority = _("ỦY BAN NHÂN DÂN %(name)s") % {"name": place_unit.name.upper()}
    parent_line = _("ỦY BAN NHÂN DÂN %(name)s") % {"name": parent.name.upper()} if parent else ""
    place = place_unit.name
    for prefix in ("Xã ", "Phường ", "Thị trấn ", "Huyện ", "Tỉnh ", "Thành phố ", "Đặc khu "):
        if place.startswith(prefix):
            place = place[len(prefix) :]
            break
    return SigningSheet(
        authority=authority,
        parent=parent_line,
        place=place,
        title=_("DANH SÁCH KÝ NHẬN"),
        subtitle=programme.name,
        unit_label=_("Số lượng"),
        rows=rows,
        day=timezone.localdate(),
        headers=[
            _("STT"),
            _("Họ tên chủ hộ"),
            _("Địa chỉ"),
            _("Số lượng"),
            _("Giá trị (đồng)"),
            _("Ký nhận"),
        ],
        total_label=_("Tổng cộng"),
        signers=[_("NGƯỜI LẬP BIỂU"), _("NGƯỜI TRAO"), _("TM. ỦY BAN NHÂN DÂN")],
        demo_note=_("Dữ liệu mẫu, không phải danh sách thật") if programme.is_demo else "",
    )


@require_http_methods(["GET", "POST"])
@login_required
def programme_export(request, pk: int):
    """The signing sheet (DOCX or XLSX) of a programme for one commune (or everything the user
    may see): asks a reason, logs the export, then sends the file."""
    try:
        programme = programme_get(request.user, pk)
    except ProgrammeNotFound as exc:
        raise Http404 from exc
    communes = orgunit_sorted(
        OrgUnit.objects.filter(
            pk__in=distribution_scope(request.user, programme).values("hamlet__parent")
        )
    )
    context = {"programme": programme, "communes": communes}
    if request.method == "GET":
        return render(request, "web/registers/export.html", context)
    fmt = request.POST.get("format", "docx")
    unit = None
    unit_pk = request.POST.get("unit", "")
    if unit_pk:
        try:
            unit = require_unit(request.user, int(unit_pk), Action.VIEW)
        except (UnitNotFound, ValueError) as exc:
            raise Http404 from exc
    sheet = _signing_sheet(request, programme, unit)
    what = ExportLog.What.SIGNING_SHEET_XLSX if fmt == "xlsx" else ExportLog.What.SIGNING_SHEET_DOCX
    try:
        export_log_record(
            user=request.user,
            what=what,
            description=_("Danh sách ký nhận: %(programme)s — %(unit)s")
            % {"programme": programme.name, "unit": (unit or programme.orgunit).name},
            reason=request.POST.get("reason", ""),
            row_count=len(sheet.rows),
            orgunit=unit,
            programme=programme,
        )
    except ChisoError as error:
        context.update(error=error_message(error), reason=request.POST.get("reason", ""))
        return render(request, "web/registers/export.html", context, status=400)
    if fmt == "xlsx":
        response = HttpResponse(signing_sheet_xlsx(sheet), content_type=XLSX)
        name = "danh-sach-ky-nhan.xlsx"
    else:
        response = HttpResponse(signing_sheet_docx(sheet), content_type=DOCX)
        name = "danh-sach-ky-nhan.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- import -----------------------------------------------------------------------------------


def _capture_communes(user) -> list[OrgUnit]:
    today = timezone.localdate()
    scope = units_in_scope(user, Action.CAPTURE).filter(tier=Tier.COMMUNE)
    hamlet_parents = OrgUnit.objects.filter(tier=Tier.HAMLET).values("parent")
    units = list(scope.filter(pk__in=hamlet_parents).order_by("path")[:2000])
    return sorted(units, key=lambda u: (not u.valid_on(today), u.path))


@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request):
    context = {"communes": _capture_communes(request.user), "kinds": ClassKind.choices}
    if request.method == "GET":
        return render(request, "web/registers/import.html", context)
    upload = request.FILES.get("file")
    form = {k: request.POST.get(k, "").strip() for k in ("commune", "kind", "from", "document")}
    context["form"] = form
    error = None
    if upload is None:
        error = _("Hãy chọn một tệp để tải lên.")
    elif upload.size > MAX_UPLOAD:
        error = _("Tệp quá lớn (tối đa 10 MB).")
    else:
        try:
            batch = beneficiary_import_preview(
                user=request.user,
                commune=int(form["commune"]) if form["commune"].isdigit() else None,
                filename=upload.name,
                content=upload.read(),
                kind=form["kind"] if form["kind"] in ClassKind.values else "",
                valid_from=_day(form["from"], timezone.localdate()),
                document=form["document"],
            )
        except UnitNotFound:
            error = _("Hãy chọn xã, phường, thị trấn trong phạm vi nhập liệu của bạn.")
        except ChisoError as exc:
            error = error_message(exc)
        else:
            return redirect("web:register_import_preview", pk=batch.pk)
    context["error"] = error
    return render(request, "web/registers/import.html", context, status=400)


def _batch(request, pk: int) -> BeneficiaryImport:
    batch = (
        BeneficiaryImport.objects.filter(pk=pk, created_by=request.user)
        .select_related("commune")
        .first()
    )
    if batch is None:
        raise Http404
    return batch


@require_http_methods(["GET", "POST"])
@login_required
def import_preview(request, pk: int):
    """Rows with their errors and likely duplicates; per duplicate: merge, skip or new."""
    batch = _batch(request, pk)
    if request.method == "POST" and request.POST.get("action") == "cancel":
        beneficiary_import_cancel(user=request.user, batch=batch)
        return redirect("web:register_import")
    error = None
    result = None
    if request.method == "POST" and batch.status == BeneficiaryImport.Status.PREVIEW:
        decisions = {}
        for row in batch.rows:
            value = request.POST.get(f"d{row['number']}")
            if value:
                decisions[row["number"]] = value
        try:
            result = beneficiary_import_apply(
                user=request.user,
                batch=batch,
                decisions=decisions,
                partial=bool(request.POST.get("partial")),
            )
        except UnitNotFound:
            error = _("Xã này không còn trong phạm vi nhập liệu của bạn.")
        except ChisoError as exc:
            error = error_message(exc)
        batch.refresh_from_db()
    rows = [
        {
            **row,
            "decision": default_decision(row),
            "duplicates": [
                {**d, "choice": f"{MERGE}:{d['household_id']}" if d["household_id"] else ""}
                for d in row["duplicates"]
            ],
        }
        for row in batch.rows
    ]
    context = {
        "batch": batch,
        "rows": rows,
        "errors": sum(1 for r in rows if r["errors"]),
        "duplicates": sum(1 for r in rows if r["duplicates"]),
        "error": error,
        "result": result or (batch.summary if batch.status == "done" else None),
        "SKIP": SKIP,
        "NEW": NEW,
    }
    return render(request, "web/registers/preview.html", context, status=400 if error else 200)


@require_GET
@login_required
def import_template(request):
    response = HttpResponse(beneficiary_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-ho.xlsx"'
    return response


def date_short(day: date) -> str:
    return format_date_short(day)
