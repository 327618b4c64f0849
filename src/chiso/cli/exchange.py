"""``chiso import FILE [--dry-run] [--partial] [--json] [--user NAME]`` and
``chiso export --format json|csv|adx|xlsx --unit CODE --period P [--out FILE] [--no-children]
[--dx CODE;CODE] [--user NAME]``.

Import prints the DHIS2-style summary as JSON on stdout with ``--json``, else a human summary on
stderr; exit 0 when everything was imported, 1 when the file was rejected or any row refused,
2 when the file cannot be read. Export writes to ``--out`` or stdout (XLSX needs ``--out``);
exit 2 for an unknown unit, period or code.
"""

from __future__ import annotations

import json
import sys

from chiso.cli.setup import django_setup, notice

FORMATS = ("json", "csv", "adx", "xlsx")


def add_parser(sub) -> None:
    p = sub.add_parser(
        "import",
        help="import data values (DHIS2 JSON/CSV, ADX, XLSX template)",
    )
    p.add_argument("file", help="the file to import")
    p.add_argument("--format", choices=FORMATS, help="default: from the extension or content")
    p.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
    p.add_argument(
        "--partial",
        action="store_true",
        help="write the good rows even when some are refused (default: all or nothing)",
    )
    p.add_argument("--json", action="store_true", help="print the import summary as JSON")
    p.add_argument("--user", help="username (default: the first superuser)")
    p.set_defaults(handler=run_import)

    e = sub.add_parser("export", help="export data values of a unit and period")
    e.add_argument("--format", choices=FORMATS, default="json")
    e.add_argument("--unit", required=True, help="org-unit code")
    e.add_argument("--period", required=True, help="period id (2023, 2023Q3, 202309, ...)")
    e.add_argument("--out", help="output file (default: stdout; required for xlsx)")
    e.add_argument(
        "--no-children", action="store_true", help="only the unit itself, not its subtree"
    )
    e.add_argument("--dx", help="indicator or indicator-group codes separated by ';'")
    e.add_argument("--user", help="username (default: the first superuser)")
    e.set_defaults(handler=run_export)


def _user(name):
    from django.utils.translation import gettext as _

    from chiso.accounts.selectors import user_for_cli

    user = user_for_cli(name)
    if user is None:
        if name:
            notice(_("Không có người dùng '%(name)s'.") % {"name": name})
        else:
            notice(_("Chưa có tài khoản quản trị nào; hãy chỉ định --user."))
    return user


def run_import(args) -> int:
    try:
        with open(args.file, "rb") as fh:
            content = fh.read()
    except OSError as exc:
        django_setup()
        from django.utils.translation import gettext as _

        notice(
            _("Không đọc được tệp %(path)s: %(error)s") % {"path": args.file, "error": exc.strerror}
        )
        return 2
    django_setup()
    from chiso.datavalues.models import Channel
    from chiso.exchange.services import import_file

    user = _user(args.user)
    if user is None:
        return 2
    summary = import_file(
        user=user,
        filename=args.file,
        content=content,
        fmt=args.format,
        dry_run=args.dry_run,
        atomic=not args.partial,
        channel=Channel.CLI,
    )
    if args.json:
        json.dump(summary.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _print_summary(summary)
    if summary.unreadable:
        return 2
    return 1 if summary.rejected or summary.conflicts else 0


def _print_summary(summary) -> None:
    from django.utils.translation import gettext as _

    counts = {
        "imported": summary.imported,
        "updated": summary.updated,
        "deleted": summary.deleted,
        "ignored": summary.ignored,
    }
    if summary.unreadable:
        notice(_("Không đọc được tệp:"))
    elif summary.rejected:
        notice(
            _(
                "Tệp bị từ chối: không ghi số liệu nào (%(total)s giá trị). Sửa các lỗi sau"
                " rồi nhập lại, hoặc dùng --partial để chỉ nhập các dòng đúng."
            )
            % {"total": summary.total}
        )
    elif summary.dry_run:
        notice(
            _(
                "Chạy thử, chưa ghi gì: sẽ thêm %(imported)s, sửa %(updated)s, xóa"
                " %(deleted)s, bỏ qua %(ignored)s giá trị."
            )
            % counts
        )
    else:
        notice(
            _("Đã thêm %(imported)s, sửa %(updated)s, xóa %(deleted)s, bỏ qua %(ignored)s giá trị.")
            % counts
        )
    for conflict in summary.conflicts:
        where = ", ".join(conflict.locations)
        notice(f"- {where}: {conflict.message}" if where else f"- {conflict.message}")
    if summary.warnings:
        notice(_("Cảnh báo của quy tắc kiểm tra (không chặn việc nhập):"))
        for warning in summary.warnings:
            where = ", ".join(warning.locations)
            notice(f"- {where}: {warning.message}" if where else f"- {warning.message}")


def run_export(args) -> int:
    django_setup()
    from django.utils.translation import gettext as _

    from chiso.accounts.access import UnitNotFound
    from chiso.common.errors import error_message
    from chiso.core.errors import ChisoError
    from chiso.exchange.services import export_values

    if args.format == "xlsx" and not args.out:
        notice(_("Định dạng xlsx cần --out TỆP."))
        return 2
    user = _user(args.user)
    if user is None:
        return 2
    try:
        export = export_values(
            user=user,
            unit_code=args.unit,
            period_id=args.period,
            fmt=args.format,
            indicator_codes=(args.dx or "").split(";"),
            children=not args.no_children,
        )
    except UnitNotFound:
        notice(
            _("Không tìm thấy đơn vị mã '%(code)s' (hoặc bạn không có quyền xem đơn vị này).")
            % {"code": args.unit}
        )
        return 2
    except ChisoError as exc:
        notice(error_message(exc))
        return 2
    if args.out:
        try:
            with open(args.out, "wb") as fh:
                for chunk in export.chunks:
                    fh.write(chunk)
        except OSError as exc:
            notice(
                _("Không ghi được tệp %(path)s: %(error)s")
                % {"path": args.out, "error": exc.strerror}
            )
            return 2
        notice(_("Đã xuất ra %(path)s.") % {"path": args.out})
    else:
        sys.stdout.flush()
        out = getattr(sys.stdout, "buffer", None)
        for chunk in export.chunks:
            if out is None:
                sys.stdout.write(chunk.decode("utf-8"))
            else:
                out.write(chunk)
        (out or sys.stdout).flush()
    return 0
