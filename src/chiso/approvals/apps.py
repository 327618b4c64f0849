from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    """Submission and approval of a form (an indicator group) per (org unit version, period):
    draft → submitted by the unit → approved by each level above it in the hierarchy valid in
    that period (district then province before 1 July 2025, province after) → locked; reopening
    with a reason; the append-only event log; completeness and timeliness against the Decree
    09/2019 deadlines; and the lock that ``chiso.datavalues`` asks before writing a value."""

    name = "chiso.approvals"
    label = "approvals"
    verbose_name = "Phê duyệt"
