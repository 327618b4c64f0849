"""``chiso backup FILE [--force]``, ``chiso restore FILE [--yes]`` and ``chiso backup --verify
FILE``.

``backup`` writes a consistent copy of the database (SQLite: the backup API, online;
PostgreSQL: ``pg_dump -Fc``) with a manifest (SHA-256, chiso version, engine, time, row count
per table). ``restore`` checks the file's checksum before touching anything, replaces the
database, then checks the row count of every table against the manifest. Exit 0 success,
1 the restore did not verify, 2 unusable file or missing tool.
"""

from __future__ import annotations

import sys

from chiso.cli.setup import django_setup, notice


def add_parser(sub) -> None:
    b = sub.add_parser("backup", help="back the database up into FILE (with a checksum)")
    b.add_argument("file", help="the backup file to write (e.g. chiso-2025-07-01.chiso-backup)")
    b.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    b.add_argument(
        "--verify",
        action="store_true",
        help="only check an existing FILE (checksum), write nothing",
    )
    b.set_defaults(handler=run_backup)

    r = sub.add_parser("restore", help="replace the database with the backup in FILE")
    r.add_argument("file", help="a file written by chiso backup")
    r.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    r.set_defaults(handler=run_restore)


def _describe(manifest) -> str:
    from django.utils.translation import gettext as _

    from chiso.core.numbers import format_number

    return _(
        "%(engine)s, chiso %(version)s, lúc %(created)s, %(tables)s bảng, %(rows)s dòng,"
        " SHA-256 %(sha)s…"
    ) % {
        "engine": manifest.engine,
        "version": manifest.chiso_version,
        "created": manifest.created_at,
        "tables": format_number(len(manifest.tables)),
        "rows": format_number(manifest.rows),
        "sha": manifest.sha256[:16],
    }


def run_backup(args) -> int:
    django_setup()
    from django.utils.translation import gettext as _

    from chiso.common.backup import backup_create, backup_verify
    from chiso.common.errors import error_message
    from chiso.core.errors import ChisoError

    try:
        if args.verify:
            manifest = backup_verify(args.file)
            notice(
                _("Tệp sao lưu %(path)s nguyên vẹn: %(what)s.")
                % {
                    "path": args.file,
                    "what": _describe(manifest),
                }
            )
            return 0
        manifest = backup_create(args.file, overwrite=args.force)
    except ChisoError as error:
        notice(error_message(error))
        return 2
    notice(
        _("Đã sao lưu vào %(path)s: %(what)s.") % {"path": args.file, "what": _describe(manifest)}
    )
    return 0


def _confirmed(manifest) -> bool:
    from django.utils.translation import gettext as _

    if not sys.stdin.isatty():
        return True
    answer = input(
        _(
            "Khôi phục sẽ thay toàn bộ dữ liệu hiện có bằng bản sao lưu (%(what)s)."
            " Gõ 'co' để tiếp tục: "
        )
        % {"what": _describe(manifest)}
    )
    return answer.strip().lower() in {"co", "có", "yes", "y"}


def run_restore(args) -> int:
    django_setup()
    from django.utils.translation import gettext as _

    from chiso import __version__
    from chiso.common.backup import backup_read_manifest, backup_restore
    from chiso.common.errors import error_message
    from chiso.core.errors import ChisoError

    try:
        manifest = backup_read_manifest(args.file)
    except ChisoError as error:
        notice(error_message(error))
        return 2
    if not args.yes and not _confirmed(manifest):
        notice(_("Đã hủy, không khôi phục gì."))
        return 1
    try:
        manifest = backup_restore(args.file)
    except ChisoError as error:
        notice(error_message(error))
        return 1 if error.code == "backup.verify_after" else 2
    notice(
        _("Đã khôi phục từ %(path)s và kiểm tra đủ số dòng của mọi bảng: %(what)s.")
        % {"path": args.file, "what": _describe(manifest)}
    )
    if manifest.chiso_version != __version__:
        notice(
            _(
                "Bản sao lưu được tạo bởi chiso %(old)s, đang chạy chiso %(new)s: chạy"
                " 'chiso manage migrate' (hoặc 'chiso serve') để cập nhật cấu trúc dữ liệu."
            )
            % {"old": manifest.chiso_version, "new": __version__}
        )
    return 0
