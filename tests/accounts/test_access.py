import pytest

from chiso.accounts.access import Action, UnitNotFound, can, require_unit, units_in_scope
from chiso.accounts.models import Role


def codes(qs):
    return sorted(qs.values_list("code", flat=True))


def test_capture_scope_is_the_subtree_of_capture_units(tree, make_user):
    user = make_user("xa_an", capture=[tree["a"]])
    assert codes(units_in_scope(user, Action.CAPTURE)) == ["XA", "XA-1"]
    assert codes(units_in_scope(user, Action.VIEW)) == ["XA", "XA-1"]


def test_view_scope_adds_view_units_without_capture(tree, make_user):
    user = make_user("huyen", roles=[Role.VIEWER], view=[tree["district"]], capture=[tree["a"]])
    assert codes(units_in_scope(user, Action.VIEW)) == ["H1", "XA", "XA-1", "XB", "XB-1"]
    assert codes(units_in_scope(user, Action.CAPTURE)) == ["XA", "XA-1"]


def test_superuser_and_admin_group_see_everything(tree, make_user):
    root = make_user("root", superuser=True)
    admin = make_user("qt", roles=[Role.ADMIN])
    assert units_in_scope(root, Action.CAPTURE).count() == 6
    assert units_in_scope(admin, Action.CAPTURE).count() == 6


def test_user_without_scope_sees_nothing(tree, make_user):
    user = make_user("none")
    assert codes(units_in_scope(user, Action.VIEW)) == []


def test_out_of_scope_is_indistinguishable_from_missing(tree, make_user):
    user = make_user("xa_an", capture=[tree["a"]])
    assert require_unit(user, tree["a1"], Action.CAPTURE) == tree["a1"]
    with pytest.raises(UnitNotFound):
        require_unit(user, tree["b"], Action.VIEW)
    with pytest.raises(UnitNotFound):
        require_unit(user, 10**9, Action.VIEW)
    assert can(user, tree["district"], Action.VIEW) is False


def test_inactive_user_has_no_scope(tree, make_user):
    user = make_user("xa_an", capture=[tree["a"]])
    user.is_active = False
    user.save()
    assert codes(units_in_scope(user, Action.VIEW)) == []
