"""Read-mostly admin: rules and computed indicators are edited in the web editor (their
expressions are checked there, through the services); results and assessments are listed."""

from django.contrib import admin

from chiso.validation.models import (
    Assessment,
    ComputedIndicator,
    Criterion,
    Scorecard,
    ValidationResult,
    ValidationRule,
)


@admin.register(ValidationRule)
class ValidationRuleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "operator", "importance", "blocking", "period_type", "active")
    list_filter = ("importance", "blocking", "period_type", "active", "generator")
    search_fields = ("code", "name")
    readonly_fields = ("left", "operator", "right", "indicator_codes", "generator")


@admin.register(ComputedIndicator)
class ComputedIndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "numerator", "denominator", "factor", "unit")
    search_fields = ("code", "name_vi")
    readonly_fields = ("numerator", "denominator")


@admin.register(ValidationResult)
class ValidationResultAdmin(admin.ModelAdmin):
    list_display = ("rule", "orgunit", "period", "importance", "message")
    list_filter = ("importance",)
    list_select_related = ("rule", "orgunit")
    raw_id_fields = ("orgunit", "run_by")


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ("number", "group", "name", "expression")
    readonly_fields = ("expression",)


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "min_passed", "tier", "active")
    inlines = [CriterionInline]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("criterion", "orgunit", "period", "passed", "user", "updated")
    list_select_related = ("criterion", "orgunit", "user")
    raw_id_fields = ("orgunit", "user")
