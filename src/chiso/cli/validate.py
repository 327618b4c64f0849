"""``chiso validate --unit CODE --period PERIOD [--user NAME] [--json] [--no-children]``.

Runs every active validation rule for the unit and the units under it (``--no-children``: the
unit alone) over the period (a rule of a finer period type runs for each of its periods inside
it), stores the results (replacing earlier ones) and lists the violations, high importance
first: a human list on stdout, or with ``--json`` exactly ``{"unit", "period", "violations":
[{rule, name, importance, blocking, unit, unit_name, period, left, right, message}]}``.
Exit 0 when no violation of high importance exists, 1 when one does, 2 for an unknown unit,
period or user.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal

from chiso.cli.setup import django_setup, notice

EXIT_OK, EXIT_VIOLATIONS, EXIT_UNUSABLE = 0, 1, 2


def add_parser(sub) -> None:
    p = sub.add_parser("validate", help="run the validation rules for a unit and period")
    p.add_argument("--unit", required=True, help="org-unit code")
    p.add_argument("--period", required=True, help="period id (2023, 2023Q3, 202309, ...)")
    p.add_argument("--user", help="username (default: the first superuser)")
    p.add_argument("--json", action="store_true", help="print the violations as JSON")
    p.add_argument(
        "--no-children", action="store_true", help="only the unit itself, not its subtree"
    )
    p.set_defaults(handler=run)


def _plain(value) -> str | None:
    if value is None:
        return None
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def run(args) -> int:
    django_setup()
    from django.utils.translation import gettext as _

    from chiso.accounts.access import UnitNotFound
    from chiso.accounts.selectors import user_for_cli
    from chiso.common.errors import error_message
    from chiso.core.errors import ChisoError
    from chiso.core.periods import Period
    from chiso.validation.models import Importance
    from chiso.validation.services import rules_run

    user = user_for_cli(args.user)
    if user is None:
        if args.user:
            notice(_("Không có người dùng '%(name)s'.") % {"name": args.user})
        else:
            notice(_("Chưa có tài khoản quản trị nào; hãy chỉ định --user."))
        return EXIT_UNUSABLE
    try:
        period = Period.parse(args.period.strip())
        violations = rules_run(user, args.unit, period, descendants=not args.no_children)
    except UnitNotFound:
        notice(
            _("Không tìm thấy đơn vị mã '%(code)s' có hiệu lực trong kỳ %(period)s.")
            % {"code": args.unit, "period": args.period}
        )
        return EXIT_UNUSABLE
    except ChisoError as error:
        notice(error_message(error))
        return EXIT_UNUSABLE
    if args.json:
        payload = {
            "unit": args.unit.strip(),
            "period": period.id,
            "violations": [
                {
                    "rule": v.rule.code,
                    "name": v.rule.name,
                    "importance": v.rule.importance,
                    "blocking": v.rule.blocking,
                    "unit": v.orgunit.code,
                    "unit_name": v.orgunit.name,
                    "period": v.period.id,
                    "left": _plain(v.left),
                    "right": _plain(v.right),
                    "message": v.message,
                }
                for v in violations
            ],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        labels = dict(Importance.choices)
        for v in violations:
            sys.stdout.write(
                f"[{labels[v.rule.importance]}] {v.orgunit.name} ({v.orgunit.code}),"
                f" {v.period.format_label(_)}: {v.message} [{v.rule.code}]\n"
            )
        notice(
            _("%(count)s vi phạm quy tắc kiểm tra (%(high)s mức cao).")
            % {
                "count": len(violations),
                "high": sum(1 for v in violations if v.rule.importance == Importance.HIGH),
            }
        )
    high = any(v.rule.importance == Importance.HIGH for v in violations)
    return EXIT_VIOLATIONS if high else EXIT_OK
