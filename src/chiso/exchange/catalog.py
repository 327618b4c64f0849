"""Catalog look-ups shared by the ADX and XLSX formats, cached for one file."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from chiso.indicators.models import (
    DEFAULT_CODE,
    CategoryOptionCombo,
    Indicator,
)


@dataclass(frozen=True)
class _Combo:
    categories: list[tuple[str, dict[str, int]]]  # (category code, {option code: option id})
    by_options: dict[frozenset[int], str]  # option ids -> option combo code


class ComboError(ValueError):
    """A disaggregation that names no option combo; ``property`` and ``object`` locate it."""

    def __init__(self, message: str, *, property: str, object: str) -> None:
        self.property = property
        self.object = object
        super().__init__(message)


class CatalogCache:
    def __init__(self) -> None:
        self._indicators: dict[str, Indicator | None] = {}
        self._combos: dict[int, _Combo] = {}
        self._attrs: dict[int, list[tuple[str, str]]] = {}

    def indicator(self, code: str) -> Indicator | None:
        if code not in self._indicators:
            self._indicators[code] = (
                Indicator.objects.select_related("category_combo").filter(code=code).first()
            )
        return self._indicators[code]

    def preload(self, codes) -> None:
        wanted = [c for c in set(codes) if c not in self._indicators]
        found = {
            i.code: i
            for i in Indicator.objects.select_related("category_combo").filter(code__in=wanted)
        }
        for code in wanted:
            self._indicators[code] = found.get(code)

    def _combo(self, indicator: Indicator) -> _Combo:
        combo_id = indicator.category_combo_id
        if combo_id not in self._combos:
            combo = indicator.category_combo
            categories = [
                (category.code, {o.code: o.pk for o in category.options.all()})
                for category in combo.ordered_categories()
            ]
            by_options: dict[frozenset[int], str] = {}
            for oc in CategoryOptionCombo.objects.filter(
                category_combo_id=combo_id
            ).prefetch_related("options"):
                by_options[frozenset(o.pk for o in oc.options.all())] = oc.code
            self._combos[combo_id] = _Combo(categories, by_options)
        return self._combos[combo_id]

    def option_combo_code(self, indicator_code: str, attributes: dict[str, str]) -> str | None:
        """The option combo that ``attributes`` ({category code: option code}) name for the
        indicator; None (left to validation) for an unknown indicator; ``ComboError`` when the
        categories do not fit the indicator's."""
        indicator = self.indicator(indicator_code)
        if indicator is None:
            return None
        combo = self._combo(indicator)
        known = {code for code, _options in combo.categories}
        for name in attributes:
            if name not in known:
                raise ComboError(
                    _("Chỉ tiêu '%(indicator)s' không phân tổ theo nhóm '%(category)s'.")
                    % {"indicator": indicator_code, "category": name},
                    property=name,
                    object=name,
                )
        if not combo.categories:
            return DEFAULT_CODE
        option_ids = set()
        for category, options in combo.categories:
            option = attributes.get(category)
            if option is None:
                raise ComboError(
                    _(
                        "Thiếu phân tổ theo nhóm '%(category)s' của chỉ tiêu '%(indicator)s'"
                        " (thuộc tính %(category)s)."
                    )
                    % {"indicator": indicator_code, "category": category},
                    property=category,
                    object=indicator_code,
                )
            if option not in options:
                raise ComboError(
                    _("Nhóm phân tổ '%(category)s' không có phân tổ mã '%(option)s'.")
                    % {"category": category, "option": option},
                    property=category,
                    object=option,
                )
            option_ids.add(options[option])
        code = combo.by_options.get(frozenset(option_ids))
        if code is None:  # the combo's option combos were not generated: a catalog problem
            raise ComboError(
                _("Chỉ tiêu '%(indicator)s' chưa có phân tổ kết hợp cho các phân tổ đã cho.")
                % {"indicator": indicator_code},
                property="categoryOptionCombo",
                object=indicator_code,
            )
        return code

    def combo_attributes(self, option_combo_id: int) -> list[tuple[str, str]]:
        """[(category code, option code)] of an option combo, in its combo's category order
        (empty for the default combo)."""
        if option_combo_id not in self._attrs:
            oc = CategoryOptionCombo.objects.select_related("category_combo").get(
                pk=option_combo_id
            )
            order = {c.pk: n for n, c in enumerate(oc.category_combo.ordered_categories())}
            options = sorted(
                oc.options.select_related("category"), key=lambda o: order.get(o.category_id, 0)
            )
            self._attrs[option_combo_id] = [(o.category.code, o.code) for o in options]
        return self._attrs[option_combo_id]
