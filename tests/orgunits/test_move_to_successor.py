"""Moving user scopes and hamlets to a whole successor: the service and the admin action."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from chiso.accounts.models import Role
from chiso.core.errors import ChisoError
from chiso.orgunits.models import OrgUnit, Succession
from chiso.orgunits.selectors import orgunit_get_by_code
from chiso.orgunits.services import orgunit_move_to_successor

UNTIL = date(2025, 6, 30)
REFORM = date(2025, 7, 1)


@pytest.fixture
def reform(make_unit):
    """Two old communes merged whole into a new one; a third split between two new ones."""
    old_p = make_unit("Tỉnh Cũ", tier="tinh", code="P1", valid_to=UNTIL)
    a = make_unit("Xã An", parent=old_p, code="A1", valid_to=UNTIL)
    b = make_unit("Xã Bình", parent=old_p, code="B1", valid_to=UNTIL)
    c = make_unit("Xã Chia", parent=old_p, code="C1", valid_to=UNTIL)
    a1 = make_unit("Ấp 1", tier="thon", parent=a, code="A1-01", uid="A1-01", valid_to=UNTIL)
    a2 = make_unit("Ấp 2", tier="thon", parent=a, code="A1-02", uid="A1-02", valid_to=UNTIL)
    new_p = make_unit("Tỉnh Mới", tier="tinh", code="P2", valid_from=REFORM)
    n = make_unit("Xã An Bình", parent=new_p, code="N1", valid_from=REFORM)
    m = make_unit("Xã Mới Hai", parent=new_p, code="N2", valid_from=REFORM)
    for pred, succ, kind in (
        (a, n, "whole"),
        (b, n, "whole"),
        (c, n, "partial"),
        (c, m, "partial"),
        (old_p, new_p, "whole"),
    ):
        Succession.objects.create(predecessor=pred, successor=succ, kind=kind, effective=REFORM)
    return {"a": a, "b": b, "c": c, "a1": a1, "a2": a2, "n": n, "m": m}


def test_move_scopes_and_hamlets_to_the_whole_successor(reform, make_user):
    a, n = reform["a"], reform["n"]
    officer = make_user("can_bo", capture=[a])
    viewer = make_user("xem", roles=[Role.VIEWER], view=[a])
    hamlet_officer = make_user("truong_ap", capture=[reform["a1"]])
    result = orgunit_move_to_successor(predecessor=a, on=REFORM)
    assert (result.successor, result.users, result.hamlets) == (n, 3, 2)
    assert list(officer.capture_units.all()) == [n]
    assert list(officer.view_units.all()) == [a]  # keeps seeing the old commune's history
    assert sorted(viewer.view_units.values_list("code", flat=True)) == ["A1", "N1"]
    new_a1 = OrgUnit.objects.get(code="A1-01", valid_from=REFORM)
    assert (new_a1.uid, new_a1.name, new_a1.parent, new_a1.valid_to) == ("A1-01", "Ấp 1", n, None)
    assert new_a1.path == f"{n.path}{new_a1.pk}/"
    assert list(hamlet_officer.capture_units.all()) == [new_a1]
    assert orgunit_get_by_code("A1-01", date(2025, 6, 30)) == reform["a1"]
    assert orgunit_get_by_code("A1-01", REFORM) == new_a1
    reform["a1"].refresh_from_db()
    assert reform["a1"].valid_to == UNTIL


def test_moving_again_changes_nothing(reform, make_user):
    make_user("can_bo", capture=[reform["a"]])
    orgunit_move_to_successor(predecessor=reform["a"], on=REFORM)
    count = OrgUnit.objects.count()
    again = orgunit_move_to_successor(predecessor=reform["a"], on=REFORM)
    assert (again.users, again.hamlets) == (0, 0)
    assert OrgUnit.objects.count() == count


def test_a_split_unit_is_not_moved(reform, make_user):
    user = make_user("can_bo", capture=[reform["c"]])
    with pytest.raises(ChisoError) as caught:
        orgunit_move_to_successor(predecessor=reform["c"], on=REFORM)
    assert caught.value.render() == (
        "Xã Chia (mã C1) không có đúng một đơn vị kế thừa toàn bộ; hãy chuyển thủ công"
    )
    assert list(user.capture_units.all()) == [reform["c"]]


def test_the_date_must_fall_in_the_successor_validity(reform):
    with pytest.raises(ChisoError) as caught:
        orgunit_move_to_successor(predecessor=reform["a"], on=date(2025, 6, 1))
    assert caught.value.render() == (
        "Ngày 01/06/2025 nằm ngoài thời gian hiệu lực của Xã An Bình (01/07/2025 – …)"
    )
    assert OrgUnit.objects.filter(parent=reform["n"]).count() == 0


def test_admin_action_asks_for_a_date_then_moves(reform, make_user):
    admin = make_user("admin", roles=[Role.ADMIN], superuser=True)
    officer = make_user("can_bo", capture=[reform["a"]])
    client = Client()
    client.force_login(admin)
    url = "/admin/orgunits/orgunit/"
    selected = [reform["a"].pk, reform["c"].pk]
    page = client.post(url, {"action": "move_to_successor", "_selected_action": selected})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Xã An Bình (N1)" in html
    assert "Không có đúng một đơn vị kế thừa toàn bộ" in html
    assert 'value="2025-07-01"' in html
    assert list(officer.capture_units.all()) == [reform["a"]]  # nothing moved yet
    done = client.post(
        url,
        {
            "action": "move_to_successor",
            "_selected_action": selected,
            "apply": "1",
            "on": "2025-07-01",
            "users": "on",
            "hamlets": "on",
        },
        follow=True,
    )
    assert "Xã An → Xã An Bình: chuyển 1 người dùng, 2 thôn/ấp" in done.content.decode()
    assert list(officer.capture_units.all()) == [reform["n"]]
    assert OrgUnit.objects.filter(parent=reform["n"], tier="thon").count() == 2


def test_admin_search_is_accent_insensitive(reform, make_user):
    client = Client()
    client.force_login(make_user("admin", roles=[Role.ADMIN], superuser=True))
    html = client.get("/admin/orgunits/orgunit/", {"q": "an binh"}).content.decode()
    assert "Xã An Bình" in html and "Xã Bình" not in html.replace("Xã An Bình", "")
