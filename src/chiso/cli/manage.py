"""``chiso manage ARGS…``: Django's management commands (migrate, createsuperuser, shell, …)."""

import argparse


def add_parser(sub) -> None:
    p = sub.add_parser("manage", help="run a Django management command")
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(handler=run)


def run(args) -> int:
    from chiso.cli.setup import django_setup

    django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["chiso manage", *args.args])
    return 0
