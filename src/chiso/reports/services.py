"""Write a formal report from chiso's data, and keep the templates it is written from.

``report_build(user=…, unit_code="70", period_id="2023", number="123", date=…)`` picks the
template (the one named, or the default, in the variant of the unit's tier in the period),
renders it in the sandbox with the unit's figures (:mod:`chiso.reports.context`), lays the
result out as a :class:`~chiso.reports.document.ReportDocument` (header, subject, body, signature,
recipients, annex) and checks its own text with the report checker. Every figure written keeps
its :class:`~chiso.reports.figures.Trace`. Without ``number``/``date`` the report is a draft:
``Số: …/BC-UBND`` and today's date.

The header follows Decree 30/2020/NĐ-CP for a people's committee: issuing body ``ỦY BAN NHÂN
DÂN`` over the unit's name (``TỈNH BÌNH PHƯỚC``), with the parent unit's committee above it for
a district or a commune (``UBND TỈNH BÌNH PHƯỚC``); place = the unit's own name without its type
(Phụ lục I, II.4: the administrative unit where the body sits: ``Bình Phước``, ``Lộc Ninh``);
signature ``TM. ỦY BAN NHÂN DÂN`` / ``CHỦ TỊCH``.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from chiso.accounts.access import Action, UnitNotFound, scope_filter
from chiso.accounts.models import Role
from chiso.core.checker import CheckResult, check_text
from chiso.core.errors import ChisoError, gettext_noop, register_messages
from chiso.core.periods import Period
from chiso.orgunits.models import OrgUnit, Tier
from chiso.orgunits.selectors import orgunit_valid_on
from chiso.reports.context import ReportData, short_name
from chiso.reports.document import (
    Annex,
    ReportDocument,
    Signature,
    Table,
    cell_trace,
)
from chiso.reports.docx_render import render_annex_xlsx, render_docx, render_pdf
from chiso.reports.figures import Trace
from chiso.reports.models import ReportTemplate
from chiso.reports.selectors import report_template_current, report_template_for
from chiso.reports.templating import (
    compile_template,
    parse_body,
    parse_template,
    plain_text,
    render_template,
    template_wants,
    traces_in,
)

register_messages(
    {
        "report.bad_template_name": gettext_noop(
            "Mã mẫu '%(name)s' không hợp lệ (chữ thường không dấu, số và dấu gạch ngang)"
        ),
        "report.bad_variant": gettext_noop(
            "Cấp áp dụng '%(variant)s' không hợp lệ (tinh, huyen, xa hoặc để trống)"
        ),
        "report.empty_template": gettext_noop("Nội dung mẫu báo cáo đang để trống"),
        "report.bad_number": gettext_noop(
            "Số văn bản '%(number)s' không hợp lệ (chỉ gồm chữ số, có thể kèm chữ cái, "
            "tối đa 20 ký tự; ví dụ: 123)"
        ),
        "report.not_allowed": gettext_noop("Chỉ quản trị viên cấp tỉnh được sửa mẫu báo cáo"),
        "report.concurrent_edit": gettext_noop(
            "Mẫu '%(name)s' vừa được người khác lưu thành phiên bản %(version)s; "
            "hãy mở lại phiên bản mới nhất rồi sửa tiếp"
        ),
    }
)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates_src"
SYMBOL = "BC-UBND"
AUTHORITY = "TM. Ủy ban nhân dân"
POSITION = "Chủ tịch"
DEFAULT_RECIPIENTS = ("Lưu: VT.",)
VARIANTS = ("", Tier.PROVINCE.value, Tier.DISTRICT.value, Tier.COMMUNE.value)


@dataclass(frozen=True)
class DefaultTemplate:
    name: str
    variant: str
    title: str
    file: str


DEFAULT_TEMPLATES = (
    DefaultTemplate(
        "dan-van-asxh",
        "tinh",
        "Báo cáo kết quả công tác dân vận chính quyền gắn với an sinh xã hội (cấp tỉnh)",
        "dan-van-asxh.tinh.j2",
    ),
    DefaultTemplate(
        "dan-van-asxh",
        "huyen",
        "Báo cáo kết quả công tác dân vận chính quyền gắn với an sinh xã hội (cấp huyện, "
        "trước 01/7/2025)",
        "dan-van-asxh.huyen.j2",
    ),
    DefaultTemplate(
        "dan-van-asxh",
        "xa",
        "Báo cáo kết quả công tác dân vận chính quyền gắn với an sinh xã hội (cấp xã)",
        "dan-van-asxh.xa.j2",
    ),
    DefaultTemplate(
        "asxh-thang",
        "",
        "Báo cáo tình hình thực hiện công tác an sinh xã hội hằng tháng",
        "asxh-thang.j2",
    ),
)


@dataclass(frozen=True)
class TemplateInfo:
    pk: int | None
    name: str
    variant: str
    version: int | None
    title: str

    @property
    def key(self) -> str:
        return f"{self.name}.{self.variant}" if self.variant else self.name


@dataclass
class BuiltReport:
    """A report written from data: the document, its prose as plain text (what the checker
    reads), the trace of every figure cited (by trace id, in the order cited), the checker's
    result on the prose, and the template, unit and period it was built for. ``missing``: the
    cited figures without data (written "…"); ``unknown``: indicator, disaggregation or group
    codes the template names that the catalog does not have (shown, not raised)."""

    document: ReportDocument
    text: str
    traces: dict[str, Trace]
    check: CheckResult
    template: TemplateInfo
    unit: OrgUnit
    period: Period
    missing: list[Trace] = field(default_factory=list)
    unknown: list[ChisoError] = field(default_factory=list)
    queries: int = 0

    @property
    def errors(self):
        return self.check.errors

    @property
    def is_draft(self) -> bool:
        return not (self.document.number or "").strip()

    def filename(self, extension: str) -> str:
        """``bao-cao-70-2023.docx`` (``-du-thao`` for a draft)."""
        stem = f"bao-cao-{self.unit.code}-{self.period.id}"
        if self.is_draft:
            stem += "-du-thao"
        return f"{stem}.{extension}"

    def docx(self) -> bytes:
        return render_docx(self.document)

    def annex_xlsx(self) -> bytes | None:
        """The annex tables as an XLSX workbook, None when the report has no annex."""
        if self.document.annex is None or not self.document.annex.tables:
            return None
        return render_annex_xlsx(self.document.annex.tables)

    def pdf(self) -> bytes:
        """The report as PDF through LibreOffice (``ChisoError`` when it is not installed)."""
        with tempfile.TemporaryDirectory(prefix="chiso-report-") as folder:
            source = Path(folder) / self.filename("docx")
            source.write_bytes(self.docx())
            return render_pdf(source, Path(folder) / "pdf").read_bytes()


# --- templates ----------------------------------------------------------------------------------


def can_edit_templates(user) -> bool:
    """Provincial administrators (superusers and members of ``quan_tri``) edit templates."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=Role.ADMIN.value).exists()


def default_template_source(default: DefaultTemplate) -> str:
    return (TEMPLATES_DIR / default.file).read_text(encoding="utf-8")


def report_templates_ensure_defaults() -> int:
    """Load every shipped template that has no version yet as version 1; returns how many."""
    existing = set(ReportTemplate.objects.values_list("name", "variant").distinct())
    created = 0
    for default in DEFAULT_TEMPLATES:
        if (default.name, default.variant) in existing:
            continue
        try:
            with transaction.atomic():
                ReportTemplate.objects.create(
                    name=default.name,
                    variant=default.variant,
                    version=1,
                    title=default.title,
                    body=default_template_source(default),
                    note="Mẫu mặc định của chiso",
                )
            created += 1
        except IntegrityError:
            continue  # loaded at the same moment by another request
    return created


def _check_key(name: str, variant: str) -> None:
    from django.utils.text import slugify

    if not name or slugify(name) != name:
        raise ChisoError("report.bad_template_name", name=name)
    if variant not in VARIANTS:
        raise ChisoError("report.bad_variant", variant=variant)


def report_template_save(
    *,
    user,
    name: str,
    variant: str,
    body: str,
    title: str | None = None,
    note: str = "",
    base_version: int | None = None,
) -> ReportTemplate:
    """Save ``body`` as the next version of (name, variant) and make it the one in use.

    The body must parse (``report.template_syntax`` names the line otherwise). ``base_version``
    is the version the editor started from: when someone saved a newer one meanwhile the save is
    refused (``report.concurrent_edit``), so no edit is silently lost.
    """
    if not can_edit_templates(user):
        raise ChisoError("report.not_allowed")
    name, variant = name.strip(), (variant or "").strip()
    _check_key(name, variant)
    if not body.strip():
        raise ChisoError("report.empty_template")
    parse_template(body)
    with transaction.atomic():
        latest = (
            ReportTemplate.objects.select_for_update()
            .filter(name=name, variant=variant)
            .aggregate(top=Max("version"))["top"]
        )
        if base_version is not None and latest is not None and latest != base_version:
            raise ChisoError("report.concurrent_edit", name=name, version=latest)
        current = report_template_current(name, variant)
        if title is None or not title.strip():
            title = current.title if current is not None else name
        return ReportTemplate.objects.create(
            name=name,
            variant=variant,
            version=(latest or 0) + 1,
            title=title.strip(),
            body=body.replace("\r\n", "\n"),
            note=note.strip()[:255],
            created_by=user,
        )


def report_template_restore(*, user, template: ReportTemplate) -> ReportTemplate:
    """Make an old version current again by saving a copy of it as the next version."""
    return report_template_save(
        user=user,
        name=template.name,
        variant=template.variant,
        body=template.body,
        title=template.title,
        note=f"Khôi phục phiên bản {template.version}",
    )


# --- building -------------------------------------------------------------------------------------


def resolve_unit(user, unit_code: str, period: Period) -> OrgUnit:
    """The unit version ``unit_code`` names on the period's last day, if the user may view it;
    ``UnitNotFound`` otherwise (missing and forbidden alike)."""
    code = str(unit_code).strip()
    if not code or "\x00" in code:  # PostgreSQL refuses NUL in a query parameter
        raise UnitNotFound()
    unit = (
        OrgUnit.objects.filter(scope_filter(user, Action.VIEW), orgunit_valid_on(period.end))
        .filter(code=code)
        .select_related("parent")
        .order_by("-valid_from", "pk")
        .first()
    )
    if unit is None:
        raise UnitNotFound()
    return unit


_NUMBER = re.compile(r"[0-9][0-9A-Za-z.]{0,19}")


def clean_number(number) -> str | None:
    """The registered number as written (``123``, ``05``, ``123a``); None (a draft) when
    empty; ``report.bad_number`` for anything else."""
    if number is None:
        return None
    text = str(number).strip()
    if not text:
        return None
    if not _NUMBER.fullmatch(text):
        raise ChisoError("report.bad_number", number=text[:40])
    return text


def parse_period(period_id: str) -> Period:
    try:
        return Period.parse(str(period_id).strip())
    except ChisoError:
        raise ChisoError("report.bad_period", period=period_id) from None


def report_build(
    *,
    user,
    unit_code: str,
    period_id: str,
    template: str | None = None,
    number: str | None = None,
    date: Date | None = None,
    body: str | None = None,
) -> BuiltReport:
    """Write the report of ``unit_code`` for ``period_id`` (see the module docstring).

    ``template``: a template name (``dan-van-asxh``; the variant follows the unit's tier in
    the period) or ``name.variant``; default ``dan-van-asxh``. ``body``: template text to use
    instead of the stored one (the editor's preview). Raises ``UnitNotFound`` for a unit the
    user may not view and ``ChisoError`` for a bad period, template or template error.
    """
    period = parse_period(period_id)
    number = clean_number(number)
    unit = resolve_unit(user, unit_code, period)
    report_templates_ensure_defaults()
    if body is None:
        stored = report_template_for(template, unit.tier)
        info = TemplateInfo(stored.pk, stored.name, stored.variant, stored.version, stored.title)
        source = stored.body
    else:
        info = TemplateInfo(None, template or "", unit.tier, None, "")
        source = body
    report_date = date or timezone.localdate()

    data = ReportData(user=user, unit=unit, period=period)
    compiled = compile_template(source, data.functions())
    data.prefetch(template_wants(source))
    rendered = render_template(compiled, data.variables(report_date))
    exports = rendered.exports

    blocks = parse_body(rendered.text, data.tables)
    annex_tables = _tables(exports.get("phu_luc"))
    annex = None
    if annex_tables:
        annex = Annex(
            title=_text(exports.get("tieu_de_phu_luc"))
            or f"Số liệu chi tiết theo đơn vị, {period.label}",
            tables=annex_tables,
        )
    subject = _text(exports.get("trich_yeu")) or _default_subject(info, period)
    recipients = tuple(_text(r) for r in _list(exports.get("noi_nhan")) if _text(r))
    document = ReportDocument(
        parent_body=f"UBND {unit.parent.name}" if unit.parent is not None else "",
        issuing_body=f"Ủy ban nhân dân\n{unit.name}",
        number=number,
        symbol=_text(exports.get("ky_hieu")) or SYMBOL,
        place=short_name(unit),
        date=report_date,
        subject=subject,
        body=blocks,
        signature=Signature(AUTHORITY, POSITION, _text(exports.get("nguoi_ky"))),
        recipients=recipients or DEFAULT_RECIPIENTS,
        annex=annex,
    )
    text = "\n".join([subject.replace("\n", " "), plain_text(blocks)])
    cited = traces_in([*blocks, *annex_tables], _cell_traces)
    traces = {t: data.traces[t] for t in cited if t in data.traces}
    return BuiltReport(
        document=document,
        text=text,
        traces=traces,
        check=check_text(text),
        template=info,
        unit=unit,
        period=period,
        missing=[t for t in traces.values() if t.value is None],
        unknown=list(data.unknown),
        queries=data.queries,
    )


def _cell_traces(table: Table):
    for row in table.rows:
        for cell in row:
            trace = cell_trace(cell)
            if trace:
                yield trace


def _tables(value) -> tuple[Table, ...]:
    tables = []
    for item in _list(value):
        table = getattr(item, "table", item)
        if isinstance(table, Table):
            tables.append(table)
    return tuple(tables)


def _list(value) -> list:
    if value is None or isinstance(value, str):
        return [value] if value else []
    try:
        return list(value)
    except TypeError:
        return [value]


def _text(value) -> str:
    from chiso.reports.figures import strip_markers

    if value is None:
        return ""
    return strip_markers(str(value)).strip()


def _default_subject(info: TemplateInfo, period: Period) -> str:
    title = info.title.split("(")[0].strip()
    if title.lower().startswith("báo cáo "):
        title = title[len("báo cáo ") :]
        title = title[:1].upper() + title[1:]
    return f"{title} {period.label}".strip()
