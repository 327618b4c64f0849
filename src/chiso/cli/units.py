"""``chiso units load`` and ``chiso units import-hamlets``.

- ``chiso units load``: load both official structures (before and from 1 July 2025) and the
  successions from the ``vietnamadminunits`` package; idempotent; counts on stderr.
- ``chiso units import-hamlets FILE --unit COMMUNE_CODE [--on DATE] [--user NAME] [--dry-run]
  [--legacy-encoding tcvn3|vni]``: load a commune's hamlets (thôn, ấp, khu phố, sóc, tổ dân
  phố, bản…) from CSV (UTF-8) or XLSX.

Hamlet file template (header on the first row; first sheet of an XLSX; CSV separated by
commas, semicolons or tabs)::

    ma,ten,loai
    01,Ấp Bàu Trư,ấp
    02,Ninh Thịnh,khu phố
    03,Sóc Lớn,

- ``ma`` (required): the hamlet's code within the commune (letters without accents, digits,
  ``-_.``; at most 20). Stored as ``<commune code>-<ma>``, e.g. ``25270-01``.
- ``ten`` (required): the name. Without a type word in front, the type is put in front
  ("Ninh Thịnh" + khu phố -> "Khu phố Ninh Thịnh").
- ``loai`` (optional when the name starts with the type): thôn, ấp, khu phố, sóc, tổ dân
  phố, bản, buôn, plei, xóm, khóm, làng (accents and case do not matter).
Headers ``mã``/``tên``/``loại`` (with accents) are accepted too.

The commune is the version ``--unit`` names on ``--on`` (default: today; 25270 is Thị trấn
Lộc Ninh on 2023-01-01 and Xã Lộc Ninh from 2025-07-01); the hamlets take that version's
validity. A file whose code already names a hamlet of the commune updates its name and type.
Atomic: one bad row and nothing is written; every bad row is listed with its row number and
column. A file typed in TCVN3 (ABC) or VNI is refused with a message, or converted when
``--legacy-encoding`` says which.

Exit codes: 0 success, 1 rows rejected (nothing written), 2 unusable input (no such file or
unit, unreadable file, legacy encoding, missing columns).
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from decimal import Decimal

from chiso.core.numbers import format_number

HAMLET_TEMPLATE = """file template (header row, then one hamlet per row):
  ma,ten,loai
  01,Ấp Bàu Trư,ấp
  02,Ninh Thịnh,khu phố
  03,Sóc Lớn,
ma: code within the commune (stored as <commune>-<ma>); ten: name (the type word is put in
front when missing); loai: thôn, ấp, khu phố, sóc, tổ dân phố, bản, buôn, plei, xóm, khóm,
làng (optional when the name starts with it)."""


def add_parser(sub) -> None:
    p = sub.add_parser("units", help="load administrative units and hamlets")
    usub = p.add_subparsers(dest="units_command", required=True, metavar="SUBCOMMAND")
    load = usub.add_parser(
        "load", help="load the official units before and from 1 July 2025 (idempotent)"
    )
    load.set_defaults(handler=run_load)
    imp = usub.add_parser(
        "import-hamlets",
        help="import a commune's hamlets from CSV or XLSX (columns ma,ten,loai)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=HAMLET_TEMPLATE,
    )
    imp.add_argument("file", help="CSV (UTF-8) or XLSX file with columns ma, ten, loai")
    imp.add_argument("--unit", required=True, help="commune code, resolved on --on")
    imp.add_argument("--on", help="date the code is resolved on (YYYY-MM-DD; default today)")
    imp.add_argument("--user", help="act as this user (default: the first superuser)")
    imp.add_argument("--dry-run", action="store_true", help="check the file, write nothing")
    imp.add_argument(
        "--legacy-encoding",
        choices=("tcvn3", "vni"),
        help="convert a file typed in this legacy Vietnamese encoding",
    )
    imp.set_defaults(handler=run_import_hamlets)


def _n(value: int) -> str:
    return format_number(value)


def load_summary(result) -> str:
    """The counts of a ``units_load`` result, in the active language."""
    from django.utils.translation import gettext as _

    from chiso.orgunits.loaders import CURRENT, LEGACY

    c = result.counts
    legacy, current, links = c[LEGACY], c[CURRENT], c["successions"]
    lines = [
        _("Cơ cấu trước 01/07/2025: %(p)s tỉnh, %(d)s huyện, %(c)s xã")
        % {
            "p": _n(legacy.get("tinh", 0)),
            "d": _n(legacy.get("huyen", 0)),
            "c": _n(legacy.get("xa", 0)),
        },
        _("Cơ cấu từ 01/07/2025: %(p)s tỉnh, %(c)s xã")
        % {"p": _n(current.get("tinh", 0)), "c": _n(current.get("xa", 0))},
        _("Kế thừa từ 01/07/2025: %(whole)s toàn bộ, %(partial)s một phần")
        % {"whole": _n(links.get("whole", 0)), "partial": _n(links.get("partial", 0))},
        _(
            "Đơn vị: thêm %(created)s, cập nhật %(updated)s, không đổi %(unchanged)s; "
            "kế thừa: thêm %(links)s, cập nhật %(links_updated)s"
        )
        % {
            "created": _n(result.created),
            "updated": _n(result.updated),
            "unchanged": _n(result.unchanged),
            "links": _n(result.successions_created),
            "links_updated": _n(result.successions_updated),
        },
    ]
    return "\n".join(lines)


def run_load(args) -> int:
    from chiso.cli.setup import django_setup, migrate, notice

    django_setup()
    migrate()
    from django.utils.translation import gettext as _

    from chiso.common.errors import error_message
    from chiso.core.errors import ChisoError
    from chiso.datavalues.totals import totals_rebuild
    from chiso.orgunits.services import units_load

    started = time.monotonic()
    try:
        result = units_load()
    except ChisoError as exc:
        notice(error_message(exc))
        return 2
    if result.moved:
        totals_rebuild()  # the units above some values changed
    notice(load_summary(result))
    seconds = Decimal(f"{time.monotonic() - started:.1f}")
    notice(_("Thời gian: %(s)s giây") % {"s": format_number(seconds, 1)})
    return 0


def run_import_hamlets(args) -> int:
    from chiso.cli.setup import django_setup, migrate, notice

    django_setup()
    migrate()
    from django.utils.translation import gettext as _

    from chiso.accounts.access import Action, UnitNotFound, require_unit
    from chiso.accounts.selectors import user_for_cli
    from chiso.common.errors import error_message
    from chiso.core.dates import format_date_short, parse_date
    from chiso.core.errors import ChisoError
    from chiso.orgunits.loaders import read_hamlet_file
    from chiso.orgunits.models import OrgUnit
    from chiso.orgunits.selectors import orgunit_get_by_code
    from chiso.orgunits.services import hamlets_import

    try:
        on = parse_date(args.on) if args.on else date.today()
    except ChisoError as exc:
        notice(error_message(exc))
        return 2
    user = user_for_cli(args.user)
    if args.user and user is None:
        notice(_("Không có người dùng '%(name)s'") % {"name": args.user})
        return 2
    try:
        commune = orgunit_get_by_code(args.unit, on)
        if user is not None:
            commune = require_unit(user, commune, Action.CAPTURE)
    except (OrgUnit.DoesNotExist, OrgUnit.MultipleObjectsReturned, UnitNotFound):
        notice(
            _("Không có đơn vị mã %(code)s vào ngày %(date)s")
            % {"code": args.unit, "date": format_date_short(on)}
        )
        return 2
    try:
        rows = read_hamlet_file(args.file, legacy_encoding=args.legacy_encoding)
        result = hamlets_import(commune=commune, rows=rows, dry_run=args.dry_run)
    except ChisoError as exc:
        notice(error_message(exc))
        if exc.code == "hamlets.legacy_encoding":
            notice(_("Hoặc chạy lại với --legacy-encoding tcvn3 (hoặc vni) để chiso tự chuyển mã."))
        return 2
    if not result.ok:
        notice(
            _("Tệp %(file)s có %(n)s lỗi; chưa ghi dòng nào:")
            % {"file": args.file, "n": _n(len(result.errors))}
        )
        for error in result.errors:
            notice("  " + error_message(error))
        return 1
    summary = _(
        "%(unit)s (mã %(code)s): thêm %(created)s, cập nhật %(updated)s, "
        "không đổi %(unchanged)s thôn/ấp"
    ) % {
        "unit": commune.name,
        "code": commune.code,
        "created": _n(result.created),
        "updated": _n(result.updated),
        "unchanged": _n(result.unchanged),
    }
    if args.dry_run:
        summary = _("Chạy thử, chưa ghi: %(summary)s") % {"summary": summary}
    notice(summary)
    return 0
