from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Formal reports (báo cáo) in the layout of Decree 30/2020/NĐ-CP. ``document`` holds a
    report's content as plain dataclasses (header, numbered headings, paragraphs whose figures
    carry trace ids, tables, signature, recipients, annex); ``docx_render`` writes it as DOCX
    (python-docx), the annex as XLSX (openpyxl) and converts to PDF with LibreOffice when it is
    installed. Rendering needs no database. Filling a report from chiso's data sits above the
    checker layer: ``ReportTemplate`` (sandboxed Jinja2 templates kept as versions, shipped
    defaults in ``templates_src``), ``context`` (figures from analytics, with traces),
    ``templating`` (the source format), ``services.report_build`` (document, traces and the
    self-check with the report checker) and ``html`` (the traced preview)."""

    name = "chiso.reports"
    label = "reports"
    verbose_name = "Báo cáo"
