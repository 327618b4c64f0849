"""``chiso report --unit CODE --period P --out FILE.docx [--template NAME] [--number N]
[--date YYYY-MM-DD] [--user NAME] [--pdf] [--annex-xlsx FILE]``.

Writes the formal report of a unit for a period (Decree 30/2020 layout) from chiso's data. The
template follows the unit's tier in the period unless ``--template`` names one
(``dan-van-asxh``, ``asxh-thang``, or ``name.variant``). Without ``--number``/``--date`` the
report is a draft: "Số: …/BC-UBND" and today's date. ``--pdf`` also writes FILE.pdf through
LibreOffice; ``--annex-xlsx`` writes the annex tables as a workbook.

The report's own text is checked with the report checker; its findings are listed on stderr.
Exit 0 when written and the check found no error, 1 when the check found errors or the PDF
could not be made (the DOCX is written all the same), 2 for unusable input (unknown unit or
one outside the user's scope, bad period or date, template error); nothing is written then.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from chiso.cli.setup import django_setup, notice


def add_parser(sub) -> None:
    p = sub.add_parser("report", help="write the formal report (DOCX) of a unit and period")
    p.add_argument("--unit", required=True, help="org-unit code")
    p.add_argument("--period", required=True, help="period id (2023, 2023Q3, 202309, ...)")
    p.add_argument("--out", required=True, help="the DOCX file to write")
    p.add_argument("--template", help="template name (default: by the unit's tier)")
    p.add_argument("--number", help="registered number (default: a draft, 'Số: …/BC-UBND')")
    p.add_argument("--date", help="date of the report, YYYY-MM-DD (default: today)")
    p.add_argument("--user", help="username (default: the first superuser)")
    p.add_argument("--pdf", action="store_true", help="also write the PDF (needs LibreOffice)")
    p.add_argument("--annex-xlsx", metavar="FILE", help="also write the annex as XLSX")
    p.set_defaults(handler=run)


def _write(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` through a temporary file, so a failure leaves nothing
    half-written."""
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file (mkstemp gives 0600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def run(args) -> int:
    django_setup()
    from django.utils.translation import gettext as _

    from chiso.accounts.access import UnitNotFound
    from chiso.accounts.selectors import user_for_cli
    from chiso.common.errors import error_message
    from chiso.core.dates import parse_date
    from chiso.core.errors import ChisoError
    from chiso.reports.services import report_build

    user = user_for_cli(args.user)
    if user is None:
        if args.user:
            notice(_("Không có người dùng '%(name)s'.") % {"name": args.user})
        else:
            notice(_("Chưa có tài khoản quản trị nào; hãy chỉ định --user."))
        return 2
    report_date = None
    if args.date:
        try:
            report_date = parse_date(args.date)
        except ChisoError as error:
            notice(error_message(error))
            return 2
    try:
        built = report_build(
            user=user,
            unit_code=args.unit,
            period_id=args.period,
            template=args.template,
            number=args.number,
            date=report_date,
        )
    except UnitNotFound:
        notice(
            _("Không tìm thấy đơn vị mã '%(code)s' (hoặc bạn không có quyền xem đơn vị này).")
            % {"code": args.unit}
        )
        return 2
    except ChisoError as error:
        notice(error_message(error))
        return 2

    out = Path(args.out)
    annex = built.annex_xlsx() if args.annex_xlsx else None
    try:
        _write(out, built.docx())
        if args.annex_xlsx:
            if annex is None:
                notice(_("Báo cáo không có phụ lục: không ghi tệp XLSX."))
            else:
                _write(Path(args.annex_xlsx), annex)
    except OSError as exc:
        notice(
            _("Không ghi được tệp %(path)s: %(error)s")
            % {"path": exc.filename or args.out, "error": exc.strerror}
        )
        return 2
    notice(
        _(
            "Đã ghi báo cáo %(unit)s, %(period)s (mẫu %(template)s, phiên bản "
            "%(version)s)%(draft)s vào %(path)s."
        )
        % {
            "unit": built.unit.name,
            "period": built.period.format_label(_),
            "template": built.template.key,
            "version": built.template.version,
            "draft": _(" (dự thảo)") if built.is_draft else "",
            "path": out,
        }
    )
    if annex is not None:
        notice(_("Đã ghi phụ lục vào %(path)s.") % {"path": args.annex_xlsx})
    status = 0
    if args.pdf:
        from chiso.reports.docx_render import render_pdf

        try:
            pdf = render_pdf(out, out.parent if str(out.parent) else Path("."))
            notice(_("Đã ghi bản PDF vào %(path)s.") % {"path": pdf})
        except ChisoError as error:
            notice(error_message(error))
            status = 1
    for problem in built.unknown:
        notice(_("Mẫu báo cáo: %(message)s.") % {"message": error_message(problem)})
    for trace in built.missing:
        notice(
            _("Chưa có số liệu: %(indicator)s, %(unit)s, %(period)s (ghi là …).")
            % {
                "indicator": trace.indicator_name,
                "unit": trace.unit_name,
                "period": trace.period_label,
            }
        )
    if built.check.findings:
        from chiso.checker.services import finding_message

        notice(
            _("Tự kiểm tra nội dung báo cáo: %(errors)s lỗi, %(warnings)s cảnh báo.")
            % {"errors": len(built.check.errors), "warnings": len(built.check.warnings)}
        )
        for finding in built.check.findings:
            notice(f"- {built.text[finding.start : finding.end]}: {finding_message(finding)}")
    if built.check.errors:
        status = 1
    return status
