"""设置 → routing rules: ordered conditions (type, channel, category, keywords, grade,
unit) and what they set (department, queue, priority, SLA policy, assignment). The rules
themselves are written by `kefu.tickets.services.routing_config`."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError
from kefu.core.forms import UnitChoiceField, apply_domain_error
from kefu.core.models import Department, OrgUnit
from kefu.core.permissions import Perm
from kefu.core.views.common import actor_of, perm_required
from kefu.customers.choices import Grade
from kefu.sla.models import SlaPolicy
from kefu.tickets.choices import AssignStrategy, Channel, Priority, TicketType
from kefu.tickets.models import Category, Queue, RoutingRule
from kefu.tickets.services import routing_config

_SPLIT = re.compile(r"[,，、\s]+")
_MULTI = forms.CheckboxSelectMultiple


class RuleForm(forms.Form):
    name = forms.CharField(label=_l("Name"), max_length=100)
    order = forms.IntegerField(label=_l("Order"), min_value=0, initial=100)
    is_active = forms.BooleanField(label=_l("Active"), required=False, initial=True)
    types = forms.MultipleChoiceField(
        label=_l("Ticket types"), choices=TicketType.choices, required=False, widget=_MULTI
    )
    channels = forms.MultipleChoiceField(
        label=_l("Channels"), choices=Channel.choices, required=False, widget=_MULTI
    )
    keywords = forms.CharField(
        label=_l("Keywords"),
        required=False,
        help_text=_l("Separated by commas or spaces; any one in the title or text matches."),
    )
    customer_grades = forms.MultipleChoiceField(
        label=_l("Customer grades"), choices=Grade.choices, required=False, widget=_MULTI
    )
    categories = forms.ModelMultipleChoiceField(
        label=_l("Categories"), queryset=Category.objects.all(), required=False
    )
    unit = UnitChoiceField(
        label=_l("Unit (and below)"), queryset=OrgUnit.objects.all(), required=False
    )
    department = forms.ModelChoiceField(
        label=_l("Set department"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
    )
    queue = forms.ModelChoiceField(
        label=_l("Set queue"),
        queryset=Queue.objects.select_related("department"),
        required=False,
    )
    priority = forms.ChoiceField(
        label=_l("Set priority"), choices=[("", "—"), *Priority.choices], required=False
    )
    sla_policy = forms.ModelChoiceField(
        label=_l("Set SLA policy"), queryset=SlaPolicy.objects.all(), required=False
    )
    assign_strategy = forms.ChoiceField(
        label=_l("Assignment"), choices=AssignStrategy.choices, initial=AssignStrategy.NONE
    )

    def service_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "order": d["order"],
            "is_active": d["is_active"],
            "types": list(d["types"]),
            "channels": list(d["channels"]),
            "keywords": [w for w in _SPLIT.split(d["keywords"]) if w],
            "customer_grades": list(d["customer_grades"]),
            "category_ids": [c.pk for c in d["categories"]],
            "unit_id": d["unit"].pk if d["unit"] else None,
            "department_id": d["department"].pk if d["department"] else None,
            "queue_id": d["queue"].pk if d["queue"] else None,
            "priority": d["priority"],
            "sla_policy_id": d["sla_policy"].pk if d["sla_policy"] else None,
            "assign_strategy": d["assign_strategy"],
        }


def _initial(rule: RoutingRule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "order": rule.order,
        "is_active": rule.is_active,
        "types": rule.types,
        "channels": rule.channels,
        "keywords": "，".join(rule.keywords),
        "customer_grades": rule.customer_grades,
        "categories": [c.pk for c in rule.categories.all()],
        "unit": rule.unit_id,
        "department": rule.department_id,
        "queue": rule.queue_id,
        "priority": rule.priority,
        "sla_policy": rule.sla_policy_id,
        "assign_strategy": rule.assign_strategy,
    }


@perm_required(Perm.CONFIGURE)
def rules(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    raw = request.GET.get("edit") or request.POST.get("edit") or ""
    rule = RoutingRule.objects.filter(pk=raw).first() if raw.isdigit() else None
    form = RuleForm(request.POST or None, initial=_initial(rule) if rule else None)
    if request.method == "POST" and form.is_valid():
        try:
            if rule is None:
                routing_config.create_rule(actor=actor, **form.service_fields())
            else:
                routing_config.update_rule(actor=actor, rule=rule, **form.service_fields())
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("tickets:settings_rules")
    rows = list(
        RoutingRule.objects.select_related("unit", "department", "queue", "sla_policy")
        .prefetch_related("categories")
        .order_by("order", "pk")
    )
    labels = {**dict(TicketType.choices), **dict(Channel.choices)}
    priorities = dict(Priority.choices)
    for r in rows:
        r.type_labels = [str(labels.get(t, t)) for t in r.types]  # type: ignore[attr-defined]
        r.channel_labels = [str(labels.get(c, c)) for c in r.channels]  # type: ignore[attr-defined]
        r.priority_label = str(priorities.get(r.priority, r.priority))  # type: ignore[attr-defined]
    context = {"kind": "rules", "form": form, "rows": rows, "editing": rule}
    return render(request, "tickets/settings/rules.html", context)


@require_POST
@perm_required(Perm.CONFIGURE)
def delete_rule(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = RoutingRule.objects.filter(pk=rule_id).first()
    if rule is not None:
        try:
            routing_config.delete_rule(actor=actor_of(request), rule=rule)
            messages.success(request, _("Rule deleted."))
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("tickets:settings_rules")
