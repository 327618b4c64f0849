"""datavalue_upsert / datavalue_delete: rules, audit, concurrency."""

from datetime import date
from decimal import Decimal

import pytest

from chiso.accounts.access import UnitNotFound
from chiso.core.errors import ChisoError
from chiso.datavalues.models import Channel, DataValue, DataValueAudit, Status
from chiso.datavalues.services import StaleEdit, datavalue_delete, datavalue_upsert


@pytest.fixture
def post(clerk, jobs, combo, tree):
    """``post(value, **overrides)``: upsert the clerk's value for VL, Xã An, 202309."""

    def send(value, **overrides):
        kwargs = {
            "user": clerk,
            "indicator": jobs,
            "option_combo": combo(jobs),
            "orgunit": tree["a"],
            "period": "202309",
            "value": value,
            "channel": Channel.FORM,
        }
        kwargs.update(overrides)
        return datavalue_upsert(**kwargs)

    return send


def audits():
    return list(
        DataValueAudit.objects.order_by("pk").values_list(
            "action",
            "old_value",
            "new_value",
            "old_status",
            "new_status",
            "user__username",
            "channel",
        )
    )


def test_create_stores_the_value_with_its_period_and_one_audit_row(post, clerk):
    result = post("38406")
    assert result.outcome == "created"
    value = DataValue.objects.get()
    assert value == result.datavalue
    assert (value.value, value.text_value, value.status, value.version) == (
        Decimal(38406),
        "",
        "official",
        1,
    )
    assert (value.period, value.period_type, value.period_start, value.period_end) == (
        "202309",
        "month",
        date(2023, 9, 1),
        date(2023, 9, 30),
    )
    assert value.stored_by == clerk
    assert audits() == [("create", "", "38406", "", "official", "can_bo_xa_an", "form")]


def test_update_bumps_the_version_and_audits_old_and_new(post):
    post("38406")
    result = post("38500", status=Status.ESTIMATE, comment="ước tính")
    assert result.outcome == "updated"
    value = DataValue.objects.get()
    assert (value.value, value.status, value.comment, value.version) == (
        Decimal(38500),
        "estimate",
        "ước tính",
        2,
    )
    assert audits()[1] == (
        "update",
        "38406",
        "38500",
        "official",
        "estimate",
        "can_bo_xa_an",
        "form",
    )


def test_reposting_the_same_value_is_ignored_without_a_write(post):
    post("38406", comment="đã rà soát")
    before = DataValue.objects.values_list("version", "updated").get()
    result = post(Decimal("38406.0"), comment="đã rà soát")
    assert result.outcome == "ignored"
    assert DataValue.objects.values_list("version", "updated").get() == before
    assert DataValueAudit.objects.count() == 1


def test_a_comment_or_status_change_alone_is_an_update(post):
    post("5")
    assert post("5", comment="ghi chú").outcome == "updated"
    assert post("5", comment="ghi chú", status="estimate").outcome == "updated"
    assert DataValue.objects.get().version == 3
    assert DataValueAudit.objects.count() == 3


def test_every_change_writes_exactly_one_audit_row(post):
    outcomes = [post(v).outcome for v in ("1", "2", "2", None, None, "3", "3")]
    assert outcomes == ["created", "updated", "ignored", "deleted", "ignored", "created", "ignored"]
    assert [a[:3] for a in audits()] == [
        ("create", "", "1"),
        ("update", "1", "2"),
        ("delete", "2", ""),
        ("create", "", "3"),
    ]
    assert DataValue.objects.get().version == 4


def test_bad_value_is_refused_and_nothing_is_written(post, snapshot):
    before = snapshot()
    with pytest.raises(ChisoError) as caught:
        post("12.5")
    assert caught.value.code == "datavalue.not_integer"
    assert snapshot() == before


def test_text_and_boolean_values(make_indicator, clerk, combo, tree):
    note = make_indicator("GHI_CHU", value_type="text")
    flag = make_indicator("DAT_CHUAN", value_type="boolean", period_type="year")
    common = {"user": clerk, "orgunit": tree["a"], "channel": Channel.API}
    datavalue_upsert(
        indicator=note, option_combo=combo(note), period="202309", value="Hoàn thành", **common
    )
    datavalue_upsert(
        indicator=flag, option_combo=combo(flag), period="2023", value="true", **common
    )
    assert DataValue.objects.get(indicator=note).text_value == "Hoàn thành"
    assert DataValue.objects.get(indicator=note).value is None
    assert DataValue.objects.get(indicator=flag).value == 1
    assert list(DataValueAudit.objects.order_by("pk").values_list("new_value", flat=True)) == [
        "Hoàn thành",
        "true",
    ]


def test_option_combo_must_belong_to_the_indicator(post, make_indicator, combo, snapshot):
    gifts = make_indicator("QUA", options=["HO_NGHEO", "HO_CAN_NGHEO"])
    assert post("3", indicator=gifts, option_combo=combo(gifts, "HO_NGHEO")).outcome == "created"
    before = snapshot()
    with pytest.raises(ChisoError) as caught:
        post("3", option_combo=combo(gifts, "HO_NGHEO"))
    assert str(caught.value) == "Chỉ tiêu 'VL' không có phân tổ mã 'HO_NGHEO'"
    assert snapshot() == before


def test_period_type_must_match_and_the_message_names_both(post, snapshot):
    before = snapshot()
    with pytest.raises(ChisoError) as caught:
        post("38406", period="2023")
    assert str(caught.value) == (
        "Chỉ tiêu 'VL' nhập số liệu theo kỳ tháng, không nhận số liệu kỳ năm (2023)"
    )
    assert snapshot() == before


def test_malformed_period_is_refused(post, snapshot):
    before = snapshot()
    with pytest.raises(ChisoError) as caught:
        post("1", period="202313")
    assert caught.value.code == "period.bad_month"
    assert snapshot() == before


def test_unit_must_be_valid_for_the_whole_period(post, tree, snapshot):
    assert post("1", period="202506").outcome == "created"
    before = snapshot()
    with pytest.raises(ChisoError) as caught:
        post("1", period="202507")
    assert str(caught.value) == (
        "Đơn vị Xã An (mã XA) chỉ có hiệu lực đến 30/06/2025, không nhận số liệu cả tháng 7/2025"
    )
    assert snapshot() == before


def test_a_unit_created_mid_year_cannot_take_a_value_for_the_whole_year(
    make_unit, make_user, make_indicator, combo, snapshot
):
    ward = make_unit("Phường Bình Phước", code="25195", valid_from=date(2025, 7, 1))
    user = make_user("phuong", capture=[ward])
    yearly = make_indicator("HO_NGHEO", period_type="year")
    before = snapshot()
    with pytest.raises(ChisoError) as caught:
        datavalue_upsert(
            user=user,
            indicator=yearly,
            option_combo=combo(yearly),
            orgunit=ward,
            period="2025",
            value="10",
            channel=Channel.FORM,
        )
    assert str(caught.value) == (
        "Đơn vị Phường Bình Phước (mã 25195) chỉ có hiệu lực từ 01/07/2025, không nhận số"
        " liệu cả năm 2025"
    )
    assert snapshot() == before


def test_out_of_capture_scope_is_refused_like_a_missing_unit(post, tree, viewer, snapshot):
    before = snapshot()
    with pytest.raises(UnitNotFound):
        post("1", orgunit=tree["b"])
    with pytest.raises(UnitNotFound):
        post("1", user=viewer)  # view scope does not allow capture
    with pytest.raises(UnitNotFound):
        post("1", orgunit=10**9)
    assert snapshot() == before


def test_capture_scope_includes_the_hamlets_below(post, tree):
    assert post("4", orgunit=tree["a1"]).outcome == "created"


def test_stale_edit_is_refused_naming_who_changed_it_and_when(post, colleague, snapshot):
    loaded = post("100").datavalue.version
    post("120", user=colleague, expected_version=loaded)
    before = snapshot()
    with pytest.raises(StaleEdit) as caught:
        post("110", expected_version=loaded)
    error = caught.value
    assert error.code == "datavalue.stale"
    assert error.params["version"] == 2
    assert error.datavalue.value == Decimal(120)
    message = str(error)
    assert message.startswith("Số liệu này đã được Trần Thị Bình sửa lúc ")
    assert message.endswith("; hãy tải lại để xem số liệu mới rồi nhập lại")
    assert " ngày " in message
    assert snapshot() == before


def test_an_empty_cell_posted_after_someone_created_the_value_is_stale(post, colleague):
    post("120", user=colleague)
    with pytest.raises(StaleEdit):
        post("110", expected_version=0)
    assert DataValue.objects.get().value == Decimal(120)


def test_the_right_version_is_accepted(post):
    post("100")
    assert post("110", expected_version=1).datavalue.version == 2
    assert post(None, expected_version=2).outcome == "deleted"
    assert post("130", expected_version=3).datavalue.version == 4


def test_delete_is_soft_and_audited(post, clerk, jobs, combo, tree):
    post("38406")
    result = datavalue_delete(
        user=clerk,
        indicator=jobs,
        option_combo=combo(jobs),
        orgunit=tree["a"],
        period="202309",
        channel=Channel.FORM,
    )
    assert result.outcome == "deleted"
    value = DataValue.objects.get()
    assert (value.deleted, value.value, value.version) == (True, Decimal(38406), 2)
    assert audits()[-1] == ("delete", "38406", "", "official", "", "can_bo_xa_an", "form")
    again = datavalue_delete(
        user=clerk,
        indicator=jobs,
        option_combo=combo(jobs),
        orgunit=tree["a"],
        period="202309",
        channel=Channel.FORM,
    )
    assert again.outcome == "ignored"
    assert DataValueAudit.objects.count() == 2


def test_reposting_a_deleted_value_undeletes_it(post):
    post("38406")
    post(None)
    result = post("38406")
    assert result.outcome == "created"
    value = DataValue.objects.get()
    assert (value.deleted, value.value, value.version) == (False, Decimal(38406), 3)
    assert audits()[-1][:5] == ("create", "", "38406", "", "official")


def test_deleting_nothing_is_ignored(clerk, jobs, combo, tree):
    result = datavalue_delete(
        user=clerk,
        indicator=jobs,
        option_combo=combo(jobs),
        orgunit=tree["a"],
        period="202309",
        channel=Channel.FORM,
    )
    assert (result.outcome, result.datavalue) == ("ignored", None)
    assert DataValueAudit.objects.count() == 0


def test_delete_outside_scope_is_refused(post, colleague, tree, jobs, combo, make_user, snapshot):
    post("1")
    outsider = make_user("xa_binh", capture=[tree["b"]])
    before = snapshot()
    with pytest.raises(UnitNotFound):
        datavalue_delete(
            user=outsider,
            indicator=jobs,
            option_combo=combo(jobs),
            orgunit=tree["a"],
            period="202309",
            channel=Channel.FORM,
        )
    assert snapshot() == before


def test_status_none_keeps_the_stored_status(post):
    post("1", status=Status.ESTIMATE)
    post("2", status=None)
    assert DataValue.objects.get().status == "estimate"


def test_bad_status_is_refused(post, snapshot):
    before = snapshot()
    with pytest.raises(ChisoError) as caught:
        post("1", status="tạm")
    assert caught.value.code == "datavalue.bad_status"
    assert snapshot() == before
