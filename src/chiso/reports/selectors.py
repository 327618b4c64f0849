"""Reads of report templates."""

from __future__ import annotations

from django.db.models import QuerySet

from chiso.core.errors import ChisoError, gettext_noop, register_messages
from chiso.reports.models import ReportTemplate

register_messages(
    {
        "report.unknown_template": gettext_noop("Không có mẫu báo cáo '%(name)s'"),
        "report.no_variant": gettext_noop(
            "Mẫu báo cáo '%(name)s' không có bản dùng cho đơn vị cấp %(tier)s"
        ),
    }
)

DEFAULT_TEMPLATE = "dan-van-asxh"


def split_key(key: str) -> tuple[str, str | None]:
    """``dan-van-asxh.huyen`` → (``dan-van-asxh``, ``huyen``); ``asxh-thang`` → (…, None)."""
    name, _, variant = key.strip().partition(".")
    return name, (variant or None)


def report_template_current(name: str, variant: str) -> ReportTemplate | None:
    """The latest active version of (name, variant), or None."""
    return (
        ReportTemplate.objects.filter(name=name, variant=variant, is_active=True)
        .order_by("-version")
        .first()
    )


def report_template_for(key: str | None, tier: str) -> ReportTemplate:
    """The template a report of a unit of ``tier`` uses: ``key`` is a name (the variant then
    follows the tier, falling back to the any-tier variant) or ``name.variant``; None is the
    default template. Raises ``ChisoError`` when there is none."""
    name, variant = split_key((key or DEFAULT_TEMPLATE).replace("\x00", ""))
    if variant is not None:
        template = report_template_current(name, variant)
        if template is None:
            raise ChisoError("report.unknown_template", name=key)
        return template
    for candidate in (tier, ""):
        template = report_template_current(name, candidate)
        if template is not None:
            return template
    if ReportTemplate.objects.filter(name=name).exists():
        raise ChisoError("report.no_variant", name=name, tier=tier)
    raise ChisoError("report.unknown_template", name=name)


def report_template_list() -> list[ReportTemplate]:
    """The current version of every (name, variant), by name then tier."""
    order = {"tinh": 0, "huyen": 1, "xa": 2, "thon": 3, "": 4}
    current: dict[tuple[str, str], ReportTemplate] = {}
    for template in ReportTemplate.objects.filter(is_active=True).order_by(
        "name", "variant", "-version"
    ):
        current.setdefault((template.name, template.variant), template)
    return sorted(current.values(), key=lambda t: (t.name, order.get(t.variant, 9), t.variant))


def report_template_versions(name: str, variant: str) -> QuerySet[ReportTemplate]:
    """Every version of (name, variant), newest first."""
    return (
        ReportTemplate.objects.filter(name=name, variant=variant)
        .select_related("created_by")
        .order_by("-version")
    )
