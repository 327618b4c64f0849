"""Property: over random small trees and values, the aggregate of every unit at every tier
(``level`` rows under the province) equals the same aggregate computed by hand over the values
stored in its subtree. Each example builds its tree inside a savepoint and rolls it back."""

from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chiso.analytics.selectors import analytics_table
from chiso.orgunits.services import orgunit_create

MONTHS = st.dictionaries(
    st.integers(1, 12),
    st.decimals(
        min_value=-(10**6), max_value=10**6, places=2, allow_nan=False, allow_infinity=False
    ),
    max_size=3,
)
COMMUNE = st.tuples(MONTHS, st.lists(MONTHS, max_size=2))  # (its own values, its hamlets')
TREES = st.lists(st.lists(COMMUNE, min_size=1, max_size=3), min_size=1, max_size=3)
PERIODS = {
    "2023": range(1, 13),
    "2023S2": range(7, 13),
    "2023Q1": range(1, 4),
    "2023Q4": range(10, 13),
    "202302": range(2, 3),
}
SIX = Decimal("0.000001")
TYPES = {"tinh": "tinh", "huyen": "huyen", "xa": "xa", "thon": "ap"}


def _expected(values: list[tuple[int, Decimal]], months) -> dict[str, Decimal | None]:
    inside = [v for m, v in values if m in months]
    if not inside:
        return {"sum": None, "average": None, "min": None, "max": None}
    return {
        "sum": sum(inside),
        "average": (sum(inside) / len(inside)).quantize(SIX),
        "min": min(inside),
        "max": max(inside),
    }


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(spec=TREES)
def test_rollup_equals_the_aggregate_of_the_stored_values(spec, admin, make_indicator, put):
    with transaction.atomic():
        indicators = {
            kind: make_indicator(kind, "month", code=f"P_{kind.upper()}")
            for kind in ("sum", "average", "min", "max")
        }
        province = orgunit_create(code="P", name="Tỉnh P", unit_type="tinh", tier="tinh")
        under: dict[str, list[tuple[int, Decimal]]] = {"P": []}  # unit -> values in its subtree
        tiers: dict[str, list[str]] = {"tinh": ["P"], "huyen": [], "xa": [], "thon": []}

        def unit(code, name, tier, parent, owners):
            made = orgunit_create(
                code=code, name=name, unit_type=TYPES[tier], tier=tier, parent=parent
            )
            under[code] = []
            tiers[tier].append(code)
            return made, (*owners, code)

        def store(unit, months, owners):
            for month, value in months.items():
                for ind in indicators.values():
                    put(ind, unit, f"2023{month:02d}", value)
                for owner in owners:
                    under[owner].append((month, value))

        for d, communes in enumerate(spec):
            district, d_owners = unit(f"D{d}", f"Huyện {d}", "huyen", province, ["P"])
            for c, (own, hamlets) in enumerate(communes):
                commune, c_owners = unit(f"D{d}C{c}", f"Xã {d}.{c}", "xa", district, d_owners)
                store(commune, own, c_owners)
                for h, months in enumerate(hamlets):
                    hamlet, h_owners = unit(
                        f"D{d}C{c}H{h}", f"Ấp {d}.{c}.{h}", "thon", commune, c_owners
                    )
                    store(hamlet, months, h_owners)

        codes = [i.code for i in indicators.values()]
        for period, months in PERIODS.items():
            for tier, units in tiers.items():
                rows = analytics_table(
                    user=admin, indicators=codes, orgunit="P", period=period, level=tier
                )
                got = {(r.orgunit, r.aggregation_type): r.value for r in rows}
                expected = {
                    (code, kind): value
                    for code in units
                    for kind, value in _expected(under[code], months).items()
                }
                assert got == expected, (period, tier)
        transaction.set_rollback(True)
