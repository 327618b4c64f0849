"""Scorecards: "đạt X/19 tiêu chí" per commune from stored data and manual assessments, the
commune page with the missing criteria, the manual assessment form and its scope."""

import html

import pytest

from chiso.accounts.access import UnitNotFound
from chiso.validation.models import Assessment, Criterion
from chiso.validation.seeds import NTM_AUTO_CODE, NTM_CODE, scorecards_seed
from chiso.validation.selectors import scorecard_results
from chiso.validation.services import InvalidInput, assessment_set


@pytest.fixture
def cards(catalog):
    scorecards_seed()


@pytest.fixture
def assessed(cards, admin, tree):
    """XA passes every manual criterion but Quy hoạch (1) and Điện (4); XB passes 1 to 10."""
    for card in (NTM_CODE, NTM_AUTO_CODE):
        for criterion in Criterion.objects.filter(scorecard__code=card, expression=""):
            assessment_set(
                user=admin,
                criterion=criterion,
                orgunit=tree["a"],
                period="2023",
                passed=criterion.number not in (1, 4),
                note=f"Quyết định công nhận số {criterion.number}/QĐ-UBND",
            )
            if criterion.number <= 10:
                assessment_set(
                    user=admin,
                    criterion=criterion,
                    orgunit=tree["b"],
                    period="2023",
                    passed=True,
                    note="Biên bản thẩm định",
                )


def summary(results):
    return [
        (r.unit.code, r.passed, r.total, [c.number for c in r.missing], r.meets) for r in results
    ]


def test_manual_criteria_count_per_commune(admin, assessed):
    assert summary(scorecard_results(admin, NTM_CODE, "H1", "2023")) == [
        ("XA", 17, 19, [1, 4], False),
        ("XB", 10, 19, list(range(11, 20)), False),
    ]


def test_automatic_criteria_come_from_stored_data(admin, assessed, store):
    store(
        [
            # XA: 5% poor households (passes ≤ 13%), 96% insured (passes ≥ 95%).
            ("GN_HO_NGHEO", "XA", "2023", 50),
            ("CHUNG_TONG_SO_HO", "XA", "2023", 1000),
            ("YT_BHYT_THAM_GIA", "XA", "2023Q4", 3840),
            ("CHUNG_DAN_SO", "XA", "2023", 4000),
            # XB: 14% poor households (fails), no insurance figure (not passed: no data).
            ("GN_HO_NGHEO", "XB", "2023", 140),
            ("CHUNG_TONG_SO_HO", "XB", "2023", 1000),
        ]
    )
    results = scorecard_results(admin, NTM_AUTO_CODE, "H1", "2023")
    assert summary(results) == [
        ("XA", 17, 19, [1, 4], False),
        ("XB", 10, 19, list(range(11, 20)), False),
    ]
    xb = {c.criterion.number: c.status for c in results[1].criteria}
    assert (xb[11], xb[15]) == ("failed", "unknown")
    # XA reaches 19/19 once Quy hoạch and Điện are assessed as met.
    for number in (1, 4):
        assessment_set(
            user=admin,
            criterion=Criterion.objects.get(scorecard__code=NTM_AUTO_CODE, number=number),
            orgunit="XA",
            period="2023",
            passed=True,
            note="Đã hoàn thành",
        )
    xa = scorecard_results(admin, NTM_AUTO_CODE, "XA", "2023")
    assert summary(xa) == [("XA", 19, 19, [], True)]


def test_at_least_k_criteria(admin, assessed):
    from chiso.validation.models import Scorecard

    Scorecard.objects.filter(code=NTM_CODE).update(min_passed=15)
    assert [r.meets for r in scorecard_results(admin, NTM_CODE, "H1", "2023")] == [True, False]


def test_the_commune_page_lists_the_missing_criteria(clerk, assessed, client_for):
    page = html.unescape(
        client_for(clerk).get(f"/scorecards/{NTM_CODE}/?ou=XA&pe=2023").content.decode()
    )
    assert "Đạt 17/19 tiêu chí" in page
    missing = page.split('id="missing-criteria"')[1].split("</ul>")[0]
    assert "1. Quy hoạch" in missing and "4. Điện" in missing
    assert "Giao thông" not in missing
    assert 'action="/scorecards/NTM_XA_2021_2025/assess/"' in page  # the clerk may assess


def test_the_district_page_shows_x_of_19_per_commune(admin, assessed, client_for):
    page = html.unescape(
        client_for(admin).get(f"/scorecards/{NTM_CODE}/?ou=H1&pe=2023").content.decode()
    )
    assert "đạt 17/19 tiêu chí" in page
    assert "đạt 10/19 tiêu chí" in page


def test_dashboard_block(admin, assessed, client_for):
    page = html.unescape(client_for(admin).get("/dashboard/?ou=H1&pe=2023").content.decode())
    block = page.split(f'data-scorecard="{NTM_CODE}"')[1].split("</details>")[0]
    assert "0/2 xã đạt chuẩn" in block
    assert "đạt 17/19 tiêu chí" in block
    assert "Quy hoạch; Điện" in block


def test_a_commune_officer_assesses_with_evidence(clerk, cards, client_for):
    criterion = Criterion.objects.get(scorecard__code=NTM_CODE, number=2)
    client = client_for(clerk)
    url = f"/scorecards/{NTM_CODE}/assess/"
    data = {"ou": "XA", "pe": "2023", "criterion": criterion.pk, "passed": "1", "note": ""}
    client.post(url, data)
    assert not Assessment.objects.exists()  # passing needs its evidence
    answer = client.post(url, {**data, "note": "Quyết định số 12/QĐ-UBND ngày 05/3/2023"})
    assert answer.status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.passed, assessment.note, assessment.user_id) == (
        True,
        "Quyết định số 12/QĐ-UBND ngày 05/3/2023",
        clerk.pk,
    )
    page = client.get(f"/scorecards/{NTM_CODE}/?ou=XA&pe=2023").content.decode()
    assert "Đạt 1/19 tiêu chí" in html.unescape(page)


def test_another_commune_is_404_and_nothing_changes(other_clerk, assessed, client_for, snapshot):
    criterion = Criterion.objects.get(scorecard__code=NTM_CODE, number=1)
    client = client_for(other_clerk)
    before = snapshot()
    answer = client.post(
        f"/scorecards/{NTM_CODE}/assess/",
        {"ou": "XA", "pe": "2023", "criterion": criterion.pk, "passed": "1", "note": "x"},
    )
    assert answer.status_code == 404
    page = client.get(f"/scorecards/{NTM_CODE}/?ou=XA&pe=2023")
    assert page.status_code == 404
    assert "Quyết định công nhận" not in page.content.decode()
    assert snapshot() == before
    with pytest.raises(UnitNotFound):
        scorecard_results(other_clerk, NTM_CODE, "XA", "2023")


def test_automatic_criteria_cannot_be_assessed_by_hand(admin, cards, tree):
    criterion = Criterion.objects.get(scorecard__code=NTM_AUTO_CODE, number=11)
    with pytest.raises(InvalidInput) as caught:
        assessment_set(
            user=admin, criterion=criterion, orgunit=tree["a"], period="2023", passed=True, note="x"
        )
    assert caught.value.errors == {"criterion": "Tiêu chí này được tính tự động từ số liệu"}
