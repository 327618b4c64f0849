"""``/api/dataValueSets``: DHIS2-compatible import and export of data values, codes as ids."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from chiso.datavalues.models import Channel
from chiso.exchange.services import export_values, import_file

router = Router(tags=["dataValueSets"])

MAX_BODY = 50 * 1024 * 1024
_CONTENT_TYPES = {
    "application/json": "json",
    "text/csv": "csv",
    "application/csv": "csv",
    "application/adx+xml": "adx",
    "application/xml": "adx",
    "text/xml": "adx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "text/csv": {"schema": {"type": "string"}},
            "application/adx+xml": {"schema": {"type": "string"}},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                "schema": {"type": "string", "format": "binary"}
            },
        },
    }
}


def _format_of(request) -> str | None:
    content_type = (request.content_type or "").split(";")[0].strip().lower()
    return _CONTENT_TYPES.get(content_type)


@router.post("", openapi_extra=_BODY_DOC)
def post_data_value_set(
    request,
    dryRun: bool = False,
    atomicMode: str = "ALL",
    importStrategy: str = "CREATE_AND_UPDATE",
):
    """Import values: DHIS2 ``dataValueSets`` JSON (``Content-Type: application/json``), DHIS2
    CSV (``text/csv``), ADX (``application/adx+xml``) or the XLSX template; identifiers are
    codes. ``dryRun=true`` checks without writing; ``atomicMode=NONE`` writes the good rows
    when some are refused (default ``ALL``: any conflict and nothing is written);
    ``importStrategy=DELETE`` deletes the listed values.

    Answers with the import summary ``{status, dryRun, importCount: {imported, updated,
    ignored, deleted}, conflicts: [{object, property, value, errorCode, indexes,
    locations}]}`` (``value`` is the message, ``indexes`` the 0-based positions of the values
    in the file). HTTP 200 for ``SUCCESS`` and ``WARNING`` (partial import), **409** for
    ``ERROR`` (refused: nothing written), 400 when the body cannot be read at all, 413 when
    it is larger than 50 MB.
    """
    content = request.read(MAX_BODY + 1)
    if len(content) > MAX_BODY:
        return JsonResponse({"detail": _("Dữ liệu gửi lên quá lớn (tối đa 50 MB).")}, status=413)
    summary = import_file(
        user=request.user,
        filename="",
        content=content,
        fmt=_format_of(request),
        dry_run=dryRun,
        atomic=atomicMode.upper() != "NONE",
        channel=Channel.API,
        strategy=importStrategy,
    )
    status = 400 if summary.unreadable else 409 if summary.rejected else 200
    return JsonResponse(summary.to_dict(), status=status, json_dumps_params={"ensure_ascii": False})


@router.get("")
def get_data_value_set(
    request,
    ou: str,
    pe: str,
    dx: str = "",
    children: bool = True,
    format: str = "json",
):
    """Export values of unit ``ou`` (its whole subtree unless ``children=false``) whose
    periods lie within ``pe`` (``pe=2023`` gives the months and quarters of 2023), only
    indicators ``dx`` (indicator or group codes separated by ``;``) if given, as DHIS2 JSON
    (values as strings), ``format=csv``, ``format=adx`` or ``format=xlsx``. A unit outside
    the caller's view scope answers 404 like a missing one."""
    export = export_values(
        user=request.user,
        unit_code=ou,
        period_id=pe,
        fmt=format,
        indicator_codes=dx.split(";") if dx else None,
        children=children,
    )
    if export.format == "xlsx":
        response = HttpResponse(b"".join(export.chunks), content_type=export.content_type)
    else:
        response = StreamingHttpResponse(export.chunks, content_type=export.content_type)
    if export.format != "json":
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
