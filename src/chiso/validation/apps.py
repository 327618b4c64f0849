from django.apps import AppConfig


class ValidationConfig(AppConfig):
    """Validation rules (left expression, operator, right expression, missing-value strategy,
    importance, blocking) and their stored results; computed indicators (numerator /
    denominator × factor); scorecards (bộ tiêu chí: criteria passing by an expression or by a
    manual assessment with an evidence note). Expressions are parsed and evaluated by
    ``chiso.core.expressions``; the values they read come from ``chiso.analytics``."""

    name = "chiso.validation"
    label = "validation"
    verbose_name = "Kiểm tra số liệu"
