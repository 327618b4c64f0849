"""The ``chiso`` command.

Each subcommand lives in its own module exposing ``add_parser(subparsers)``, which registers the
command and sets ``handler`` to a function ``(args) -> int`` (the exit code: 0 success, 1
rejected or errors found, 2 unusable input). Django is set up only by commands that need it, so
``chiso check FILE`` runs without a database. Machine-readable output alone goes to stdout.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = (
    "serve",
    "demo",
    "manage",
    "token",
    "check",
    "catalog",
    "units",
    "exchange",
    "backup",
    "validate",
    "report",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chiso",
        description="chiso: plan, collect, check and report social-security figures.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"chiso.cli.{name}").add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        # A read-only database, a full disk, a database that cannot be reached: a clear
        # message rather than a traceback (every write is a transaction: nothing half-done).
        from chiso.cli.setup import django_setup
        from chiso.common.faults import database_fault, fault_message

        fault = database_fault(exc)
        if fault is None:
            raise
        django_setup()  # for the translation (a no-op when the command set Django up)
        print(fault_message(fault), file=sys.stderr, flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
