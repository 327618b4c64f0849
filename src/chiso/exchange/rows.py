"""One exported value, as the writers of every format see it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExportRow:
    """Codes and texts only: ``value`` is canonical machine text ("1234.5", "true"), dates are
    ISO 8601."""

    indicator: str
    option_combo: str
    orgunit: str
    period: str
    value: str
    comment: str = ""
    status: str = "official"
    stored_by: str = ""
    created: str = ""
    updated: str = ""
    option_combo_id: int = 0
    orgunit_id: int = 0
