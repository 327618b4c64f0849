from django.contrib.auth import views as auth_views
from django.urls import path

from chiso.web import (
    pickers,
    views,
    views_approvals,
    views_audit,
    views_check,
    views_dashboard,
    views_entry,
    views_exchange,
    views_indicators,
    views_registers,
    views_reports,
    views_units,
    views_validation,
)

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("indicators/", views_indicators.indicator_list, name="indicator_list"),
    path("indicators/<str:code>/", views_indicators.indicator_detail, name="indicator_detail"),
    path("units/", views_units.unit_list, name="unit_list"),
    path("units/<int:pk>/", views_units.unit_detail, name="unit_detail"),
    path("entry/", views_entry.entry, name="entry"),
    path("entry/cell/", views_entry.entry_cell, name="entry_cell"),
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("pickers/units/", pickers.unit_search, name="unit_search"),
    path("check/", views_check.check, name="check"),
    path("data/upload/", views_exchange.upload, name="data_upload"),
    path("data/template/", views_exchange.template, name="data_template"),
    path("validation/", views_validation.results, name="validation_results"),
    path("validation/run/", views_validation.run, name="validation_run"),
    path("validation/rules/", views_validation.rule_list, name="validation_rules"),
    path("validation/rules/new/", views_validation.rule_edit, name="validation_rule_new"),
    path(
        "validation/rules/preview/", views_validation.rule_preview, name="validation_rule_preview"
    ),
    path("validation/rules/<str:code>/", views_validation.rule_edit, name="validation_rule_edit"),
    path("validation/computed/", views_validation.computed_list, name="validation_computed"),
    path(
        "validation/computed/new/",
        views_validation.computed_edit,
        name="validation_computed_new",
    ),
    path(
        "validation/computed/preview/",
        views_validation.computed_preview,
        name="validation_computed_preview",
    ),
    path(
        "validation/computed/<str:code>/",
        views_validation.computed_edit,
        name="validation_computed_edit",
    ),
    path(
        "validation/expression/check/",
        views_validation.expression_check_view,
        name="validation_check",
    ),
    path("scorecards/<str:code>/", views_validation.scorecard, name="scorecard"),
    path(
        "scorecards/<str:code>/assess/",
        views_validation.scorecard_assess,
        name="scorecard_assess",
    ),
    path("approvals/", views_approvals.approvals, name="approvals"),
    path("approvals/act/", views_approvals.approvals_act, name="approvals_act"),
    path("approvals/summary/", views_approvals.approvals_summary, name="approvals_summary"),
    path("audit/", views_audit.audit, name="audit"),
    path("registers/", views_registers.household_list, name="household_list"),
    path("registers/<int:pk>/", views_registers.household_detail, name="household_detail"),
    path("registers/export/", views_registers.household_export, name="household_export"),
    path("registers/programmes/", views_registers.programme_list, name="programme_list"),
    path(
        "registers/programmes/<int:pk>/",
        views_registers.programme_detail,
        name="programme_detail",
    ),
    path(
        "registers/programmes/<int:pk>/export/",
        views_registers.programme_export,
        name="programme_export",
    ),
    path("registers/import/", views_registers.import_upload, name="register_import"),
    path(
        "registers/import/<int:pk>/",
        views_registers.import_preview,
        name="register_import_preview",
    ),
    path(
        "registers/import/template/",
        views_registers.import_template,
        name="register_import_template",
    ),
    path("reports/", views_reports.reports, name="reports"),
    path("reports/preview/", views_reports.report_preview, name="report_preview"),
    path("reports/download/", views_reports.report_download, name="report_download"),
    path("reports/templates/", views_reports.template_list, name="report_templates"),
    path(
        "reports/templates/<int:pk>/",
        views_reports.template_edit,
        name="report_template_edit",
    ),
    path(
        "reports/templates/<int:pk>/history/",
        views_reports.template_history,
        name="report_template_history",
    ),
    path(
        "reports/templates/<int:pk>/restore/",
        views_reports.template_restore,
        name="report_template_restore",
    ),
]
