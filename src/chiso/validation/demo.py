"""The validation part of the demo: seeds, a few more demo figures, demo assessments.

``validation_demo_load`` (called once by ``chiso demo``):

1. seeds the computed indicators, the generated rules and the new-rural scorecards
   (``seeds.validation_seed``);
2. stores invented 2023 commune figures for what the computed indicators and the example
   scorecard read and the Bình Phước demo of ``chiso.datavalues.demo`` does not hold: population
   and households, poor and near-poor households, health insurance (2023Q4), vaccination
   (target population by age group, first doses in March, second doses in May) and
   administrative dossiers by month (received = settled + pending, settled = on time +
   overdue, so the generated rules hold). Only keys without a stored value are written (a
   register or a person may have written them first); weights come from
   ``chiso.datavalues.demo.weight`` (deterministic), so a second load changes nothing;
3. records demo manual assessments of the new-rural criteria for the communes of Huyện Lộc
   Ninh (note "Minh chứng minh họa (dữ liệu mẫu)"), about three in four passing.

These figures are invented for the demo, like every split below the province in the demo.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.db import transaction

from chiso.datavalues.demo import DAY, PROVINCE, apportion, weight
from chiso.datavalues.models import Channel, DataValue, Status
from chiso.datavalues.services import datavalue_bulk_upsert
from chiso.datavalues.types import SUCCESS, ValueInput
from chiso.indicators.models import Indicator
from chiso.orgunits.models import OrgUnit, Tier
from chiso.orgunits.selectors import orgunit_valid_on
from chiso.orgunits.services import DEMO_DISTRICT as LOC_NINH_DISTRICT  # Huyện Lộc Ninh
from chiso.validation.models import Assessment, Criterion
from chiso.validation.seeds import validation_seed

logger = logging.getLogger("chiso.demo")

__all__ = ["validation_demo_load"]

POPULATION_2023 = 1_024_000
DEMO_NOTE = "Minh chứng minh họa (dữ liệu mẫu)"
_AGES = (("TU_18_TUOI", 70), ("TU_12_DEN_17_TUOI", 9), ("TU_5_DEN_DUOI_12_TUOI", 11))


def _items(communes: list[OrgUnit]) -> list[ValueInput]:
    items: list[ValueInput] = []

    def add(indicator, unit, period, value, combo=None):
        items.append(
            ValueInput(
                index=len(items) + 1,
                indicator_code=indicator,
                option_combo_code=combo,
                orgunit_code=unit,
                period_id=period,
                value=str(value),
                status=Status.OFFICIAL,
            )
        )

    people = apportion(POPULATION_2023, [weight("dan_so", c.code) for c in communes])
    for commune, population in zip(communes, people, strict=True):
        code = commune.code
        households = population * 10 // 38
        add("CHUNG_DAN_SO", code, "2023", population)
        add("CHUNG_TONG_SO_HO", code, "2023", households)
        add("GN_HO_NGHEO", code, "2023", households * (2 + weight("ngheo", code) % 40) // 1000)
        add("GN_HO_CAN_NGHEO", code, "2023", households * (5 + weight("can", code) % 45) // 1000)
        insured = population * (880 + weight("bhyt", code) % 115) // 1000
        add("YT_BHYT_THAM_GIA", code, "2023Q4", insured)
        for age, percent in _AGES:
            target = population * percent // 100
            add("YT_TIEM_CHUNG_DOI_TUONG", code, "2023", target, age)
            first = target * (950 + weight("mui1", code, age) % 51) // 1000
            second = first * (920 + weight("mui2", code, age) % 70) // 1000
            add("YT_TIEM_CHUNG_MUI", code, "202303", first, f"{age}_MUI_1")
            add("YT_TIEM_CHUNG_MUI", code, "202305", second, f"{age}_MUI_2")
        for month in range(1, 13):
            period = f"2023{month:02d}"
            received = 20 + weight("hs", code, month) % 80
            pending = weight("dang", code, month) % 6
            settled = received - pending
            overdue = min(settled, weight("qua_han", code, month) % 4)
            add("CCHC_HS_TIEP_NHAN", code, period, received)
            add("CCHC_HS_DA_GIAI_QUYET", code, period, settled)
            add("CCHC_HS_DANG_GIAI_QUYET", code, period, pending)
            add("CCHC_HS_DUNG_HAN", code, period, settled - overdue)
            add("CCHC_HS_QUA_HAN", code, period, overdue)
    return items


def _missing_only(items: list[ValueInput]) -> list[ValueInput]:
    """The items whose (indicator, unit, period) has no live value yet."""
    codes = {i.indicator_code for i in items}
    stored = set(
        DataValue.objects.filter(
            indicator__code__in=codes, deleted=False, period_start__year=2023
        ).values_list("indicator__code", "orgunit__code", "period")
    )
    return [i for i in items if (i.indicator_code, i.orgunit_code, i.period_id) not in stored]


def _assessments(user, communes: list[OrgUnit]) -> int:
    criteria = list(Criterion.objects.filter(scorecard__tier=Tier.COMMUNE, expression=""))
    existing = set(
        Assessment.objects.filter(criterion__in=criteria, period="2023").values_list(
            "criterion_id", "orgunit_id"
        )
    )
    new = [
        Assessment(
            criterion=criterion,
            orgunit=commune,
            period="2023",
            passed=weight("ntm", commune.code, criterion.number) % 100 < 75,
            note=DEMO_NOTE,
            user=user,
        )
        for commune in communes
        for criterion in criteria
        if (criterion.pk, commune.pk) not in existing
    ]
    Assessment.objects.bulk_create(new)
    return len(new)


def validation_demo_load(user=None) -> dict[str, int]:
    """Seed and load the validation demo (idempotent); counts of what was created."""
    counts = validation_seed()
    province = OrgUnit.objects.filter(orgunit_valid_on(DAY), code=PROVINCE).first()
    if province is None or not Indicator.objects.filter(code="CHUNG_DAN_SO").exists():
        return counts
    if user is None:
        user = (
            get_user_model()
            .objects.filter(is_superuser=True, is_active=True)
            .order_by("pk")
            .first()
        )
        if user is None:
            return counts
    communes = list(
        OrgUnit.objects.filter(
            orgunit_valid_on(DAY), tier=Tier.COMMUNE, path__startswith=province.path
        ).order_by("code")
    )
    known = set(Indicator.objects.values_list("code", flat=True))
    items = [i for i in _missing_only(_items(communes)) if i.indicator_code in known]
    items = [ValueInput(**{**i.__dict__, "index": n}) for n, i in enumerate(items, start=1)]
    with transaction.atomic():
        result = datavalue_bulk_upsert(user=user, items=items, channel=Channel.DEMO)
        if result.status != SUCCESS:
            transaction.set_rollback(True)
            logger.warning("validation demo values not loaded: %s", result.conflicts[:1])
        else:
            counts["values"] = result.imported + result.updated
        district = OrgUnit.objects.filter(
            orgunit_valid_on(DAY), code=LOC_NINH_DISTRICT, tier=Tier.DISTRICT
        ).first()
        if district is not None:
            counts["assessments"] = _assessments(
                user, [c for c in communes if c.parent_id == district.pk]
            )
    logger.info("validation demo: %s", counts)
    return counts
