"""Forms of the members screens. They parse input; the services own the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.forms import UnitChoiceField
from kefu.members.choices import Gender, MemberStatus

_DATE = {"type": "date"}
FIELD_LABELS = {
    "name": _("Name"),
    "gender": _("Gender"),
    "birthday": _("Date of birth"),
    "phone": _("Mobile phone"),
    "id_number": _("ID number"),
    "address": _("Address"),
    "email": _("Email"),
    "occupation": _("Occupation"),
    "company": _("Employer"),
}


class MemberFilterForm(forms.Form):
    FILTER_KEYS = ("q", "unit", "tier")
    status = forms.ChoiceField(required=False, choices=[("", _("All")), *MemberStatus.choices])
    q = forms.CharField(required=False, max_length=100)
    unit = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    tier = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class ApplicationForm(forms.Form):
    """《会员申请表》. Only name and mobile are needed to register; headquarters lists
    whatever else is missing when it audits."""

    unit = UnitChoiceField(label=_("Store"), queryset=None, empty_label=None)
    card_number = forms.CharField(
        label=_("Card number"),
        required=False,
        max_length=32,
        help_text=_("Leave empty to issue a new number."),
    )
    name = forms.CharField(label=FIELD_LABELS["name"], max_length=100)
    gender = forms.ChoiceField(
        label=FIELD_LABELS["gender"], required=False, choices=[("", "—"), *Gender.choices]
    )
    birthday = forms.DateField(
        label=FIELD_LABELS["birthday"], required=False, widget=forms.DateInput(_DATE)
    )
    phone = forms.CharField(
        label=FIELD_LABELS["phone"], max_length=40, widget=forms.TextInput({"inputmode": "tel"})
    )
    id_number = forms.CharField(label=FIELD_LABELS["id_number"], required=False, max_length=40)
    address = forms.CharField(label=FIELD_LABELS["address"], required=False, max_length=300)
    email = forms.CharField(label=FIELD_LABELS["email"], required=False, max_length=254)
    occupation = forms.CharField(label=FIELD_LABELS["occupation"], required=False, max_length=100)
    company = forms.CharField(label=FIELD_LABELS["company"], required=False, max_length=200)

    def __init__(self, *args: Any, units: Any = None, editing: bool = False, **kw: Any) -> None:
        super().__init__(*args, **kw)
        if editing:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("What the store must complete"),
        required=False,
        max_length=1000,
        widget=forms.Textarea({"rows": 3}),
    )
    missing = forms.MultipleChoiceField(
        label=_("Missing or wrong fields"),
        required=False,
        choices=list(FIELD_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000)


class PointsForm(forms.Form):
    points = forms.IntegerField(label=_("Points"), min_value=-10_000_000, max_value=10_000_000)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)


class PurchaseForm(forms.Form):
    card_number = forms.CharField(label=_("Card number"), max_length=32)
    amount = forms.DecimalField(
        label=_("Amount (¥)"), min_value=0.01, max_digits=10, decimal_places=2
    )
    purchased_at = forms.DateTimeField(
        label=_("Purchased at"),
        required=False,
        widget=forms.DateTimeInput({"type": "datetime-local"}),
        help_text=_("Empty: now."),
    )
    receipt_number = forms.CharField(label=_("Receipt number"), required=False, max_length=64)
    items = forms.CharField(
        label=_("Items"), required=False, max_length=2000, widget=forms.Textarea({"rows": 2})
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=300)


class PurchaseFilterForm(forms.Form):
    member = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    unit = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(_DATE))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(_DATE))


class ExpiringForm(forms.Form):
    days = forms.IntegerField(label=_("Within days"), required=False, min_value=0, max_value=366)
    unit = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class TierForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=40)
    level = forms.IntegerField(label=_("Level"), min_value=0, max_value=100)
    min_spend = forms.DecimalField(
        label=_("Spend to reach (¥)"), min_value=0, max_digits=14, decimal_places=2
    )
    points_per_yuan = forms.DecimalField(
        label=_("Points per yuan"), min_value=0, max_digits=6, decimal_places=2
    )
    validity_months = forms.IntegerField(label=_("Validity (months)"), min_value=1, max_value=120)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
