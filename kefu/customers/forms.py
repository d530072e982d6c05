"""Forms of the customer archive pages. They parse input only; the services own the rules
(their errors land back on the form through apply_domain_error)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kefu.core.forms import UnitChoiceField
from kefu.core.models import OrgUnit, User
from kefu.customers.choices import CreditLevel, CustomerKind, Grade, Source
from kefu.customers.services.common import Errors

_SPLIT = re.compile(r"[\n,，;；、]+")
_ANY = [("", _("All"))]


def split_list(raw: str) -> list[str]:
    return [part.strip() for part in _SPLIT.split(raw or "") if part.strip()]


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class CustomerFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    phone = forms.CharField(required=False, max_length=100)
    tag = forms.CharField(required=False, max_length=40)
    grade = forms.ChoiceField(required=False, choices=[*_ANY, *Grade.choices])
    kind = forms.ChoiceField(required=False, choices=[*_ANY, *CustomerKind.choices])
    key_account = forms.ChoiceField(
        required=False, choices=[*_ANY, ("1", _("Key accounts")), ("0", _("Others"))]
    )
    unit = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    FILTER_KEYS = ("q", "phone", "tag", "grade", "kind", "key_account", "unit")

    def selector_kwargs(self) -> dict[str, Any]:
        self.is_valid()
        data = self.cleaned_data  # the valid filters; an invalid one is ignored
        out: dict[str, Any] = {
            k: data[k] for k in ("q", "phone", "tag", "grade", "kind") if data.get(k)
        }
        if data.get("key_account") in {"0", "1"}:
            out["key_account"] = data["key_account"] == "1"
        if data.get("unit"):
            out["unit"] = data["unit"]
        return out


class CustomerForm(forms.Form):
    """Create and edit. On edit the personal fields start empty (the current values are
    masked); an empty personal field keeps what is stored."""

    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=CustomerKind.choices, initial="person")
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    phones = forms.CharField(
        label=_("Phones"),
        required=False,
        max_length=400,
        help_text=_("One or more, separated by commas; +86, spaces and dashes are fine."),
    )
    email = forms.CharField(label=_("Email"), required=False, max_length=254)
    id_number = forms.CharField(label=_("ID card / tax number"), required=False, max_length=40)
    address = forms.CharField(label=_("Address"), required=False, max_length=300)
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices, initial="C")
    is_key_account = forms.BooleanField(label=_("Key account"), required=False)
    account_manager = UserChoiceField(
        label=_("Account manager"), queryset=User.objects.none(), required=False
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=[("", "—"), *Source.choices], required=False
    )
    source_unit = UnitChoiceField(
        label=_("Source unit or store"), queryset=OrgUnit.objects.none(), required=False
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=600,
        help_text=_("Separated by commas, e.g. VIP, 投诉敏感"),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    PERSONAL = ("phones", "email", "id_number", "address")

    def __init__(
        self,
        *args: Any,
        units: QuerySet[OrgUnit],
        source_units: QuerySet[OrgUnit],
        managers: QuerySet[User],
        editing: bool = False,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        for name, qs in (("unit", units), ("source_unit", source_units)):
            field = self.fields[name]
            assert isinstance(field, UnitChoiceField)
            field.queryset = qs
        manager = self.fields["account_manager"]
        assert isinstance(manager, UserChoiceField)
        manager.queryset = managers
        manager.empty_label = "—"
        source_unit = self.fields["source_unit"]
        assert isinstance(source_unit, UnitChoiceField)
        source_unit.empty_label = "—"
        unit = self.fields["unit"]
        assert isinstance(unit, UnitChoiceField)
        unit.empty_label = None  # the first unit the actor may edit in is preselected
        self.fields["name"].widget.attrs["autofocus"] = True
        if editing:
            del self.fields["phones"]  # phones are added and removed on the customer page
            for name in ("email", "id_number", "address"):
                self.fields[name].help_text = _("Leave empty to keep the current value.")

    def _check(self, name: str, check: str) -> Any:
        """The service's own check of one field, early (inline validation while typing)."""
        errors = Errors()
        value = getattr(errors, check)(name, self.cleaned_data.get(name, ""))
        if errors:
            raise forms.ValidationError(errors[name])
        return value

    def clean_phones(self) -> str:
        for raw in split_list(self.cleaned_data.get("phones", "")):
            errors = Errors()
            errors.phone("phones", raw)
            if errors:
                raise forms.ValidationError(errors["phones"])
        return str(self.cleaned_data.get("phones", ""))

    def clean_email(self) -> str:
        return str(self._check("email", "email"))

    def clean_id_number(self) -> str:
        return str(self._check("id_number", "id_number"))

    def service_kwargs(self, *, editing: bool) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["tags"] = split_list(data.get("tags", ""))
        if "phones" in data:
            data["phones"] = split_list(data["phones"])
        if editing:
            for name in self.PERSONAL:
                if name in data and not data[name]:
                    data.pop(name)
        return data


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    title = forms.CharField(label=_("Position"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    is_primary = forms.BooleanField(label=_("Primary contact"), required=False)


class AddressForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=40, required=False)
    province = forms.CharField(label=_("Province"), max_length=40, required=False)
    city = forms.CharField(label=_("City"), max_length=40, required=False)
    district = forms.CharField(label=_("District"), max_length=40, required=False)
    detail = forms.CharField(label=_("Street address"), max_length=300)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    is_default = forms.BooleanField(label=_("Default address"), required=False)


class PhoneForm(forms.Form):
    number = forms.CharField(label=_("Phone"), max_length=40)
    label = forms.CharField(label=_("Label"), max_length=20, required=False)


class CreditForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Credit rating"),
        choices=[("", _("Unchanged")), *CreditLevel.choices],
        required=False,
    )
    score = forms.IntegerField(label=_("Credit score"), min_value=0, max_value=1000, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500)
    effective_on = forms.DateField(
        label=_("Effective on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["level"] = data.get("level") or None
        return data


class TagsForm(forms.Form):
    tags = forms.CharField(label=_("Tags"), max_length=600, required=False)
