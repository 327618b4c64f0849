"""CSRF: every POST of the route table, made with a logged-in session but without the token,
is refused (403) and writes nothing; the same POSTs with the token pass the check (the route
walk); scripts with a bearer token need no token (the route walk)."""

from __future__ import annotations

import pytest
from django.test import Client

from .test_route_walk import EXPECTED, _fill, _fill_path, _state, all_routes

POST_ROUTES = sorted(route for route, entry in EXPECTED.items() if entry.post is not None)


def test_post_routes_are_those_of_the_table():
    present = {route for route, _ in all_routes()}
    assert POST_ROUTES and set(POST_ROUTES) <= present


@pytest.mark.parametrize("role", ["commune_a", "province_admin"])
def test_session_posts_without_csrf_token_are_refused(full_world, role):
    client = Client(enforce_csrf_checks=True)
    client.force_login(full_world.users[role])
    values = {**_fill(full_world.own, 12), "admin_objects": {}}
    failures = []
    for route in POST_ROUTES:
        entry = EXPECTED[route]
        url = _fill_path(route, entry, values)
        data, content_type = entry.body(full_world.own, 12)
        before = _state()
        if content_type:
            response = client.post(url, data=data, content_type=content_type)
        else:
            response = client.post(url, data=data)
        if response.status_code != 403:
            failures.append(f"POST {url}: {response.status_code}, expected 403")
        if _state() != before:
            failures.append(f"POST {url}: wrote without a CSRF token")
    assert not failures, "\n".join(failures)


def test_login_form_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "commune_a", "password": "x" * 12})
    assert response.status_code == 403


def test_csrf_token_of_another_session_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["commune_a"])
    client.get("/check/")
    mine = client.cookies["csrftoken"].value
    before = _state()
    response = client.post(
        "/entry/cell/",
        {"ou": "XA", "pe": "202311", "i": "VL_VIEC_LAM_MOI", "c": "default", "value": "1"},
        HTTP_X_CSRFTOKEN=("b" if mine[0] == "a" else "a") * len(mine),
    )
    assert response.status_code == 403
    assert _state() == before
