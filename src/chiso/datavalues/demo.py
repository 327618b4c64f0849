"""Demo figures for Tỉnh Bình Phước (code 70, the version before 1 July 2025), 2022 and 2023.

Written through the services (``datavalue_bulk_upsert`` with channel ``DEMO``, ``target_set``)
so the demo goes through the same checks and audit as real data. Everything is deterministic
(weights come from a SHA-256 of the unit code and indicator, never from a random generator) and
idempotent: a second load re-posts the same values, which the service ignores.

Province totals are split exactly: a total is apportioned over the communes by largest
remainder on seeded weights, then each commune's share over the months the same way, so the
2023 province aggregates equal the facts of the published report (DESIGN.md section 6,
``reference/bao-cao-dan-van-binh-phuoc-2023.txt``):

========================  ======================================  =========  ==============
indicator                 2023 (province)                         level      period
========================  ======================================  =========  ==============
VL_VIEC_LAM_MOI           38.406 (target 40.000: 96,0%; 2022      commune    months
                          36.929: +4,0%)
VL_LAO_DONG_NGOAI_TINH    5.982                                   commune    months
VL_TU_VAN                 12.353                                  commune    months
VL_BH_THAT_NGHIEP         9.511                                   commune    months
VL_LAM_VIEC_NUOC_NGOAI    130                                     commune    months
VL_DAO_TAO_NGHE           6.387                                   commune    months
VL_DAO_TAO_LAI            7.639                                   commune    months
ASXH_QUA_SO_LUONG         NGUOI_CO_CONG 50.897 (Tết + 27/7),      commune    01, 07 / 01
                          BAO_TRO_XA_HOI 49.617 (Tết)
ASXH_QUA_GIA_TRI          400.000 đ and 500.000 đ a gift:         commune    as the gifts
                          20.358.800.000 đ ("trên 20 tỷ") and
                          24.808.500.000 đ ("trên 24 tỷ")
ASXH_GAO_NHAN_KHAU        29.664 people                           commune    01
ASXH_GAO_KG               444.960 kg (15 kg a person, exactly)    commune    01
NCC_HAI_COT_LIET_SI       164                                     province   03, 07, 10
VL_TY_LE_QUA_DAO_TAO      64,5% (an estimate: "ước đạt")          province   2023
CCHC_DVC_KET_NOI          1.468 (rank 4 of 63)                    province   2023Q4
CCHC_DVC_TOAN_TRINH       1.076 (73,3% of 1.468)                  province   2023Q4
CCHC_DVC_MOT_PHAN         392 (26,7% of 1.468) — see below        province   2023Q4
CCHC_PCI/PAR/SIPAS rank   2022: 43, 39, 56 of 63; 2021: 50, 49,   province   2021, 2022
                          62 (the "+7", "+10", "+6" steps)
DV_NHOM_NHIEM_VU, ..._VU  11 task groups, 93 tasks (36/CTr-UBND)  province   2023
TTCS_LOA_THON             843 hamlets                             hamlet*    2023
TTCS_LOA_XA, CHUNG_SO_XA  111 communes                            commune    2023
CHUNG_SO_THON             843 hamlets                             commune    2023
TTCS_LOA_CUM              1.639 clusters                          hamlet*    2023
TTCS_LOA_SO_LOA           3.807 speakers                          hamlet*    2023
========================  ======================================  =========  ==============

(*) at the hamlets of the communes that have hamlets loaded (the generated demo hamlets of
Huyện Lộc Ninh), at the commune elsewhere: every hamlet has at least one cluster and every
cluster at least one speaker; the communes with hamlets report their actual number of hamlets
and the other communes share the rest of the 843.

Targets for 2023, at the province and split over the 11 district-level units (the district
targets add up to the province's): jobs 40.000 (attributed to Chương trình số 36/CTr-UBND
ngày 03/02/2023, which carries the year's socio-economic plan — the report gives only "đạt 96%
kế hoạch năm", so 40.000 is the round plan that gives 96,0%); and the ethnic-minority targets
of Kế hoạch số 42/KH-UBND ngày 10/02/2023: ≥ 1.000 poor ethnic-minority households fewer,
land for 48 households, housing for 629 (431 new, 198 repaired), job change for 1.300,
scattered water for 1.310, 04 piped-water works.

Where the demo departs from the report, and why:

- Public services: the report says 1.468 connected, 1.076 fully online (73,3%) and 396 partly
  online (26,7%), but 1.076 + 396 = 1.472 and 396 / 1.468 = 27,0%. The demo keeps 1.468,
  1.076 and both percentages and stores 392 partly online (1.076 + 392 = 1.468, 392 / 1.468 =
  26,7%): one figure changed instead of three, and the checker can point at "396".
- 2022 values other than jobs (36.929, implied by "+4%") and the 2021 ranks are not in the
  report: they are invented demo figures (``_TOTALS_2022``), as are the gift prices, the
  months, and every split below the province. Facts the report does not quantify (the results
  of Kế hoạch 42, the nutrition target "100%", the 13,8% disbursement rate without its amounts)
  are not stored.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import OuterRef, Subquery

from chiso.core.periods import Period
from chiso.datavalues.models import Channel, DataValue, DataValueAudit, Status
from chiso.datavalues.services import datavalue_bulk_upsert, target_set
from chiso.datavalues.types import SUCCESS, ValueInput
from chiso.indicators.models import DEFAULT_CODE, CategoryOptionCombo, Indicator
from chiso.orgunits.models import OrgUnit, Tier
from chiso.orgunits.selectors import orgunit_valid_on

logger = logging.getLogger("chiso.demo")

PROVINCE = "70"  # Tỉnh Bình Phước, until 30/06/2025
DAY = date(2023, 12, 31)
YEARS = (2022, 2023)

JOBS = "VL_VIEC_LAM_MOI"
GIFTS = "ASXH_QUA_SO_LUONG"
GIFT_VALUE = "ASXH_QUA_GIA_TRI"
MERITORIOUS = "NGUOI_CO_CONG"
SOCIAL_PROTECTION = "BAO_TRO_XA_HOI"
GIFT_PRICE = {MERITORIOUS: 400_000, SOCIAL_PROTECTION: 500_000}  # đồng a gift (demo)
RICE_KG, RICE_PEOPLE = "ASXH_GAO_KG", "ASXH_GAO_NHAN_KHAU"
RICE_PER_PERSON = 15  # kg: 444.960 / 29.664 exactly
KH42 = "Kế hoạch số 42/KH-UBND ngày 10/02/2023"
CTR36 = "Chương trình số 36/CTr-UBND ngày 03/02/2023"

ALL_MONTHS = tuple(range(1, 13))

# Commune-level monthly flows: the 2023 province totals are the report's.
_TOTALS_2023 = {
    JOBS: 38406,
    "VL_LAO_DONG_NGOAI_TINH": 5982,
    "VL_TU_VAN": 12353,
    "VL_BH_THAT_NGHIEP": 9511,
    "VL_LAM_VIEC_NUOC_NGOAI": 130,
    "VL_DAO_TAO_NGHE": 6387,
    "VL_DAO_TAO_LAI": 7639,
}
# 2022: jobs from "+4%" (38.406 / 36.929 = 1,039996: +4,0%); the rest invented.
_TOTALS_2022 = {
    JOBS: 36929,
    "VL_LAO_DONG_NGOAI_TINH": 5715,
    "VL_TU_VAN": 11986,
    "VL_BH_THAT_NGHIEP": 9104,
    "VL_LAM_VIEC_NUOC_NGOAI": 112,
    "VL_DAO_TAO_NGHE": 6210,
    "VL_DAO_TAO_LAI": 7302,
}
# Gifts by beneficiary group: (total, months).
_GIFTS = {
    2023: {MERITORIOUS: (50897, (1, 7)), SOCIAL_PROTECTION: (49617, (1,))},
    2022: {MERITORIOUS: (49870, (1, 7)), SOCIAL_PROTECTION: (48236, (1,))},
}
_RICE_PEOPLE = {2023: 29664, 2022: 28950}

# Province-level figures: (indicator, period, value, status).
_PROVINCE_VALUES: list[tuple[str, str, str, str]] = [
    ("NCC_HAI_COT_LIET_SI", "202303", "52", Status.OFFICIAL),
    ("NCC_HAI_COT_LIET_SI", "202307", "61", Status.OFFICIAL),
    ("NCC_HAI_COT_LIET_SI", "202310", "51", Status.OFFICIAL),
    ("VL_TY_LE_QUA_DAO_TAO", "2023", "64.5", Status.ESTIMATE),
    ("CCHC_DVC_KET_NOI", "2023Q4", "1468", Status.OFFICIAL),
    ("CCHC_DVC_TOAN_TRINH", "2023Q4", "1076", Status.OFFICIAL),
    ("CCHC_DVC_MOT_PHAN", "2023Q4", "392", Status.OFFICIAL),
    ("CCHC_DVC_KET_NOI_XEP_HANG", "2023Q4", "4", Status.OFFICIAL),
    ("CCHC_TONG_SO_TINH", "2023", "63", Status.OFFICIAL),
    ("CCHC_TONG_SO_TINH", "2022", "63", Status.OFFICIAL),
    ("CCHC_TONG_SO_TINH", "2021", "63", Status.OFFICIAL),
    ("CCHC_PCI_XEP_HANG", "2022", "43", Status.OFFICIAL),
    ("CCHC_PCI_XEP_HANG", "2021", "50", Status.OFFICIAL),
    ("CCHC_PAR_INDEX_XEP_HANG", "2022", "39", Status.OFFICIAL),
    ("CCHC_PAR_INDEX_XEP_HANG", "2021", "49", Status.OFFICIAL),
    ("CCHC_SIPAS_XEP_HANG", "2022", "56", Status.OFFICIAL),
    ("CCHC_SIPAS_XEP_HANG", "2021", "62", Status.OFFICIAL),
    ("DV_NHOM_NHIEM_VU", "2023", "11", Status.OFFICIAL),
    ("DV_NHIEM_VU", "2023", "93", Status.OFFICIAL),
]

HAMLETS, COMMUNES, CLUSTERS, SPEAKERS = 843, 111, 1639, 3807

# Province targets for 2023: (indicator, option combo or None, value, document).
_TARGETS: list[tuple[str, str | None, int, str]] = [
    (JOBS, None, 40000, CTR36),
    ("GN_HO_NGHEO_DTTS_GIAM", None, 1000, KH42),
    ("DTTS_DAT_O", None, 48, KH42),
    ("DTTS_NHA_O", "XAY_MOI", 431, KH42),
    ("DTTS_NHA_O", "SUA_CHUA", 198, KH42),
    ("DTTS_CHUYEN_DOI_NGHE", None, 1300, KH42),
    ("DTTS_NUOC_PHAN_TAN", None, 1310, KH42),
    ("DTTS_NUOC_TAP_TRUNG", None, 4, KH42),
]


@dataclass
class DemoValuesResult:
    """What ``demo_values_load`` did; ``skipped`` says why nothing was loaded."""

    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0
    targets: int = 0
    skipped: str = ""
    conflicts: list = field(default_factory=list)


def apportion(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` into integers that add up to it exactly
    (largest remainder; ties go to the earlier weight)."""
    whole = sum(weights)
    if total == 0 or not weights:
        return [0] * len(weights)
    if whole <= 0:
        raise ValueError("weights must add up to a positive number")
    quotas = [total * w for w in weights]
    shares = [q // whole for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] % whole), i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def weight(*parts: object) -> int:
    """A deterministic weight from 500 to 1499 for ``parts`` (a seeded 'random' number)."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()
    return 500 + int(digest[:8], 16) % 1000


@dataclass
class _Tree:
    province: OrgUnit
    districts: list[OrgUnit]
    communes: list[OrgUnit]  # in code order
    hamlets: dict[int, list[OrgUnit]]  # commune pk -> its hamlets, in code order


def _tree() -> _Tree | None:
    valid = orgunit_valid_on(DAY)
    province = OrgUnit.objects.filter(valid, code=PROVINCE, tier=Tier.PROVINCE).first()
    if province is None:
        return None
    under = OrgUnit.objects.filter(valid, path__startswith=province.path)
    districts = list(under.filter(tier=Tier.DISTRICT).order_by("code"))
    communes = list(under.filter(tier=Tier.COMMUNE).order_by("code"))
    hamlets: dict[int, list[OrgUnit]] = {}
    for hamlet in under.filter(tier=Tier.HAMLET).order_by("code"):
        hamlets.setdefault(hamlet.parent_id, []).append(hamlet)
    return _Tree(province, districts, communes, hamlets)


def _item(
    items: list[ValueInput],
    indicator: str,
    unit: str,
    period: str,
    value,
    *,
    combo: str | None = None,
    status: str | None = Status.OFFICIAL,
    delete: bool = False,
) -> None:
    items.append(
        ValueInput(
            index=len(items) + 1,
            indicator_code=indicator,
            option_combo_code=combo,
            orgunit_code=unit,
            period_id=period,
            value="" if delete else str(value),
            status=status,
            delete=delete,
        )
    )


def _monthly(
    items, indicator, communes, year, total, months=ALL_MONTHS, *, combo=None, scale=1, also=None
):
    """Apportion ``total`` over the communes, then each share over ``months``; zero shares
    are not stored. ``scale`` multiplies the stored value (gift prices); ``also`` = (indicator,
    factor) stores a second, proportional indicator (rice kg for rice people)."""
    shares = apportion(total, [weight(indicator, combo, c.code) for c in communes])
    for commune, share in zip(communes, shares, strict=True):
        by_month = apportion(
            share, [weight(indicator, combo, commune.code, year, m) for m in months]
        )
        for month, value in zip(months, by_month, strict=True):
            if value:
                period = f"{year}{month:02d}"
                _item(items, indicator, commune.code, period, value * scale, combo=combo)
                if also:
                    _item(items, also[0], commune.code, period, value * also[1], combo=combo)


def _loudspeakers(items: list[ValueInput], tree: _Tree) -> None:
    """Hamlets, communes, clusters and speakers for 2023 (see the module docstring)."""
    period = "2023"
    communes = tree.communes
    fixed = {c.pk: len(tree.hamlets.get(c.pk, ())) for c in communes}
    free = [c for c in communes if not fixed[c.pk]]
    spread = apportion(HAMLETS - sum(fixed.values()), [weight("thon", c.code) for c in free])
    hamlet_count = {**fixed, **{c.pk: n for c, n in zip(free, spread, strict=True)}}
    per_commune_extra = apportion(
        CLUSTERS - HAMLETS, [weight("cum", c.code) * hamlet_count[c.pk] for c in communes]
    )
    clusters = {
        c.pk: hamlet_count[c.pk] + extra
        for c, extra in zip(communes, per_commune_extra, strict=True)
    }
    speaker_extra = apportion(
        SPEAKERS - CLUSTERS, [weight("loa", c.code) * clusters[c.pk] for c in communes]
    )
    speakers = {
        c.pk: clusters[c.pk] + extra for c, extra in zip(communes, speaker_extra, strict=True)
    }
    for commune in communes:
        code = commune.code
        _item(items, "CHUNG_SO_XA", code, period, 1)
        _item(items, "TTCS_LOA_XA", code, period, 1)
        _item(items, "CHUNG_SO_THON", code, period, hamlet_count[commune.pk])
        hamlets = tree.hamlets.get(commune.pk)
        if not hamlets:
            _item(items, "TTCS_LOA_THON", code, period, hamlet_count[commune.pk])
            _item(items, "TTCS_LOA_CUM", code, period, clusters[commune.pk])
            _item(items, "TTCS_LOA_SO_LOA", code, period, speakers[commune.pk])
            continue
        # At the hamlets; a commune-level value from an earlier load (before the hamlets
        # existed) is deleted so nothing is counted twice.
        for indicator in ("TTCS_LOA_THON", "TTCS_LOA_CUM", "TTCS_LOA_SO_LOA"):
            _item(items, indicator, code, period, None, status=None, delete=True)
        n = len(hamlets)
        cluster_split = [
            1 + extra
            for extra in apportion(
                clusters[commune.pk] - n, [weight("cum", h.code) for h in hamlets]
            )
        ]
        speaker_split = [
            c + extra
            for c, extra in zip(
                cluster_split,
                apportion(
                    speakers[commune.pk] - clusters[commune.pk],
                    [
                        weight("loa", h.code) * c
                        for h, c in zip(hamlets, cluster_split, strict=True)
                    ],
                ),
                strict=True,
            )
        ]
        for hamlet, cl, sp in zip(hamlets, cluster_split, speaker_split, strict=True):
            _item(items, "TTCS_LOA_THON", hamlet.code, period, 1)
            _item(items, "TTCS_LOA_CUM", hamlet.code, period, cl)
            _item(items, "TTCS_LOA_SO_LOA", hamlet.code, period, sp)


def _demo_values(tree: _Tree) -> list[ValueInput]:
    """Every demo value for ``tree``, as import rows."""
    items: list[ValueInput] = []
    communes = tree.communes
    for year, totals in ((2022, _TOTALS_2022), (2023, _TOTALS_2023)):
        for indicator, total in totals.items():
            _monthly(items, indicator, communes, year, total)
        for group, (total, months) in _GIFTS[year].items():
            _monthly(items, GIFTS, communes, year, total, months, combo=group)
            _monthly(
                items,
                GIFT_VALUE,
                communes,
                year,
                total,
                months,
                combo=group,
                scale=GIFT_PRICE[group],
            )
        _monthly(
            items,
            RICE_PEOPLE,
            communes,
            year,
            _RICE_PEOPLE[year],
            (1,),
            also=(RICE_KG, RICE_PER_PERSON),
        )
    for indicator, period, value, status in _PROVINCE_VALUES:
        _item(items, indicator, tree.province.code, period, value, status=status)
    _loudspeakers(items, tree)
    return items


def _district_weights(tree: _Tree, indicator: str) -> list[int]:
    """A district's share of a province target: the seeded weights of its communes for the
    indicator (the weights its values are split by), give or take 10%."""
    weights = []
    for district in tree.districts:
        communes = sum(
            weight(indicator, None, c.code) for c in tree.communes if c.parent_id == district.pk
        )
        weights.append(communes * (90 + weight("kh", indicator, district.code) % 21))
    return weights if any(weights) else [1] * len(tree.districts)


def _demo_targets(user, tree: _Tree) -> int:
    """Province targets and their split over the district-level units (seeded weights)."""
    indicators = Indicator.objects.in_bulk([t[0] for t in _TARGETS], field_name="code")
    combos = {
        (oc.category_combo_id, oc.code): oc
        for oc in CategoryOptionCombo.objects.filter(
            category_combo__in=[i.category_combo_id for i in indicators.values()]
        )
    }
    written = 0
    year = Period.parse("2023")
    totals: dict[tuple[str, int], int] = {}
    for code, combo_code, value, document in _TARGETS:
        indicator = indicators.get(code)
        if indicator is None:
            continue
        combo = combos[(indicator.category_combo_id, combo_code)] if combo_code else None
        shares = apportion(value, _district_weights(tree, code))
        for unit, amount in [(tree.province, value), *zip(tree.districts, shares, strict=True)]:
            target_set(
                user=user,
                indicator=indicator,
                orgunit=unit,
                period=year,
                value=Decimal(amount),
                option_combo=combo,
                document=document,
            )
            written += 1
            if combo is not None:
                totals[(code, unit.pk)] = totals.get((code, unit.pk), 0) + amount
    # A disaggregated plan also gets its total (629 houses = 431 new + 198 repaired).
    for (code, unit_pk), amount in totals.items():
        target_set(
            user=user,
            indicator=indicators[code],
            orgunit=unit_pk,
            period=year,
            value=Decimal(amount),
            document=KH42,
        )
        written += 1
    return written


def demo_value_items() -> list[ValueInput]:
    """Every demo value as import rows (empty when Bình Phước is not loaded): the household
    register demo (``chiso.registers.demo``) builds its lists to these figures."""
    tree = _tree()
    return _demo_values(tree) if tree is not None else []


def _without_register_keys(items: list[ValueInput]) -> list[ValueInput]:
    """Leave out the keys whose stored value the household register wrote last (channel
    ``register``): the register owns them, the demo does not overwrite them."""
    written = DataValueAudit.objects.filter(channel=Channel.REGISTER).values("datavalue")
    last = (
        DataValueAudit.objects.filter(datavalue=OuterRef("pk"))
        .order_by("-at", "-pk")
        .values("channel")[:1]
    )
    owned = set(
        DataValue.objects.filter(pk__in=written, deleted=False)
        .annotate(last=Subquery(last))
        .filter(last=Channel.REGISTER)
        .values_list("indicator__code", "option_combo__code", "orgunit__code", "period")
    )
    if not owned:
        return items
    return [
        i
        for i in items
        if (i.indicator_code, i.option_combo_code or DEFAULT_CODE, i.orgunit_code, i.period_id)
        not in owned
    ]


def demo_values_load(user=None) -> DemoValuesResult:
    """Load (or refresh) the Bình Phước demo values and targets; idempotent. ``user``: who
    writes them (default: the first superuser). Needs the units and the catalog loaded."""
    tree = _tree()
    if tree is None:
        logger.info("demo values: unit %s (Bình Phước) not loaded, skipped", PROVINCE)
        return DemoValuesResult(skipped="units")
    if not Indicator.objects.filter(code=JOBS).exists():
        logger.info("demo values: indicator catalog not loaded, skipped")
        return DemoValuesResult(skipped="catalog")
    if user is None:
        user = (
            get_user_model()
            .objects.filter(is_superuser=True, is_active=True)
            .order_by("pk")
            .first()
        )
        if user is None:
            logger.info("demo values: no superuser to write them, skipped")
            return DemoValuesResult(skipped="user")
    items = _demo_values(tree)
    known = set(Indicator.objects.values_list("code", flat=True))
    missing = sorted({i.indicator_code for i in items} - known)
    if missing:  # the catalog moved on: load the rest, say what was left out
        logger.warning("demo values: indicators not in the catalog, left out: %s", missing)
        items = [i for i in items if i.indicator_code in known]
    items = _without_register_keys(items)
    with transaction.atomic():
        result = datavalue_bulk_upsert(user=user, items=items, channel=Channel.DEMO)
        outcome = DemoValuesResult(
            imported=result.imported,
            updated=result.updated,
            ignored=result.ignored,
            deleted=result.deleted,
            conflicts=result.conflicts,
        )
        if result.status != SUCCESS:
            transaction.set_rollback(True)
            logger.warning(
                "demo values: not loaded, %s conflicts (first: %s)",
                len(result.conflicts),
                result.conflicts[:1],
            )
            return outcome
        outcome.targets = _demo_targets(user, tree)
    logger.info(
        "demo values: %s imported, %s updated, %s deleted, %s unchanged, %s targets",
        outcome.imported,
        outcome.updated,
        outcome.deleted,
        outcome.ignored,
        outcome.targets,
    )
    return outcome
