"""Turn core errors into translated messages at the edges."""

from django.utils.translation import gettext

from chiso.core.errors import ChisoError


def error_message(error: ChisoError) -> str:
    """The error's message in the active language."""
    return error.render(gettext)
