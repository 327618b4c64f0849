"""Django set-up for commands that need the database."""

from __future__ import annotations

import os
import sys


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.config.settings")
    import django

    django.setup()


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def notice(message: str) -> None:
    """A human notice: stderr, so stdout stays machine-readable."""
    print(message, file=sys.stderr, flush=True)
