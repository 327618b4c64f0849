"""Errors raised by the core: a stable code plus parameters, rendered by the edges.

The core never formats user-facing sentences itself. Each code has a message template
(Vietnamese source text) registered in ``MESSAGES``; the edges translate the template through
gettext and fill in ``params``. ``gettext_noop`` marks the templates for extraction without
importing any translation machinery here.
"""

from __future__ import annotations

from typing import Any


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation; returns it unchanged (picked up by xgettext)."""
    return message


MESSAGES: dict[str, str] = {}


def register_messages(messages: dict[str, str]) -> None:
    """Register message templates for error codes (called by each core module at import)."""
    for code, template in messages.items():
        if code in MESSAGES and MESSAGES[code] != template:
            raise RuntimeError(f"error code {code!r} registered twice with different templates")
        MESSAGES[code] = template


class ChisoError(ValueError):
    """A domain error with a machine-readable ``code`` and the ``params`` of its message."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(self.render())

    def render(self, translate=None) -> str:
        """The message filled in; ``translate`` (e.g. gettext) is applied to the template."""
        template = MESSAGES.get(self.code)
        if template is None:
            return f"{self.code}: {self.params}"
        if translate is not None:
            template = translate(template)
        try:
            return template % self.params
        except (KeyError, TypeError, ValueError):
            return template
