"""Forms of the revisit screens: plans, scripts with their questions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.models import Department, OrgUnit, User
from kefu.revisits.choices import AssignStrategy, PlanKind, QuestionKind, Result
from kefu.revisits.models import RevisitPlan, Script, ScriptQuestion
from kefu.tickets.choices import TicketType

PARAM_FIELDS = (
    "business_days",
    "ticket_types",
    "sampling_rate",
    "sample_size",
    "lapsed_months",
    "grades",
    "start",
    "end",
    "key_accounts_only",
    "reopen_days",
    "unsatisfied_ticket_type",
)


class PlanForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=PlanKind.choices)
    script = forms.ModelChoiceField(label=_("Script"), queryset=Script.objects.none())
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    department = forms.ModelChoiceField(
        label=_("Agent pool (department)"), queryset=Department.objects.none(), required=False
    )
    pool = forms.ModelMultipleChoiceField(
        label=_("Agent pool (people)"), queryset=User.objects.none(), required=False
    )
    strategy = forms.ChoiceField(label=_("Assignment"), choices=AssignStrategy.choices)
    max_attempts = forms.IntegerField(label=_("Tries before unreachable"), min_value=1, initial=3)
    min_days_apart = forms.IntegerField(label=_("Days between tries"), min_value=1, initial=1)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    business_days = forms.IntegerField(
        label=_("Business days after resolution"), min_value=0, initial=2, required=False
    )
    ticket_types = forms.MultipleChoiceField(
        label=_("Ticket types (complaints always)"), choices=TicketType.choices, required=False
    )
    sampling_rate = forms.FloatField(
        label=_("Sampling rate (0–1)"), min_value=0, max_value=1, initial=1, required=False
    )
    sample_size = forms.IntegerField(label=_("Sample size per month"), min_value=1, required=False)
    lapsed_months = forms.IntegerField(
        label=_("Lapsed after months without purchase"), min_value=1, required=False
    )
    grades = forms.CharField(label=_("Also companies of grades (e.g. A)"), required=False)
    start = forms.DateField(label=_("Campaign start"), required=False)
    end = forms.DateField(label=_("Campaign end"), required=False)
    key_accounts_only = forms.BooleanField(label=_("Key accounts only"), required=False)
    reopen_days = forms.IntegerField(
        label=_("Reopen the ticket if resolved within days"), min_value=0, required=False
    )
    unsatisfied_ticket_type = forms.ChoiceField(
        label=_("Ticket for an unsatisfied customer"),
        choices=[("complaint", _("Complaint")), ("original", _("Same type as the original"))],
        required=False,
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["script"].queryset = Script.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["department"].queryset = Department.objects.filter(unit__in=units)  # type: ignore[attr-defined]
        self.fields["pool"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            is_active=True, assignments__unit__in=units
        ).distinct()

    @staticmethod
    def initial_for(plan: RevisitPlan) -> dict[str, Any]:
        data: dict[str, Any] = {
            k: getattr(plan, k)
            for k in ("name", "kind", "script", "unit", "department", "strategy")
        }
        data |= {k: getattr(plan, k) for k in ("max_attempts", "min_days_apart", "is_active")}
        data["pool"] = list(plan.pool.all())
        data |= {k: v for k, v in plan.params.items() if k in PARAM_FIELDS}
        if isinstance(data.get("grades"), list):
            data["grades"] = ",".join(data["grades"])
        return data

    def service_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        fields = {k: d[k] for k in ("name", "kind", "script", "unit", "department", "strategy")}
        fields |= {k: d[k] for k in ("max_attempts", "min_days_apart", "is_active")}
        params: dict[str, Any] = {}
        for k in PARAM_FIELDS:
            v = d.get(k)
            if v in (None, "", [], False):
                continue
            params[k] = v.isoformat() if hasattr(v, "isoformat") else v
        if "grades" in params:
            params["grades"] = [g.strip().upper() for g in params["grades"].split(",") if g]
        fields["params"] = params
        return fields


class ScriptForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Script
        fields = (
            "name",
            "purpose",
            "opening",
            "satisfied_text",
            "average_text",
            "unsatisfied_text",
            "closing",
            "is_active",
        )
        widgets = {
            k: forms.Textarea(attrs={"rows": 2})
            for k in ("opening", "satisfied_text", "average_text", "unsatisfied_text", "closing")
        }


class QuestionForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), max_length=300)
    choices = forms.CharField(
        label=_("Choices (one per line)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    branches = forms.CharField(
        label=_("Branch of a choice (choice=unsatisfied, one per line)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    satisfied_followup = forms.CharField(label=_("Follow-up if satisfied"), required=False)
    average_followup = forms.CharField(label=_("Follow-up if average"), required=False)
    unsatisfied_followup = forms.CharField(label=_("Follow-up if unsatisfied"), required=False)

    @staticmethod
    def initial_for(q: ScriptQuestion) -> dict[str, Any]:
        return {
            "id": q.pk,
            "kind": q.kind,
            "text": q.text,
            "choices": "\n".join(q.choices),
            "branches": "\n".join(f"{k}={v}" for k, v in q.choice_branches.items()),
            "required": q.required,
            "satisfied_followup": q.satisfied_followup,
            "average_followup": q.average_followup,
            "unsatisfied_followup": q.unsatisfied_followup,
        }

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        branches = {}
        for line in d["branches"].splitlines():
            choice, _sep, result = line.partition("=")
            if choice.strip():
                branches[choice.strip()] = (
                    result.strip() if result.strip() in Result.values else "?"
                )
        return {
            "id": d.get("id"),
            "kind": d["kind"],
            "text": d["text"],
            "choices": [c.strip() for c in d["choices"].splitlines() if c.strip()],
            "choice_branches": branches,
            "required": d["required"],
            "satisfied_followup": d["satisfied_followup"],
            "average_followup": d["average_followup"],
            "unsatisfied_followup": d["unsatisfied_followup"],
        }


QuestionFormSet = forms.formset_factory(QuestionForm, extra=2, can_delete=True)


class QuietHoursForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("Everywhere"),
    )
    windows = forms.CharField(
        label=_("Quiet windows"),
        help_text=_("One per line, e.g. 20:00-09:00 (may cross midnight) or 12:00-14:00."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def clean_windows(self) -> list[list[str]]:
        rows = []
        for line in self.cleaned_data["windows"].splitlines():
            start, sep, end = line.replace("–", "-").partition("-")
            if not line.strip():
                continue
            if not sep:
                raise forms.ValidationError(_("Write each window as start-end."))
            rows.append([start.strip(), end.strip()])
        return rows
