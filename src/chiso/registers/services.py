"""Writes to the register. Every write checks the user's capture scope through the access
choke-point (an out-of-scope household or hamlet reads like a missing one: ``UnitNotFound``)
and refreshes the register totals in the indicator values explicitly (``feed``), never through
signals.

- ``household_create`` / ``household_move`` / ``member_add``
- ``classification_add`` / ``classification_end`` / ``poverty_survey_record``
- ``programme_create`` / ``distribution_create`` / ``distribution_delete``
- ``export_log_record``
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from chiso.accounts.access import Action, UnitNotFound, require_unit
from chiso.core.citizen_id import check_against, mask, parse_citizen_id
from chiso.core.dates import format_date_short
from chiso.core.docrefs import find_docrefs
from chiso.core.errors import ChisoError
from chiso.core.periods import Period, PeriodType
from chiso.core.poverty import PovertyClass, classify
from chiso.core.text import fold, nfc
from chiso.orgunits.models import OrgUnit, Tier
from chiso.registers.feed import refresh_yearly, register_values_refresh
from chiso.registers.models import (
    OTHER_GROUP,
    Area,
    Classification,
    ClassKind,
    Distribution,
    ExportLog,
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
from chiso.registers.selectors import (
    GROUP_ORDER,
    household_classes_on,
    household_people,
    household_scope,
    residence_on,
)
from chiso.registers.types import ItemInput, MemberInput

EXPORT_REASON_MIN = 5
MAX_REFRESH_YEARS = 10
NAME_MAX = 150
_EXCLUSIVE = {ClassKind.POOR.value: ClassKind.NEAR_POOR.value}
_EXCLUSIVE.update({v: k for k, v in _EXCLUSIVE.items()})


def clean_name(text: str) -> str:
    """NFC, single spaces, each word capitalised as typed ("nguyễn  văn an" stays lowercase:
    names are not re-cased)."""
    return " ".join(nfc(str(text)).split())


def _kind_label(kind: str) -> str:
    return str(ClassKind(kind).label) if kind in ClassKind.values else kind


def _household_label(household: Household) -> str:
    return f"{household.head_name} ({household.code})"


def _check_year(value) -> int | None:
    if value in (None, ""):
        return None
    max_year = timezone.localdate().year
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ChisoError("registers.birth_year", value=value, max=max_year) from None
    if not 1900 <= year <= max_year:
        raise ChisoError("registers.birth_year", value=value, max=max_year)
    return year


def _check_citizen_id(user, raw: str, *, birth_year, sex, exclude_member: int | None = None):
    if not raw or not str(raw).strip():
        return ""
    number = parse_citizen_id(raw)
    check_against(number, birth_year=birth_year, sex=sex or None)
    taken = Member.objects.filter(citizen_id=number).exclude(pk=exclude_member)
    other = taken.select_related("household").first()
    if other is not None:
        visible = household_scope(user).filter(pk=other.household_id).exists()
        where = (
            _household_label(other.household)
            if visible
            else ChisoError("registers.citizen_id_elsewhere").render()
        )
        raise ChisoError("registers.citizen_id_taken", masked=mask(number), where=where)
    return number


def _member(user, household: Household, data: MemberInput, *, exclude: int | None = None):
    name = clean_name(data.full_name)
    if not name:
        raise ChisoError("registers.name_missing")
    if len(name) > NAME_MAX:
        raise ChisoError("registers.name_too_long", name=name[:40])
    birth_year = _check_year(data.birth_year)
    sex = data.sex if data.sex in Sex.values else ""
    number = _check_citizen_id(
        user, data.citizen_id, birth_year=birth_year, sex=sex, exclude_member=exclude
    )
    return Member(
        household=household,
        full_name=name,
        search_name=fold(name),
        birth_year=birth_year,
        sex=sex,
        ethnicity=clean_name(data.ethnicity)[:40],
        relation=data.relation if data.relation in Relation.values else Relation.OTHER,
        citizen_id=number,
    )


def _require_hamlet(user, hamlet: OrgUnit | int) -> OrgUnit:
    unit = require_unit(user, hamlet, Action.CAPTURE)
    if unit.tier != Tier.HAMLET:
        raise ChisoError("registers.not_hamlet", name=unit.name)
    return unit


def household_next_code(commune: OrgUnit) -> str:
    """``<commune code>-NNNNN``, one past the commune's highest."""
    prefix = f"{commune.code}-"
    # A range rather than LIKE, so the unique index on code answers it.
    numbered = Household.objects.filter(code__gte=f"{prefix}0", code__lte=f"{prefix}9~")
    last = numbered.aggregate(m=Max("code"))["m"]
    n = 0
    if last:
        try:
            n = int(last[len(prefix) :])
        except ValueError:
            n = numbered.count()
    return f"{prefix}{n + 1:05d}"


def _search_name(head_name: str, address: str) -> str:
    return fold(f"{head_name} {address}")[:400]


@transaction.atomic
def household_create(
    *,
    user,
    hamlet: OrgUnit | int,
    head: MemberInput,
    members: Sequence[MemberInput] = (),
    address: str = "",
    area: str = Area.RURAL,
    size: int | None = None,
    code: str = "",
    since: date | None = None,
    is_demo: bool = False,
) -> Household:
    """Register a household in ``hamlet`` (capture scope), its head and other members."""
    unit = _require_hamlet(user, hamlet)
    if not clean_name(head.full_name):
        raise ChisoError("registers.head_missing")
    code = code.strip() or household_next_code(unit.parent)
    if Household.objects.filter(code=code).exists():
        raise ChisoError("registers.code_taken", household_code=code)
    if size is not None and not 0 < int(size) < 100:
        raise ChisoError("registers.size", value=size)
    address = clean_name(address)[:255]
    head_name = clean_name(head.full_name)
    household = Household.objects.create(
        code=code,
        head_name=head_name,
        search_name=_search_name(head_name, address),
        address=address,
        hamlet=unit,
        area=area if area in Area.values else Area.RURAL,
        size=size,
        is_demo=is_demo,
        created_by=user if user.is_authenticated else None,
    )
    Residence.objects.create(
        household=household,
        hamlet=unit,
        address=address,
        valid_from=since or timezone.localdate(),
    )
    head = MemberInput(**{**head.__dict__, "relation": Relation.HEAD})
    rows = [_member(user, household, head)]
    rows += [_member(user, household, m) for m in members]
    numbers = [m.citizen_id for m in rows if m.citizen_id]
    if len(numbers) != len(set(numbers)):
        dup = next(n for n in numbers if numbers.count(n) > 1)
        raise ChisoError("registers.citizen_id_taken", masked=mask(dup), where=code)
    Member.objects.bulk_create(rows)
    return household


@transaction.atomic
def member_add(*, user, household: Household, data: MemberInput) -> Member:
    household = household_scope(user, Action.CAPTURE).get(pk=household.pk)
    member = _member(user, household, data)
    member.save()
    if member.relation == Relation.HEAD:
        household.head_name = member.full_name
        household.search_name = _search_name(member.full_name, household.address)
        household.save(update_fields=["head_name", "search_name", "updated"])
    return member


def _in_scope(user, household: Household, action: Action = Action.CAPTURE) -> Household:
    try:
        return household_scope(user, action).select_related("hamlet__parent").get(pk=household.pk)
    except Household.DoesNotExist:
        raise UnitNotFound() from None


def _years(start: date, end: date | None) -> list[int]:
    last = (end or max(start, timezone.localdate())).year
    first = max(start.year, last - MAX_REFRESH_YEARS + 1)
    return list(range(first, last + 1))


def _refresh_year_totals(user, communes: Iterable[OrgUnit], years: Iterable[int]) -> None:
    """Only the yearly (classification) totals: cheaper than whole years of hand-overs."""
    for commune in {c.pk: c for c in communes if c is not None}.values():
        refresh_yearly(commune, list(years), user=user)


@transaction.atomic
def household_move(
    *, user, household: Household, hamlet: OrgUnit | int, on: date, address: str | None = None
) -> Household:
    """Move a household to ``hamlet`` from ``on``: the current residence ends the day before
    and a new one starts (history kept). Needs capture scope on both sides."""
    household = _in_scope(user, household)
    unit = _require_hamlet(user, hamlet)
    if unit.pk == household.hamlet_id:
        raise ChisoError(
            "registers.move_same", household=_household_label(household), hamlet=unit.name
        )
    current = household.residences.filter(valid_to__isnull=True).order_by("-valid_from").first()
    if current is not None and current.valid_from >= on:
        raise ChisoError(
            "registers.move_date",
            date=format_date_short(on),
            household=_household_label(household),
            since=format_date_short(current.valid_from),
        )
    old_commune = household.hamlet.parent
    if current is not None:
        current.valid_to = on - timedelta(days=1)
        current.save(update_fields=["valid_to"])
    address = household.address if address is None else clean_name(address)[:255]
    Residence.objects.create(household=household, hamlet=unit, address=address, valid_from=on)
    household.hamlet = unit
    household.address = address
    household.search_name = _search_name(household.head_name, address)
    household.save(update_fields=["hamlet", "address", "search_name", "updated"])
    _refresh_year_totals(user, [old_commune, unit.parent], _years(on, None))
    return household


def _docref_fields(text: str) -> dict:
    """Kind, symbol and date of the first well-formed document reference in ``text``."""
    text = clean_name(text)[:255]
    fields = {"document": text, "document_kind": "", "document_number": "", "document_date": None}
    found = find_docrefs(text) if text else []
    if found:
        ref = found[0][2]
        fields.update(
            document_kind=ref.kind or "", document_number=ref.symbol, document_date=ref.date
        )
    return fields


def _classification_add(
    user,
    household: Household,
    kind: str,
    valid_from: date,
    valid_to: date | None,
    document: str,
    survey: PovertySurvey | None,
) -> Classification:
    if kind not in ClassKind.values:
        raise ChisoError(
            "registers.unknown_class",
            value=kind,
            allowed=", ".join(str(k.label).lower() for k in ClassKind),
        )
    if valid_to is not None and valid_to < valid_from:
        raise ChisoError(
            "registers.class_dates",
            valid_from=format_date_short(valid_from),
            valid_to=format_date_short(valid_to),
        )
    label = _household_label(household)
    overlapping = household.classifications.filter(kind=kind, valid_from__lte=valid_to or date.max)
    overlapping = overlapping.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
    first = overlapping.order_by("valid_from").first()
    if first is not None:
        raise ChisoError(
            "registers.class_overlap",
            household=label,
            kind=_kind_label(kind),
            since=format_date_short(first.valid_from),
        )
    other = _EXCLUSIVE.get(kind)
    if other:
        for open_one in household.classifications.filter(kind=other).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)
        ):
            if open_one.valid_from >= valid_from:
                raise ChisoError(
                    "registers.class_conflict",
                    household=label,
                    other=_kind_label(other),
                    since=format_date_short(open_one.valid_from),
                    kind=_kind_label(kind),
                )
            open_one.valid_to = valid_from - timedelta(days=1)
            open_one.save(update_fields=["valid_to"])
    return Classification.objects.create(
        household=household,
        kind=kind,
        valid_from=valid_from,
        valid_to=valid_to,
        survey=survey,
        created_by=user if user.is_authenticated else None,
        **_docref_fields(document),
    )


@transaction.atomic
def classification_add(
    *,
    user,
    household: Household,
    kind: str,
    valid_from: date,
    valid_to: date | None = None,
    document: str = "",
    refresh: bool = True,
) -> Classification:
    """Record that the household belongs to ``kind`` from ``valid_from`` (to ``valid_to``).
    A hộ nghèo classification ends an earlier open hộ cận nghèo one the day before (and the
    other way round); the same class twice over the same days is refused."""
    household = _in_scope(user, household)
    result = _classification_add(user, household, kind, valid_from, valid_to, document, None)
    if refresh:
        _refresh_year_totals(user, [household.hamlet.parent], _years(valid_from, valid_to))
    return result


@transaction.atomic
def classification_end(
    *, user, classification: Classification, valid_to: date, refresh: bool = True
) -> Classification:
    household = _in_scope(user, classification.household)
    if valid_to < classification.valid_from:
        raise ChisoError(
            "registers.class_dates",
            valid_from=format_date_short(classification.valid_from),
            valid_to=format_date_short(valid_to),
        )
    old_end = classification.valid_to
    classification.valid_to = valid_to
    classification.save(update_fields=["valid_to"])
    if refresh:
        end = max(valid_to, old_end or timezone.localdate())
        _refresh_year_totals(user, [household.hamlet.parent], _years(valid_to, end))
    return classification


_SURVEY_CLASS = {PovertyClass.POOR: ClassKind.POOR, PovertyClass.NEAR_POOR: ClassKind.NEAR_POOR}


@transaction.atomic
def poverty_survey_record(
    *,
    user,
    household: Household,
    year: int,
    income_per_capita: Decimal | int,
    deprivations: Iterable[str],
    surveyed_on: date,
    area: str | None = None,
    apply_from: date | None = None,
    document: str = "",
    refresh: bool = True,
) -> PovertySurvey:
    """Store a review's inputs, compute the class (Decree 07/2021/NĐ-CP) and, with
    ``apply_from``, make it the household's hộ nghèo / hộ cận nghèo classification from that day
    (ending a different open one the day before; a household that is neither leaves both)."""
    household = _in_scope(user, household)
    result = classify(Decimal(income_per_capita), deprivations, area or household.area)
    survey = PovertySurvey.objects.create(
        household=household,
        year=year,
        surveyed_on=surveyed_on,
        area=result.area.value,
        income_per_capita=result.income,
        deprivations=list(result.deprivations),
        result=result.cls.value,
        created_by=user if user.is_authenticated else None,
    )
    if apply_from is None:
        return survey
    new_kind = _SURVEY_CLASS.get(result.cls)
    open_ones = household.classifications.filter(
        kind__in=[ClassKind.POOR, ClassKind.NEAR_POOR]
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=apply_from))
    for c in open_ones:
        if c.kind == new_kind and c.valid_from <= apply_from:
            new_kind = None  # already so classified
            continue
        if c.valid_from >= apply_from:
            c.delete()
        else:
            c.valid_to = apply_from - timedelta(days=1)
            c.save(update_fields=["valid_to"])
    if new_kind is not None:
        _classification_add(user, household, new_kind, apply_from, None, document, survey)
    if refresh:
        _refresh_year_totals(user, [household.hamlet.parent], _years(apply_from, None))
    return survey


# --- programmes and distributions -----------------------------------------------------------


@transaction.atomic
def programme_create(
    *,
    user,
    orgunit: OrgUnit | int,
    name: str,
    start: date,
    end: date,
    items: Sequence[ItemInput],
    funding_source: str = "",
    eligible_classes: Iterable[str] = (),
    document: str = "",
    is_demo: bool = False,
) -> Programme:
    """A programme run by ``orgunit`` (capture scope) with its items."""
    unit = require_unit(user, orgunit, Action.CAPTURE)
    name = clean_name(name)
    if not name:
        raise ChisoError("registers.programme_name")
    if end < start:
        raise ChisoError(
            "registers.programme_dates", start=format_date_short(start), end=format_date_short(end)
        )
    classes = [c for c in GROUP_ORDER if c in set(eligible_classes)]
    unknown = set(eligible_classes) - set(ClassKind.values)
    if unknown:
        raise ChisoError(
            "registers.unknown_class",
            value=sorted(unknown)[0],
            allowed=", ".join(str(k.label).lower() for k in ClassKind),
        )
    if not items:
        raise ChisoError("registers.programme_no_items")
    programme = Programme.objects.create(
        name=name[:200],
        orgunit=unit,
        start=start,
        end=end,
        funding_source=clean_name(funding_source)[:200],
        eligible_classes=classes,
        document=clean_name(document)[:255],
        is_demo=is_demo,
        created_by=user if user.is_authenticated else None,
    )
    rows = []
    for item in items:
        item_name = clean_name(item.name) or str(ItemKind(item.kind).label)
        if item.beneficiary_class and (
            item.beneficiary_class not in ClassKind.values
            or (classes and item.beneficiary_class not in classes)
        ):
            raise ChisoError(
                "registers.item_class", item=item_name, kind=_kind_label(item.beneficiary_class)
            )
        if Decimal(item.quantity) < 0 or Decimal(item.unit_value) < 0:
            raise ChisoError("registers.item_value", item=item_name)
        rows.append(
            ProgrammeItem(
                programme=programme,
                name=item_name[:200],
                kind=ItemKind(item.kind).value,
                quantity=Decimal(item.quantity),
                per_person=item.per_person,
                unit_value=Decimal(item.unit_value),
                beneficiary_class=item.beneficiary_class,
            )
        )
    ProgrammeItem.objects.bulk_create(rows)
    return programme


def _group_for(item: ProgrammeItem, programme: Programme, classes: list[str]) -> str:
    if item.beneficiary_class:
        return item.beneficiary_class
    eligible = programme.eligible_classes or GROUP_ORDER
    return next((c for c in classes if c in eligible), OTHER_GROUP)


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


@transaction.atomic
def distribution_create(
    *,
    user,
    item: ProgrammeItem,
    household: Household,
    on: date,
    quantity: Decimal | None = None,
    member: Member | None = None,
    handed_over_by: str = "",
    refresh: bool = True,
) -> Distribution:
    """Record that ``household`` received ``item`` on ``on``.

    Refused, with a message naming the household: a household outside the user's capture scope
    (``UnitNotFound``) or outside the programme's area; a date outside the programme; a
    household of none of the programme's classes (or not of the item's class) on that day; a
    second hand-over to the same household in the same programme. ``quantity`` defaults to the
    item's (times the household's persons for a per-person item); the value is quantity × unit
    value; ``people`` (persons covered) is the household's for rice and per-person items.
    """
    household = _in_scope(user, household)
    programme = item.programme
    label = _household_label(household)
    if not programme.start <= on <= programme.end:
        raise ChisoError(
            "registers.distribution_date",
            date=format_date_short(on),
            programme=programme.name,
            start=format_date_short(programme.start),
            end=format_date_short(programme.end),
        )
    residence = residence_on(household, on)
    hamlet = residence.hamlet if residence is not None else household.hamlet
    if not hamlet.path.startswith(programme.orgunit.path):
        raise ChisoError(
            "registers.distribution_area",
            household=label,
            programme=programme.name,
            unit=programme.orgunit.name,
        )
    classes = household_classes_on(household, on)
    if programme.eligible_classes and not set(classes) & set(programme.eligible_classes):
        raise ChisoError(
            "registers.not_eligible",
            household=label,
            programme=programme.name,
            classes=", ".join(_kind_label(k).lower() for k in programme.eligible_classes),
            date=format_date_short(on),
        )
    if item.beneficiary_class and item.beneficiary_class not in classes:
        raise ChisoError(
            "registers.not_item_class",
            household=label,
            kind=_kind_label(item.beneficiary_class).lower(),
            date=format_date_short(on),
            item=item.name,
        )
    earlier = (
        Distribution.objects.filter(programme=programme, household=household)
        .select_related("item")
        .first()
    )
    if earlier is not None:
        raise ChisoError(
            "registers.already_received",
            household=label,
            programme=programme.name,
            date=format_date_short(earlier.date),
            item=earlier.item.name,
        )
    if member is not None and member.household_id != household.pk:
        raise ChisoError("registers.member_of_other", name=member.full_name, household=label)
    people = household_people(household)
    if quantity is None:
        quantity = item.quantity * (people if item.per_person else 1)
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise ChisoError("registers.quantity", value=quantity)
    covered = people if (item.per_person or item.kind == ItemKind.RICE_KG) else 0
    try:
        with transaction.atomic():
            distribution = Distribution.objects.create(
                programme=programme,
                item=item,
                household=household,
                member=member,
                hamlet=hamlet,
                beneficiary_group=_group_for(item, programme, classes),
                quantity=quantity,
                value=_money(quantity * item.unit_value),
                people=covered,
                date=on,
                handed_over_by=clean_name(handed_over_by)[:150],
                recorded_by=user if user.is_authenticated else None,
            )
    except IntegrityError:
        raise ChisoError(
            "registers.already_received",
            household=label,
            programme=programme.name,
            date=format_date_short(on),
            item=item.name,
        ) from None
    if refresh:
        register_values_refresh(hamlet.parent, Period.containing(PeriodType.MONTH, on), user=user)
    return distribution


@transaction.atomic
def distribution_delete(*, user, distribution: Distribution, refresh: bool = True) -> None:
    """Remove a hand-over recorded by mistake (capture scope on the hamlet it was made in)."""
    hamlet = require_unit(user, distribution.hamlet_id, Action.CAPTURE)
    on = distribution.date
    distribution.delete()
    if refresh:
        register_values_refresh(hamlet.parent, Period.containing(PeriodType.MONTH, on), user=user)


def export_log_record(
    *,
    user,
    what: str,
    description: str,
    reason: str,
    row_count: int,
    orgunit: OrgUnit | None = None,
    programme: Programme | None = None,
) -> ExportLog:
    """Log an export of a personal list; refused without a reason."""
    reason = " ".join(str(reason or "").split())
    if len(reason) < EXPORT_REASON_MIN:
        raise ChisoError("registers.export_reason", min=EXPORT_REASON_MIN)
    return ExportLog.objects.create(
        user=user if user.is_authenticated else None,
        what=ExportLog.What(what).value,
        description=description[:400],
        reason=reason,
        row_count=row_count,
        orgunit=orgunit,
        programme=programme,
    )
