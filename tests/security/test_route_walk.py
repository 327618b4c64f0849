"""Access proof: every URL route and every API operation, for every role and scope.

``EXPECTED`` says, for each route of ``django.urls.get_resolver()`` (web pages, the admin, the
API), which status each *access category* gets, per method. A route that is not in the table
fails ``test_every_route_is_in_the_table``, naming it: a new route needs an entry here.

The walk fills path and query parameters with real objects of the fixture world
(``conftest.py``). A route marked ``scoped`` is walked twice: with the objects of the own
commune (Xã An) and of the forbidden commune (Xã Cấm, in another district). Each role's
access category follows from the target:

| role           | own commune | forbidden commune |
|----------------|-------------|-------------------|
| anonymous      | anon        | anon              |
| commune_b      | out         | out               |
| commune_a      | capture     | out               |
| district       | view        | out               |
| province_admin | admin       | admin             |

Every response (a DOCX or XLSX unpacked) is checked for the exact status, for the absence of
the forbidden commune's ``MARKER`` (anyone but ``province_admin``) and of the own commune's
``OWN_MARKER`` (``anonymous`` and ``commune_b``), for a Content-Security-Policy header, and
every POST for nothing written unless the category may write there. Session POSTs carry the CSRF
token (the clients enforce CSRF checks; ``test_csrf.py`` posts without it). API operations
are walked with the session and with each user's bearer token.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from chiso.api.urls import api

from .conftest import GROUP, INDICATOR, MARKERS, OWN_MARKER, ROLES

ANON, OUT, VIEW, CAPTURE, ADMIN = "anon", "out", "view", "capture", "admin"
CATEGORIES = (ANON, OUT, VIEW, CAPTURE, ADMIN)


def S(anon, out, view, capture, admin) -> dict[str, frozenset[int]]:
    """Expected status per category; a set where more than one is right."""

    def one(value):
        return frozenset(value) if isinstance(value, set | frozenset) else frozenset([value])

    return dict(zip(CATEGORIES, map(one, (anon, out, view, capture, admin)), strict=True))


def same(status, anon=302) -> dict:
    """Any logged-in user gets ``status`` (the page is not about one unit's data)."""
    return S(anon, status, status, status, status)


# Shorthands. Web pages send an anonymous visitor to the login page (302); the API answers
# 401. "Missing" and "forbidden" answer alike (404).
PAGE = same(200)
SCOPED_VIEW = S(302, 404, 200, 200, 200)
SCOPED_CAPTURE = S(302, 404, 404, 200, 200)
API_PAGE = same(200, anon=401)
API_SCOPED_VIEW = S(401, 404, 200, 200, 200)
ADMIN_ONLY = S(302, 302, 302, 302, {200, 403})
NOT_ALLOWED = same(405, anon=405)
PUBLIC = same(200, anon=200)
EDITORS = S(302, 403, 403, 403, 200)  # provincial administrators only
# A district's programme: its communes' officers see it too (each only their own hand-overs).
DISTRICT_OBJECT = same(200)

WRITERS = frozenset({CAPTURE, ADMIN})


@dataclass(frozen=True)
class Route:
    """How to call one route and what each category gets.

    ``get``/``post``: expected statuses per category (None: the method is not walked).
    ``query``: the GET query string, a template over the target (``{ou}``, ``{unit_pk}``, …).
    ``path``: path parameter → template. ``body``: builds the POST (data, content_type) from
    the target and the role's month (each role writes its own period, so versions never
    clash). ``scoped``: walked for the own and the forbidden target. ``writes``: the
    categories whose POST may change data. ``api``: also walked with bearer tokens.
    ``fresh_session``: called with a session of its own (logging out ends it).
    ``get_forbidden``/``post_forbidden``: the statuses for the forbidden target when they
    differ from the own target's by more than the categories say (an object of the district,
    which the other commune's officer may see too).
    """

    get: dict | None = None
    post: dict | None = None
    query: str = ""
    path: dict[str, str] = field(default_factory=dict)
    body: Callable | None = None
    scoped: bool = False
    writes: frozenset[str] = frozenset()
    api: bool = False
    fresh_session: bool = False
    get_forbidden: dict | None = None
    post_forbidden: dict | None = None


def _form(**fields):
    return lambda target, month: (
        {k: v.format(**_fill(target, month)) for k, v in fields.items()},
        None,
    )


def _json(document):
    def build(target, month):
        text = json.dumps(document)
        for key, value in _fill(target, month).items():
            text = text.replace("{" + key + "}", str(value))
        return text, "application/json"

    return build


def _values_file(target, month):
    document = {
        "dataValues": [
            {
                "dataElement": INDICATOR,
                "period": f"2023{month:02d}",
                "orgUnit": target.ou,
                "value": "21",
            }
        ]
    }
    upload = io.BytesIO(json.dumps(document).encode())
    upload.name = "values.json"
    return {"file": upload}, None


def _fill(target, month: int) -> dict[str, object]:
    return {
        "ou": target.ou,
        "unit_pk": target.unit_pk,
        "hamlet": target.hamlet,
        "hamlet_pk": target.hamlet_pk,
        "district": target.district,
        "month": f"{month:02d}",
        "indicator": INDICATOR,
        "group": GROUP,
        **target.objects,
    }


EXPECTED: dict[str, Route] = {
    # --- web: pages shared by everyone ---------------------------------------------------------
    "": Route(get=PAGE),
    "login/": Route(get=S(200, 302, 302, 302, 302)),
    "logout/": Route(get=NOT_ALLOWED, post=same(302, anon=302), body=_form(), fresh_session=True),
    "i18n/setlang/": Route(
        get=same(302, anon=302), post=same(302, anon=302), body=_form(language="vi", next="/")
    ),
    "indicators/": Route(get=PAGE),
    "indicators/<str:code>/": Route(get=PAGE, path={"code": "{indicator}"}),
    "units/": Route(get=PAGE, query="q=bi+mat&on="),
    "units/<int:pk>/": Route(get=SCOPED_VIEW, path={"pk": "{unit_pk}"}, scoped=True),
    "pickers/units/": Route(get=PAGE, query="q=bi+mat&for=dashboard&pe=2023"),
    # --- web: entry, dashboard, exchange, checker --------------------------------------------
    "entry/": Route(get=SCOPED_CAPTURE, query="ou={ou}&pe=202301&group={group}", scoped=True),
    "entry/cell/": Route(
        get=NOT_ALLOWED,
        post=SCOPED_CAPTURE,
        body=_form(ou="{ou}", pe="2023{month}", i="{indicator}", c="default", value="5", ver="0"),
        scoped=True,
        writes=WRITERS,
    ),
    "dashboard/": Route(get=SCOPED_VIEW, query="ou={ou}&pe=2023", scoped=True),
    "check/": Route(
        get=PAGE,
        post=SCOPED_VIEW,
        body=_form(text="Tổng 3 xã: 1 + 2 = 4 hộ.", unit="{ou}", period="2023"),
        scoped=True,
    ),
    "data/upload/": Route(
        get=PAGE, post=S(302, 200, 200, 200, 200), body=_values_file, scoped=True, writes=WRITERS
    ),
    "data/template/": Route(
        get=S(302, 400, 200, 200, 200), query="ou={ou}&group={group}&year=2023", scoped=True
    ),
    # --- web: approvals and audit (issue 9) ---------------------------------------------------
    "approvals/": Route(get=SCOPED_VIEW, query="ou={ou}&pe=202301&group={group}", scoped=True),
    "approvals/act/": Route(
        get=NOT_ALLOWED,
        post=S(302, 404, 404, 302, 302),
        body=_form(action="submit", ou="{ou}", pe="2023{month}", group="{group}"),
        scoped=True,
        writes=WRITERS,
    ),
    "approvals/summary/": Route(get=SCOPED_VIEW, query="ou={ou}&pe=202301", scoped=True),
    "audit/": Route(get=PAGE, query="ou={ou}", scoped=True),
    # --- web: registers of households and programmes ------------------------------------------
    "registers/": Route(get=PAGE, query="q=tran+thi"),
    "registers/<int:pk>/": Route(get=SCOPED_VIEW, path={"pk": "{household}"}, scoped=True),
    "registers/export/": Route(
        get=NOT_ALLOWED,
        post=PAGE,
        body=_form(q="", hamlet="{hamlet_pk}", kind="", reason="Kiểm tra truy cập"),
        scoped=True,
    ),
    "registers/programmes/": Route(get=PAGE),
    "registers/programmes/<int:pk>/": Route(
        get=DISTRICT_OBJECT,
        get_forbidden=SCOPED_VIEW,
        post=same(400),  # the form is empty: refused, nothing written
        post_forbidden=S(302, 404, 404, 404, 400),
        path={"pk": "{programme}"},
        body=_form(household="", item="", date="", by=""),
        scoped=True,
    ),
    "registers/programmes/<int:pk>/export/": Route(
        get=DISTRICT_OBJECT,
        get_forbidden=SCOPED_VIEW,
        post=DISTRICT_OBJECT,
        post_forbidden=SCOPED_VIEW,
        path={"pk": "{programme}"},
        body=_form(format="docx", unit="", reason="Kiểm tra truy cập"),
        scoped=True,
    ),
    "registers/import/": Route(get=PAGE, post=same(400), body=_form(commune="{unit_pk}")),
    "registers/import/<int:pk>/": Route(
        get=S(302, 404, 404, 200, 404),
        post=S(302, 404, 404, 200, 404),
        path={"pk": "{batch}"},
        body=_form(partial=""),
        writes=WRITERS,
    ),
    "registers/import/template/": Route(get=PAGE),
    # --- web: validation rules, computed indicators, scorecards --------------------------------
    "validation/": Route(get=SCOPED_VIEW, query="ou={ou}&pe=2023", scoped=True),
    "validation/run/": Route(
        get=NOT_ALLOWED,
        post=S(302, 404, 302, 302, 302),
        body=_form(ou="{ou}", pe="2023"),
        scoped=True,
        writes=frozenset({VIEW, CAPTURE, ADMIN}),
    ),
    "validation/rules/": Route(get=PAGE),
    "validation/rules/new/": Route(
        get=S(302, 403, 403, 403, 200), post=S(302, 403, 403, 403, 422), body=_form(code="")
    ),
    "validation/rules/preview/": Route(
        get=NOT_ALLOWED,
        post=SCOPED_VIEW,
        body=_form(preview_ou="{ou}", preview_pe="2023"),
        scoped=True,
    ),
    "validation/rules/<str:code>/": Route(
        get=PAGE, post=S(302, 403, 403, 403, 422), path={"code": "{rule}"}, body=_form(code="")
    ),
    "validation/computed/": Route(get=PAGE),
    "validation/computed/new/": Route(
        get=S(302, 403, 403, 403, 200), post=S(302, 403, 403, 403, 422), body=_form(code="")
    ),
    "validation/computed/preview/": Route(
        get=NOT_ALLOWED,
        post=SCOPED_VIEW,
        body=_form(preview_ou="{ou}", preview_pe="2023"),
        scoped=True,
    ),
    "validation/computed/<str:code>/": Route(
        get=PAGE,
        post=S(302, 403, 403, 403, 422),
        path={"code": "{computed}"},
        body=_form(code=""),
    ),
    "validation/expression/check/": Route(
        get=PAGE, post=PAGE, body=_form(text="#{{{indicator}}} + 1", kind="number")
    ),
    "scorecards/<str:code>/": Route(
        get=SCOPED_VIEW, path={"code": "{scorecard}"}, query="ou={ou}&pe=2023", scoped=True
    ),
    "scorecards/<str:code>/assess/": Route(
        get=NOT_ALLOWED,
        post=S(302, 404, 404, 302, 302),
        path={"code": "{scorecard}"},
        body=_form(ou="{ou}", pe="2023", criterion="{criterion}", passed="1", note=""),
        scoped=True,
        writes=WRITERS,
    ),
    # --- web: reports ------------------------------------------------------------------------
    "reports/": Route(get=SCOPED_VIEW, query="ou={ou}&pe=2023", scoped=True),
    "reports/preview/": Route(get=SCOPED_VIEW, query="ou={ou}&pe=2023", scoped=True),
    "reports/download/": Route(get=SCOPED_VIEW, query="ou={ou}&pe=2023&format=docx", scoped=True),
    "reports/templates/": Route(get=EDITORS),
    "reports/templates/<int:pk>/": Route(
        get=EDITORS,
        post=S(302, 403, 403, 403, 200),
        path={"pk": "{template}"},
        body=_form(action="preview"),
    ),
    "reports/templates/<int:pk>/history/": Route(get=EDITORS, path={"pk": "{template}"}),
    "reports/templates/<int:pk>/restore/": Route(
        get=NOT_ALLOWED,
        post=S(302, 403, 403, 403, 302),
        path={"pk": "{template}"},
        body=_form(),
        writes=frozenset({ADMIN}),
    ),
    # --- API ---------------------------------------------------------------------------------
    "api/": Route(get=same(404, anon=404)),
    "api/openapi.json": Route(get=PUBLIC),
    "api/docs": Route(get=PUBLIC),
    "api/me": Route(get=API_PAGE, api=True),
    "api/orgUnits": Route(get=API_PAGE, query="on=2023-06-30", api=True),
    "api/orgUnits/<code>": Route(get=API_SCOPED_VIEW, path={"code": "{ou}"}, scoped=True, api=True),
    "api/analytics": Route(
        get=API_SCOPED_VIEW, query="dx={indicator}&ou={ou}&pe=2023", scoped=True, api=True
    ),
    "api/dataValueSets": Route(
        get=API_SCOPED_VIEW,
        query="ou={ou}&pe=2023",
        post=S({401, 403}, 409, 409, 200, 200),
        body=_json(
            {
                "dataValues": [
                    {
                        "dataElement": "{indicator}",
                        "period": "2023{month}",
                        "orgUnit": "{ou}",
                        "value": "17",
                    }
                ]
            }
        ),
        scoped=True,
        writes=WRITERS,
        api=True,
    ),
    "api/check": Route(
        post=S({401, 403}, 404, 200, 200, 200),
        body=_json({"text": "Tổng: 1 + 2 = 4 hộ.", "unit": "{ou}", "period": "2023"}),
        scoped=True,
        api=True,
    ),
    "api/approvals": Route(
        get=API_SCOPED_VIEW, query="ou={ou}&pe=202301&group={group}", scoped=True, api=True
    ),
    "api/approvals/<action>": Route(
        post=S({401, 403}, 404, 404, 200, 200),
        path={"action": "submit"},
        body=_json({"ou": "{ou}", "pe": "2023{month}", "group": "{group}"}),
        scoped=True,
        writes=WRITERS,
        api=True,
    ),
    "api/reports": Route(get=API_SCOPED_VIEW, query="ou={ou}&pe=2023", scoped=True, api=True),
    "api/reports/docx": Route(get=API_SCOPED_VIEW, query="ou={ou}&pe=2023", scoped=True, api=True),
}

# The admin site guards every page of every registered model itself (staff only): one rule
# for all of them, each still walked with a real object.
ADMIN_MODEL_ROUTE = re.compile(
    r"^admin/(?P<app>\w+)/(?P<model>\w+)/"
    r"(add/|<path:object_id>/(history/|delete/|change/)?)?$"
)
ADMIN_ROUTES: dict[str, Route] = {
    "admin/": Route(get=ADMIN_ONLY),
    "admin/login/": Route(get=S(200, 200, 200, 200, 302)),
    "admin/logout/": Route(get=S(302, 302, 302, 302, 405)),
    "admin/password_change/": Route(get=ADMIN_ONLY),
    "admin/password_change/done/": Route(get=ADMIN_ONLY),
    "admin/autocomplete/": Route(get=S(302, 302, 302, 302, 403)),
    "admin/jsi18n/": Route(get=ADMIN_ONLY),
    "admin/r/<path:content_type_id>/<path:object_id>/": Route(
        get=S(302, 302, 302, 302, 404), path={"content_type_id": "1", "object_id": "1"}
    ),
    "admin/accounts/user/<id>/password/": Route(get=ADMIN_ONLY, path={"id": "{user_pk}"}),
    "admin/(?P<url>.*)$": Route(get=S(302, 302, 302, 302, 404), path={"url": "khong-co/"}),
}
ADMIN_APP_LIST = re.compile(r"^admin/\^\(\?P<app_label>[\w|]+\)/\$$")


def route_entry(route: str, admin_objects: dict | None = None) -> Route | None:
    """The table's entry for ``route``. For the admin's model pages, ``admin_objects`` (model
    name → primary key or None) tells whether the page is about an existing object: the admin
    redirects (302) from a missing one, and from the bare object URL to its change page."""
    if route in EXPECTED:
        return EXPECTED[route]
    if route in ADMIN_ROUTES:
        return ADMIN_ROUTES[route]
    model_route = ADMIN_MODEL_ROUTE.match(route)
    if model_route and "<path:object_id>" in route and admin_objects is not None:
        if route.endswith("<path:object_id>/"):
            return Route(get=S(302, 302, 302, 302, 302))
        if admin_objects.get(model_route["model"]) is None:
            # A missing object: redirect, or 403 first where the admin forbids the page.
            return Route(get=S(302, 302, 302, 302, {302, 403}))
    if model_route or ADMIN_APP_LIST.match(route):
        return Route(get=ADMIN_ONLY)
    return None


# --- the resolver ------------------------------------------------------------------------------


def all_routes() -> list[tuple[str, URLPattern]]:
    """(route text, pattern) for every URL pattern, nested includes joined, each once."""
    found: dict[str, URLPattern] = {}

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                found.setdefault(prefix + str(pattern.pattern), pattern)

    walk(get_resolver().url_patterns, "")
    return list(found.items())


def test_every_route_is_in_the_table():
    missing = [route for route, _ in all_routes() if route_entry(route) is None]
    assert not missing, (
        "routes without an entry in EXPECTED (tests/security/test_route_walk.py): "
        + ", ".join(repr(r) for r in missing)
    )


def test_no_stale_entries_in_the_table():
    present = {route for route, _ in all_routes()}
    stale = sorted((set(EXPECTED) | set(ADMIN_ROUTES)) - present)
    assert not stale, f"EXPECTED names routes that no longer exist: {stale}"


def test_every_api_operation_is_walked():
    """Each (path, method) of the OpenAPI schema has its method in the table."""
    schema = api.get_openapi_schema()
    gaps = []
    for path, operations in schema["paths"].items():
        route = re.sub(r"\{(\w+)\}", r"<\1>", path).strip("/")
        entry = EXPECTED.get(route)
        for method in operations:
            if entry is None or getattr(entry, method, None) is None or not entry.api:
                gaps.append(f"{method.upper()} {path}")
    assert not gaps, f"API operations not walked: {gaps}"


# --- the walk ----------------------------------------------------------------------------------


def section(route: str) -> str:
    if route.startswith("api/"):
        return "api"
    return "admin" if route.startswith("admin/") else "web"


def category(role: str, target_name: str) -> str:
    if role == "anonymous":
        return ANON
    if role == "province_admin":
        return ADMIN
    if target_name == "forbidden":
        return OUT
    return {"commune_b": OUT, "commune_a": CAPTURE, "district": VIEW}[role]


def _fill_path(route: str, entry: Route, values: dict) -> str:
    url = route
    for name, template in entry.path.items():
        value = template.format(**values)
        url = url.replace(f"(?P<{name}>.*)$", value)
        url = re.sub(rf"<(\w+:)?{name}>", value, url)
    admin_model = ADMIN_MODEL_ROUTE.match(route)
    if admin_model and "<path:object_id>" in url:
        pk = values["admin_objects"][admin_model["model"]]
        url = url.replace("<path:object_id>", str(pk if pk is not None else 999999))
    app_list = ADMIN_APP_LIST.match(route)
    if app_list:
        url = "admin/accounts/"
    assert "<" not in url and "(" not in url, f"unfilled parameter in {route!r}: {url!r}"
    return "/" + url


def _admin_objects() -> dict[str, object]:
    """A real primary key for every model the admin shows (a fresh one is made if none)."""
    from django.contrib import admin as django_admin

    objects = {}
    for model in django_admin.site._registry:
        first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        objects[model._meta.model_name] = first
    return objects


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _text(content: bytes) -> str:
    """The response as text; a DOCX or XLSX (a ZIP) is unpacked, so its text counts too."""
    if content[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                content = b"\n".join(archive.read(name) for name in archive.namelist())
        except zipfile.BadZipFile:
            pass
    return content.decode("utf-8", errors="replace")


def _state() -> list:
    """Every row of the data a request could change (not sessions, logins or tokens)."""
    rows = []
    labels = (
        "orgunits",
        "indicators",
        "datavalues",
        "approvals",
        "registers",
        "validation",
        "reports",
    )
    for label in labels:
        if not apps.is_installed(f"chiso.{label}"):
            continue
        for model in apps.get_app_config(label).get_models():
            if model._meta.model_name == "exportlog":
                continue
            rows.append(list(model._default_manager.order_by("pk").values_list()))
    return rows


class Walker:
    def __init__(self, world):
        self.world = world
        self.failures: list[str] = []
        self.seen_marker_as_admin = 0
        self.seen_own_marker = 0
        self.sessions = {role: self.session(role) for role in ROLES}
        self.months = {role: 3 + index for index, role in enumerate(ROLES)}
        self.admin_objects = _admin_objects()

    def session(self, role: str) -> Client:
        """A client logged in as ``role`` (CSRF enforced) holding a CSRF cookie."""
        client = Client(enforce_csrf_checks=True)
        user = self.world.users[role]
        if user is not None:
            client.force_login(user)
        client.get("/login/")  # sets the CSRF cookie (anonymous) …
        client.get("/check/")  # … or renders a form that does (logged in)
        return client

    def values(self, target) -> dict:
        return {
            **_fill(target, 1),
            "user_pk": self.world.users["commune_a"].pk,
            "admin_objects": self.admin_objects,
        }

    def request(self, role, method, url, query, body, bearer: bool, fresh: bool):
        headers = {}
        if bearer:
            client = Client(enforce_csrf_checks=True)
            token = self.world.tokens.get(role)
            if token:
                headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        else:
            client = self.session(role) if fresh else self.sessions[role]
            if method == "post" and "csrftoken" in client.cookies:
                headers["HTTP_X_CSRFTOKEN"] = client.cookies["csrftoken"].value
        if method == "get":
            return client.get(url + (f"?{query}" if query else ""), **headers)
        data, content_type = body
        if content_type:
            return client.post(url, data=data, content_type=content_type, **headers)
        return client.post(url, data=data, **headers)

    def check(self, route: str, entry: Route, method: str, target, role: str, bearer: bool):
        expected = getattr(entry, method)
        if target.name == "forbidden" and getattr(entry, f"{method}_forbidden"):
            expected = getattr(entry, f"{method}_forbidden")
        cat = category(role, target.name)
        values = self.values(target)
        url = _fill_path(route, entry, values)
        query = entry.query.format(**values) if method == "get" else ""
        month = self.months[role] + (5 if bearer else 0)  # months 3–7, bearer 8–12
        body = entry.body(target, month) if method == "post" else None
        before = _state() if method == "post" and cat not in entry.writes else None
        response = self.request(role, method, url, query, body, bearer, entry.fresh_session)
        where = (
            f"{method.upper()} {url}{'?' + query if query else ''} as {role}"
            f"{' (bearer)' if bearer else ''} [{cat}, {target.name} target]"
        )
        if response.status_code not in expected[cat]:
            self.failures.append(
                f"{where}: status {response.status_code}, expected {sorted(expected[cat])}"
            )
        text = _text(_body(response))
        found = [m for m in MARKERS if m in text]
        if role == "province_admin":
            self.seen_marker_as_admin += bool(found)
        elif found:
            self.failures.append(f"{where}: shows the forbidden commune's data {found}")
        if role in ("anonymous", "commune_b") and OWN_MARKER in text:
            self.failures.append(f"{where}: shows the data of Xã An to an outsider")
        if role in ("commune_a", "district"):
            self.seen_own_marker += OWN_MARKER in text
        if not url.startswith("/api/docs") and "Content-Security-Policy" not in response:
            self.failures.append(f"{where}: no Content-Security-Policy header")
        if before is not None and _state() != before:
            self.failures.append(f"{where}: changed data it may not change")

    def walk(self, routes):
        for route, _pattern in routes:
            entry = route_entry(route, self.admin_objects)
            if entry is None:
                continue  # reported by test_every_route_is_in_the_table
            targets = [self.world.own, self.world.forbidden] if entry.scoped else [self.world.own]
            for method in ("get", "post"):
                if getattr(entry, method) is None:
                    continue
                for target in targets:
                    for role in ROLES:
                        self.check(route, entry, method, target, role, bearer=False)
                        if entry.api:
                            self.check(route, entry, method, target, role, bearer=True)


def _failures(walker) -> str:
    shown = walker.failures[:60]
    more = len(walker.failures) - len(shown)
    return "\n".join(shown) + (f"\n… and {more} more" if more > 0 else "")


@pytest.mark.parametrize("part", ["web", "api", "admin"])
def test_walk_every_route_as_every_role(full_world, part):
    world = full_world
    routes = [(route, pattern) for route, pattern in all_routes() if section(route) == part]
    assert routes
    walker = Walker(world)
    walker.walk(routes)
    assert not walker.failures, _failures(walker)
    if part != "admin":
        # The markers are really there: those who may see them do, somewhere.
        assert walker.seen_marker_as_admin > 0
        assert walker.seen_own_marker > 0
