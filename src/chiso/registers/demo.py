"""The household-register demo for the communes of Huyện Lộc Ninh (Bình Phước), 2023.

Generated, clearly labelled demo data (``is_demo``; the hamlets say "(dữ liệu mẫu)", the
programmes too): households with generated Vietnamese names, members, classifications (with
Decree 07/2021 survey inputs for the poor and near-poor), and three programmes of 2023:

- Quà Tết Quý Mão 2023, by beneficiary group: 400.000 đ for families of people with
  meritorious service, 500.000 đ for social-protection beneficiaries (January);
- Quà Ngày Thương binh - Liệt sĩ 27/7/2023 for families of people with meritorious service
  (July);
- Hỗ trợ gạo dịp Tết 2023: 15 kg a person for poor households (January).

Each Lộc Ninh commune gets exactly as many hand-overs (and rice persons) as the Bình Phước
demo figures give it (``chiso.datavalues.demo``), so the province totals stay the report's
(50.897 and 49.617 gifts, 29.664 persons and 444.960 kg of rice); the register then writes the
commune totals through ``register_values_refresh`` (channel ``register``), and the Lộc Ninh
dashboard's gift and rice figures come from the register and match its lists.

Deterministic (seeded by SHA-256 of codes, no random generator) and idempotent: a second load
finds the programmes and only refreshes the values.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from chiso.core.poverty import DEPRIVATIONS, PovertyClass, classify
from chiso.core.text import fold
from chiso.datavalues.demo import GIFT_PRICE, MERITORIOUS, SOCIAL_PROTECTION, demo_value_items
from chiso.orgunits.models import OrgUnit, Tier
from chiso.orgunits.selectors import orgunit_valid_on
from chiso.registers.feed import register_values_refresh
from chiso.registers.models import (
    Area,
    Classification,
    ClassKind,
    Distribution,
    Household,
    ItemKind,
    Member,
    PovertySurvey,
    Programme,
    ProgrammeItem,
    Relation,
    Residence,
    Sex,
)

logger = logging.getLogger("chiso.demo")

DISTRICT = "692"  # Huyện Lộc Ninh, Tỉnh Bình Phước (before 1 July 2025)
PROVINCE = "70"
DAY = date(2023, 12, 31)
YEAR = 2023
SINCE = date(2022, 1, 1)
DEMO = "(dữ liệu mẫu)"
DECISION = "Quyết định số 3125/QĐ-UBND ngày 28/12/2022"  # demo document

TET = f"Quà Tết Quý Mão 2023 {DEMO}"
JULY = f"Quà Ngày Thương binh - Liệt sĩ 27/7/2023 {DEMO}"
RICE = f"Hỗ trợ gạo dịp Tết 2023 {DEMO}"
RICE_PER_PERSON = 15

FAMILY = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
)
ETHNIC_FAMILY = {"Xtiêng": ("Điểu", "Thị", "Lâm"), "Khmer": ("Danh", "Thạch", "Lâm")}
MIDDLE_MALE = ("Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Ngọc")
MIDDLE_FEMALE = ("Thị", "Ngọc", "Thanh", "Thu", "Kim", "Mỹ", "Thúy", "Bích")
GIVEN_MALE = ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Minh", "Nam",
              "Phúc", "Quang", "Sơn", "Tài", "Thắng", "Tuấn", "Việt", "Vinh")  # fmt: skip
GIVEN_FEMALE = ("Anh", "Bích", "Chi", "Dung", "Giang", "Hạnh", "Hoa", "Hương", "Lan", "Liên",
                "Mai", "Nga", "Nhung", "Oanh", "Phượng", "Thảo", "Trang", "Yến")  # fmt: skip


def _seed(*parts: object) -> int:
    return int(hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:12], 16)


def _pick(options, *parts):
    return options[_seed(*parts) % len(options)]


def _name(sex: str, ethnicity: str, *parts) -> str:
    family = _pick(ETHNIC_FAMILY.get(ethnicity, FAMILY), "ho", *parts)
    if sex == Sex.FEMALE:
        return f"{family} {_pick(MIDDLE_FEMALE, 'dem', *parts)} {_pick(GIVEN_FEMALE, *parts)}"
    return f"{family} {_pick(MIDDLE_MALE, 'dem', *parts)} {_pick(GIVEN_MALE, *parts)}"


@dataclass
class _Targets:
    tet_meritorious: int = 0
    tet_social: int = 0
    july_meritorious: int = 0
    rice_people: int = 0


@dataclass
class RegisterDemoResult:
    households: int = 0
    members: int = 0
    distributions: int = 0
    values: dict = field(default_factory=dict)
    skipped: str = ""


def _targets(communes: list[OrgUnit]) -> dict[str, _Targets]:
    """What the Bình Phước demo figures give each Lộc Ninh commune in 2023."""
    codes = {c.code for c in communes}
    targets = {code: _Targets() for code in codes}
    for item in demo_value_items():
        if item.orgunit_code not in codes or not item.period_id.startswith(str(YEAR)):
            continue
        t = targets[item.orgunit_code]
        value = int(item.value) if item.value else 0
        if item.indicator_code == "ASXH_QUA_SO_LUONG":
            if item.option_combo_code == MERITORIOUS and item.period_id == f"{YEAR}01":
                t.tet_meritorious += value
            elif item.option_combo_code == MERITORIOUS and item.period_id == f"{YEAR}07":
                t.july_meritorious += value
            elif item.option_combo_code == SOCIAL_PROTECTION and item.period_id == f"{YEAR}01":
                t.tet_social += value
        elif item.indicator_code == "ASXH_GAO_NHAN_KHAU" and item.period_id == f"{YEAR}01":
            t.rice_people += value
    return targets


def _sizes(total: int, *parts) -> list[int]:
    """Household sizes (1–6 persons) adding up to ``total`` exactly."""
    sizes: list[int] = []
    while sum(sizes) < total:
        sizes.append(min(1 + _seed("co", len(sizes), *parts) % 6, total - sum(sizes)))
    return sizes


class _Builder:
    """Collects rows for bulk inserts (the demo writes thousands of rows at once)."""

    def __init__(self, user, commune: OrgUnit, hamlets: list[OrgUnit], serial_start: int):
        self.user = user
        self.commune = commune
        self.hamlets = hamlets
        self.number = 0
        self.serial = serial_start
        self.households: list[Household] = []
        self.members: list[list[Member]] = []
        self.classes: list[list[tuple[str, PovertySurvey | None]]] = []
        self.people: list[int] = []

    def household(self, kinds: list[str], size: int, *, elderly=False) -> int:
        self.number += 1
        code = f"{self.commune.code}-{self.number:05d}"
        hamlet = self.hamlets[_seed("ap", code) % len(self.hamlets)]
        ethnic = _seed("dt", code) % 5 == 0
        ethnicity = _pick(("Xtiêng", "Khmer"), "dtk", code) if ethnic else "Kinh"
        sex = Sex.FEMALE if _seed("gt", code) % 3 == 0 else Sex.MALE
        head_year = 1930 + _seed("ns", code) % 25 if elderly else 1950 + _seed("ns", code) % 45
        head = _name(sex, ethnicity, code)
        address = f"Tổ {1 + _seed('to', code) % 8}"
        self.households.append(
            Household(
                code=code,
                head_name=head,
                search_name=fold(f"{head} {address}"),
                address=address,
                hamlet=hamlet,
                area=Area.RURAL,
                is_demo=True,
                created_by=self.user,
            )
        )
        self.serial += 1
        century = (0 if head_year < 2000 else 2) + (1 if sex == Sex.FEMALE else 0)
        members = [
            Member(
                full_name=head,
                search_name=fold(head),
                birth_year=head_year,
                sex=sex,
                ethnicity=ethnicity,
                relation=Relation.HEAD,
                citizen_id=f"070{century}{head_year % 100:02d}{self.serial:06d}",
            )
        ]
        for i in range(1, size):
            m_sex = Sex.FEMALE if _seed("gtm", code, i) % 2 else Sex.MALE
            relation = Relation.SPOUSE if i == 1 else Relation.CHILD
            year = head_year + (
                _seed("nsv", code) % 5 if i == 1 else 20 + _seed("nsc", code, i) % 15
            )
            family = head.split()[0]
            name = _name(m_sex, ethnicity, code, i)
            if relation == Relation.CHILD:
                name = f"{family} {' '.join(name.split()[1:])}"
            members.append(
                Member(
                    full_name=name,
                    search_name=fold(name),
                    birth_year=min(year, 2022),
                    sex=m_sex,
                    ethnicity=ethnicity,
                    relation=relation,
                )
            )
        self.members.append(members)
        rows: list[tuple[str, PovertySurvey | None]] = [(k, None) for k in kinds]
        if ethnic:
            rows.append((ClassKind.ETHNIC_MINORITY, None))
        self.classes.append(rows)
        self.people.append(size)
        return len(self.households) - 1

    def survey(self, index: int, cls: PovertyClass) -> PovertySurvey:
        """Decree 07/2021 inputs that give ``cls`` (rural)."""
        code = self.households[index].code
        lacking = list(DEPRIVATIONS)
        start = _seed("th", code) % 9
        count = 3 + _seed("sl", code) % 3 if cls is PovertyClass.POOR else _seed("sl", code) % 3
        chosen = [lacking[(start + k) % 12] for k in range(count)]
        income = Decimal(900_000 + (_seed("tn", code) % 60) * 10_000)
        result = classify(income, chosen, Area.RURAL)
        assert result.cls is cls
        return PovertySurvey(
            year=2022,
            surveyed_on=date(2022, 11, 15),
            area=Area.RURAL,
            income_per_capita=income,
            deprivations=list(result.deprivations),
            result=result.cls.value,
            created_by=self.user,
        )


def _save(builder: _Builder) -> list[Household]:
    Household.objects.bulk_create(builder.households, batch_size=2000)
    ordered = builder.households
    if any(h.pk is None for h in ordered):  # a database without RETURNING
        by_code = Household.objects.select_related("hamlet").in_bulk(
            [h.code for h in ordered], field_name="code"
        )
        ordered = [by_code[h.code] for h in ordered]
    members, residences, classes, surveys = [], [], [], []
    for household, rows, kinds in zip(ordered, builder.members, builder.classes, strict=True):
        residences.append(
            Residence(
                household=household,
                hamlet=household.hamlet,
                address=household.address,
                valid_from=SINCE,
            )
        )
        for m in rows:
            m.household = household
            members.append(m)
        for kind, survey in kinds:
            if survey is not None:
                survey.household = household
                surveys.append(survey)
            classes.append((household, kind, survey))
    Residence.objects.bulk_create(residences, batch_size=2000)
    Member.objects.bulk_create(members, batch_size=2000)
    PovertySurvey.objects.bulk_create(surveys, batch_size=2000)
    Classification.objects.bulk_create(
        [
            Classification(
                household=h,
                kind=kind,
                valid_from=date(2023, 1, 1) if survey is not None else SINCE,
                document=DECISION if survey is not None else "",
                document_kind="QĐ" if survey is not None else "",
                document_number="3125/QĐ-UBND" if survey is not None else "",
                document_date=date(2022, 12, 28) if survey is not None else None,
                survey=survey,
                created_by=builder.user,
            )
            for h, kind, survey in classes
        ],
        batch_size=2000,
    )
    return ordered


def _programmes(user, province: OrgUnit) -> dict[str, tuple[Programme, dict[str, ProgrammeItem]]]:
    specs = [
        (
            TET,
            date(2023, 1, 5),
            date(2023, 1, 31),
            [MERITORIOUS, SOCIAL_PROTECTION],
            [
                ("Quà Tết gia đình người có công", ItemKind.GIFT, GIFT_PRICE[MERITORIOUS],
                 1, False, MERITORIOUS),
                ("Quà Tết đối tượng bảo trợ xã hội", ItemKind.GIFT,
                 GIFT_PRICE[SOCIAL_PROTECTION], 1, False, SOCIAL_PROTECTION),
            ],
        ),
        (
            JULY,
            date(2023, 7, 1),
            date(2023, 7, 31),
            [MERITORIOUS],
            [("Quà 27/7 gia đình người có công", ItemKind.GIFT, GIFT_PRICE[MERITORIOUS], 1,
              False, MERITORIOUS)],
        ),
        (
            RICE,
            date(2023, 1, 5),
            date(2023, 2, 28),
            [ClassKind.POOR],
            [("Gạo dự trữ quốc gia", ItemKind.RICE_KG, 0, RICE_PER_PERSON, True, "")],
        ),
    ]  # fmt: skip
    found = {}
    for name, start, end, classes, items in specs:
        programme = Programme.objects.filter(name=name, is_demo=True).first()
        if programme is None:
            programme = Programme.objects.create(
                name=name,
                orgunit=province,
                start=start,
                end=end,
                funding_source="Ngân sách tỉnh" if name != RICE else "Dự trữ quốc gia",
                eligible_classes=list(classes),
                document=DEMO,
                is_demo=True,
                created_by=user,
            )
            ProgrammeItem.objects.bulk_create(
                [
                    ProgrammeItem(
                        programme=programme,
                        name=n,
                        kind=kind,
                        unit_value=Decimal(price),
                        quantity=Decimal(qty),
                        per_person=per_person,
                        beneficiary_class=cls,
                    )
                    for n, kind, price, qty, per_person, cls in items
                ]
            )
        found[name] = (programme, {i.beneficiary_class: i for i in programme.items.all()})
    return found


def registers_demo_load(user=None) -> RegisterDemoResult:
    """Load (or refresh) the Lộc Ninh register demo; needs the units, the demo hamlets, the
    catalog and a superuser. Idempotent."""
    valid = orgunit_valid_on(DAY)
    district = OrgUnit.objects.filter(valid, code=DISTRICT, tier=Tier.DISTRICT).first()
    province = OrgUnit.objects.filter(valid, code=PROVINCE, tier=Tier.PROVINCE).first()
    if district is None or province is None:
        logger.info("register demo: Huyện Lộc Ninh not loaded, skipped")
        return RegisterDemoResult(skipped="units")
    if user is None:
        user = (
            get_user_model()
            .objects.filter(is_superuser=True, is_active=True)
            .order_by("pk")
            .first()
        )
        if user is None:
            return RegisterDemoResult(skipped="user")
    communes = list(
        OrgUnit.objects.filter(valid, parent=district, tier=Tier.COMMUNE).order_by("code")
    )
    hamlets: dict[int, list[OrgUnit]] = {}
    for hamlet in OrgUnit.objects.filter(parent__in=communes, tier=Tier.HAMLET).order_by("code"):
        hamlets.setdefault(hamlet.parent_id, []).append(hamlet)
    if not hamlets:
        logger.info("register demo: no demo hamlets in Huyện Lộc Ninh, skipped")
        return RegisterDemoResult(skipped="hamlets")
    result = RegisterDemoResult()
    with transaction.atomic():
        programmes = _programmes(user, province)
        tet, _ = programmes[TET]
        if not Distribution.objects.filter(programme=tet).exists():
            targets = _targets(communes)
            serial = 0
            for commune in communes:
                if commune.pk not in hamlets:
                    continue
                builder = _Builder(user, commune, hamlets[commune.pk], serial)
                _build_commune(builder, targets[commune.code], programmes, result)
                serial = builder.serial
    result.values = register_values_refresh(district, str(YEAR), user=user)
    logger.info(
        "register demo: %s households, %s members, %s hand-overs; values %s",
        result.households,
        result.members,
        result.distributions,
        result.values,
    )
    return result


def _build_commune(builder: _Builder, t: _Targets, programmes, result: RegisterDemoResult):
    code = builder.commune.code
    meritorious = [
        builder.household([MERITORIOUS], 1 + _seed("nk", code, i) % 5, elderly=True)
        for i in range(max(t.tet_meritorious, t.july_meritorious))
    ]
    social = [
        builder.household([SOCIAL_PROTECTION], 1 + _seed("nkb", code, i) % 3, elderly=True)
        for i in range(t.tet_social)
    ]
    poor = [builder.household([], size) for size in _sizes(t.rice_people, code)]
    for index in poor:
        builder.classes[index].insert(0, (ClassKind.POOR, builder.survey(index, PovertyClass.POOR)))
    near = [builder.household([], 2 + _seed("cn", code, i) % 4) for i in range(len(poor) // 2)]
    for index in near:
        builder.classes[index].insert(
            0, (ClassKind.NEAR_POOR, builder.survey(index, PovertyClass.NEAR_POOR))
        )
    households = _save(builder)
    result.households += len(households)
    result.members += sum(len(m) for m in builder.members)
    tet, tet_items = programmes[TET]
    july, july_items = programmes[JULY]
    rice, rice_items = programmes[RICE]
    rows = []

    def give(programme, item, index, day, people=0, quantity=Decimal(1)):
        household = households[index]
        rows.append(
            Distribution(
                programme=programme,
                item=item,
                household=household,
                hamlet=household.hamlet,
                beneficiary_group=item.beneficiary_class or ClassKind.POOR,
                quantity=quantity,
                value=(quantity * item.unit_value).quantize(Decimal(1)),
                people=people,
                date=day,
                handed_over_by=f"Trưởng {household.hamlet.name}",
                recorded_by=builder.user,
            )
        )

    for n, index in enumerate(meritorious[: t.tet_meritorious]):
        give(tet, tet_items[MERITORIOUS], index, date(2023, 1, 10) + timedelta(days=n % 10))
    for n, index in enumerate(social):
        give(tet, tet_items[SOCIAL_PROTECTION], index, date(2023, 1, 10) + timedelta(days=n % 10))
    for n, index in enumerate(meritorious[: t.july_meritorious]):
        give(july, july_items[MERITORIOUS], index, date(2023, 7, 20) + timedelta(days=n % 7))
    item = rice_items[""]
    for n, index in enumerate(poor):
        people = builder.people[index]
        give(
            rice,
            item,
            index,
            date(2023, 1, 12) + timedelta(days=n % 7),
            people=people,
            quantity=Decimal(RICE_PER_PERSON * people),
        )
    Distribution.objects.bulk_create(rows, batch_size=2000)
    result.distributions += len(rows)
