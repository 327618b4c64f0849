"""``chiso catalog load|export|import``: the indicator catalog as JSON.

- ``chiso catalog load [FILE]``: upsert FILE (default: the seeded catalog); counts on stderr.
- ``chiso catalog export [--out FILE]``: the catalog as JSON, to stdout unless ``--out``.
- ``chiso catalog import FILE``: validate and upsert FILE; exit 1 listing every bad entry.

Exit codes: 0 success, 1 catalog rejected (nothing written), 2 unreadable file.
"""

from __future__ import annotations

import json
import sys

from chiso.cli.setup import django_setup, migrate, notice


def add_parser(sub) -> None:
    p = sub.add_parser("catalog", help="load, export or import the indicator catalog (JSON)")
    csub = p.add_subparsers(dest="catalog_command", required=True)
    load = csub.add_parser("load", help="load a catalog (default: the seeded one); idempotent")
    load.add_argument("file", nargs="?", help="catalog JSON file (default: the seeded catalog)")
    load.set_defaults(handler=run_load)
    export = csub.add_parser("export", help="print the catalog as JSON")
    export.add_argument("--out", help="write to this file instead of stdout")
    export.set_defaults(handler=run_export)
    imp = csub.add_parser("import", help="validate and import a catalog JSON file")
    imp.add_argument("file", help="catalog JSON file")
    imp.set_defaults(handler=run_import)


def _summary(counts: dict[str, dict[str, int]]) -> str:
    from django.utils.translation import gettext as _

    labels = {
        "categories": _("nhóm phân tổ"),
        "category_options": _("phân tổ"),
        "category_combos": _("tổ hợp phân tổ"),
        "option_combos": _("phân tổ kết hợp"),
        "indicators": _("chỉ tiêu"),
        "groups": _("nhóm chỉ tiêu"),
    }
    lines = [_("Danh mục chỉ tiêu:")]
    for kind, label in labels.items():
        c = counts[kind]
        line = _("  %(kind)s: thêm %(created)s, cập nhật %(updated)s, không đổi %(unchanged)s") % {
            "kind": label,
            **c,
        }
        if c["deleted"]:
            line += _(", xóa %(deleted)s") % c
        lines.append(line)
    return "\n".join(lines)


def _upsert(path: str | None) -> int:
    django_setup()
    migrate()
    from chiso.indicators.services import CatalogError, catalog_import, catalog_load, catalog_read

    try:
        data = catalog_read(path) if path else None
    except CatalogError as exc:
        for problem in exc.problems:
            notice(problem)
        return 2
    try:
        counts = catalog_load() if data is None else catalog_import(data)
    except CatalogError as exc:
        for problem in exc.problems:
            notice(problem)
        return 1
    notice(_summary(counts))
    return 0


def run_load(args) -> int:
    return _upsert(args.file)


def run_import(args) -> int:
    return _upsert(args.file)


def run_export(args) -> int:
    django_setup()
    migrate()
    from chiso.indicators.services import catalog_export

    text = json.dumps(catalog_export(), ensure_ascii=False, indent=2) + "\n"
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
        notice(args.out)
    else:
        sys.stdout.write(text)
    return 0
