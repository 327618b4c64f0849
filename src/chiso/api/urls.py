"""The API object and its routers."""

from django.utils.translation import gettext as _
from ninja import NinjaAPI

from chiso.accounts.access import UnitNotFound
from chiso.api.auth import AUTH
from chiso.api.routers import analytics, approvals, check, datavaluesets, me, orgunits, reports
from chiso.common.errors import error_message
from chiso.core.errors import ChisoError

api = NinjaAPI(title="chiso API", version="1", auth=AUTH, urls_namespace="api")
api.add_router("/", me.router)
api.add_router("/orgUnits", orgunits.router)
api.add_router("/analytics", analytics.router)
api.add_router("/dataValueSets", datavaluesets.router)
api.add_router("/check", check.router)
api.add_router("/approvals", approvals.router)
api.add_router("/reports", reports.router)


@api.exception_handler(UnitNotFound)
def unit_not_found(request, exc):
    return api.create_response(request, {"detail": _("Không tìm thấy đơn vị.")}, status=404)


@api.exception_handler(ChisoError)
def chiso_error(request, exc: ChisoError):
    return api.create_response(
        request, {"detail": error_message(exc), "code": exc.code}, status=400
    )
