from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chiso.common.errors import error_message
from chiso.core.errors import ChisoError
from chiso.core.text import fold
from chiso.orgunits.models import OrgUnit, Succession
from chiso.orgunits.services import orgunit_move_to_successor, orgunit_whole_successor


class MoveToSuccessorForm(forms.Form):
    on = forms.DateField(
        label=_("Chuyển từ ngày"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=_("Thường là ngày đơn vị kế thừa bắt đầu có hiệu lực."),
    )
    users = forms.BooleanField(
        label=_("Chuyển phạm vi của người dùng"), required=False, initial=True
    )
    hamlets = forms.BooleanField(label=_("Chuyển thôn, ấp"), required=False, initial=True)


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "unit_type",
        "tier",
        "parent",
        "valid_from",
        "valid_to",
        "is_demo",
    )
    list_filter = ("tier", "unit_type", "is_demo")
    list_select_related = ("parent",)
    search_fields = ("code", "name", "search_name")
    raw_id_fields = ("parent",)
    readonly_fields = ("path", "search_name")
    list_per_page = 50
    actions = ["move_to_successor"]

    def get_search_results(self, request, queryset, search_term):
        """Accent-insensitive: "loc ninh" finds "Lộc Ninh"; a code prefix finds codes."""
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(
            Q(code__startswith=term) | Q(search_name__contains=fold(term))
        ), False

    @admin.action(description=_("Chuyển sang đơn vị kế thừa"), permissions=["change"])
    def move_to_successor(self, request, queryset):
        """Move user scopes and hamlets of the selected units to their whole successors, from a
        date the administrator confirms on an intermediate page (DESIGN §4)."""
        units = list(queryset.order_by("path"))
        plan = [(unit, orgunit_whole_successor(unit)) for unit in units]
        if "apply" in request.POST:
            form = MoveToSuccessorForm(request.POST)
            if form.is_valid():
                done = 0
                for unit, successor in plan:
                    if successor is None:
                        continue
                    try:
                        result = orgunit_move_to_successor(
                            predecessor=unit,
                            on=form.cleaned_data["on"],
                            users=form.cleaned_data["users"],
                            hamlets=form.cleaned_data["hamlets"],
                        )
                    except ChisoError as exc:
                        self.message_user(request, error_message(exc), messages.ERROR)
                        continue
                    done += 1
                    note = gettext(
                        "%(unit)s → %(successor)s: chuyển %(users)s người dùng, %(hamlets)s thôn/ấp"
                    ) % {
                        "unit": unit.name,
                        "successor": result.successor.name,
                        "users": result.users,
                        "hamlets": result.hamlets,
                    }
                    self.log_change(request, unit, note)
                    self.message_user(request, note, messages.SUCCESS)
                if not done:
                    self.message_user(
                        request, gettext("Không chuyển đơn vị nào."), messages.WARNING
                    )
                return None
        else:
            first = next((s for _u, s in plan if s is not None), None)
            initial_day = first.valid_from if first and first.valid_from else None
            if initial_day is None and units and units[0].valid_to:
                initial_day = units[0].valid_to + timedelta(days=1)
            form = MoveToSuccessorForm(initial={"on": initial_day})
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Chuyển sang đơn vị kế thừa"),
            "opts": self.model._meta,
            "plan": plan,
            "form": form,
            "queryset": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "movable": any(s is not None for _u, s in plan),
        }
        return TemplateResponse(request, "admin/orgunits/move_to_successor.html", context)


@admin.register(Succession)
class SuccessionAdmin(admin.ModelAdmin):
    list_display = ("predecessor", "successor", "kind", "effective")
    list_filter = ("kind",)
    list_select_related = ("predecessor", "successor")
    raw_id_fields = ("predecessor", "successor")
    search_fields = (
        "predecessor__code",
        "successor__code",
        "predecessor__search_name",
        "successor__search_name",
    )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        folded = fold(term)
        return queryset.filter(
            Q(predecessor__code=term)
            | Q(successor__code=term)
            | Q(predecessor__search_name__contains=folded)
            | Q(successor__search_name__contains=folded)
        ), False
