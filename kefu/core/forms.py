"""Forms of the management pages. They parse and check input only; the views hand the
cleaned data to the services, which own the rules (and whose errors land back on the form)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kefu.core.choices import DepartmentKind, Role, UnitKind
from kefu.core.errors import DomainError
from kefu.core.models import BusinessCalendar, Department, OrgUnit

_ANY = [("", _("All"))]


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Units indented by depth so the select reads like the tree."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{'\u3000' * obj.depth}{obj.name}（{obj.code}）"


def apply_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Put a service's error on the form: field details on their fields, the message on top
    (unless it only repeats a field message or says nothing more than "not valid")."""
    details = exc.details if isinstance(exc.details, dict) else {}
    shown: set[str] = set()
    on_field = False
    for key, value in details.items():
        target = key if key in form.fields else None
        on_field = on_field or target is not None
        for text in value if isinstance(value, list) else [value]:
            form.add_error(target, str(text))
            shown.add(str(text))
    generic = {str(type(exc).default_message), gettext("Some fields are not valid.")}
    if not on_field or (exc.message not in shown and exc.message not in generic):
        form.add_error(None, exc.message)


# --- organisation ---------------------------------------------------------------------------


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.CharField(
        label=_("Code"), max_length=32, help_text=_("Unique, e.g. S-SH01. Used in imports.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    parent = UnitChoiceField(label=_("Parent unit"), queryset=OrgUnit.objects.none())
    calendar = forms.ModelChoiceField(
        label=_("Business calendar"),
        queryset=BusinessCalendar.objects.all(),
        required=False,
        empty_label=_("Same as the parent unit"),
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def __init__(
        self, *args: Any, parents: QuerySet[OrgUnit], allow_top: bool, edit: bool, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        if edit:
            del self.fields["parent"]
            return
        field = self.fields["parent"]
        assert isinstance(field, UnitChoiceField)
        field.queryset = parents
        field.required = not allow_top
        field.empty_label = _("— None: a top-level unit —") if allow_top else None


class UnitMoveForm(forms.Form):
    parent = UnitChoiceField(label=_("New parent unit"), queryset=OrgUnit.objects.none())

    def __init__(self, *args: Any, parents: QuerySet[OrgUnit], **kw: Any) -> None:
        super().__init__(*args, **kw)
        field = self.fields["parent"]
        assert isinstance(field, UnitChoiceField)
        field.queryset = parents


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.CharField(label=_("Code"), max_length=32, help_text=_("Unique, e.g. D-CS."))
    kind = forms.ChoiceField(label=_("Kind"), choices=DepartmentKind.choices)
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], edit: bool = False, **kw: Any):
        super().__init__(*args, **kw)
        field = self.fields["unit"]
        assert isinstance(field, UnitChoiceField)
        field.queryset = units
        if not edit:
            del self.fields["is_active"]


# --- users ----------------------------------------------------------------------------------


class PasswordFields(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not a common password."),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password2") != data.get("password"):
            self.add_error("password2", _("The two passwords differ. Type the same one twice."))
        return data


class UserCreateForm(PasswordFields):
    username = forms.CharField(
        label=_("User name"), max_length=150, help_text=_("Used to sign in, e.g. wang.li")
    )
    display_name = forms.CharField(label=_("Full name"), max_length=60, required=False)
    employee_no = forms.CharField(label=_("Employee number"), max_length=32, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.AGENT)
    field_order = ["username", "display_name", "employee_no", "phone", "email", "unit", "role"]

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], allow_none: bool, **kw: Any):
        super().__init__(*args, **kw)
        field = self.fields["unit"]
        assert isinstance(field, UnitChoiceField)
        field.queryset = units
        field.required = not allow_none
        field.empty_label = _("— No unit yet —") if allow_none else None


class UserProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Full name"), max_length=60, required=False)
    employee_no = forms.CharField(label=_("Employee number"), max_length=32, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Browser default")), *settings.LANGUAGES],
        required=False,
    )
    on_duty = forms.BooleanField(
        label=_("On duty"), required=False, help_text=_("Off duty: gets no new assignments.")
    )
    is_active = forms.BooleanField(
        label=_("Active"), required=False, help_text=_("Inactive accounts cannot sign in.")
    )


class AccountForm(UserProfileForm):
    """A user's own profile: no on-duty or active switches."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        del self.fields["on_duty"], self.fields["is_active"], self.fields["employee_no"]


class RoleAssignForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kw: Any) -> None:
        super().__init__(*args, **kw)
        field = self.fields["unit"]
        assert isinstance(field, UnitChoiceField)
        field.queryset = units


class DepartmentsField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} · {obj.unit.name}"


class UserDepartmentsForm(forms.Form):
    departments = DepartmentsField(
        label=_("Departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, departments: QuerySet[Department], **kw: Any) -> None:
        super().__init__(*args, **kw)
        field = self.fields["departments"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = departments


class SetPasswordForm(PasswordFields):
    pass


class ChangePasswordForm(PasswordFields):
    current_password = forms.CharField(
        label=_("Current password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["current_password", "password", "password2"]


# --- API tokens -----------------------------------------------------------------------------

_EXPIRY = {"30": 30, "90": 90, "365": 365}


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=60, help_text=_("What the token is for, e.g. 呼叫中心对接")
    )
    expires = forms.ChoiceField(
        label=_("Expires"),
        choices=[
            ("30", _("In 30 days")),
            ("90", _("In 90 days")),
            ("365", _("In one year")),
            ("", _("Never")),
        ],
        initial="90",
        required=False,
    )

    def expires_at(self) -> Any:
        days = _EXPIRY.get(self.cleaned_data.get("expires") or "")
        return timezone.now() + timedelta(days=days) if days else None


# --- filters (GET) --------------------------------------------------------------------------


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    root = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    kind = forms.ChoiceField(label=_("Kind"), choices=_ANY + UnitKind.choices, required=False)


class DepartmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    unit = forms.IntegerField(label=_("Unit"), required=False, min_value=1, max_value=2**62)
    kind = forms.ChoiceField(label=_("Kind"), choices=_ANY + DepartmentKind.choices, required=False)


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    unit = forms.IntegerField(label=_("Unit"), required=False, min_value=1, max_value=2**62)
    role = forms.ChoiceField(label=_("Role"), choices=_ANY + Role.choices, required=False)
    department = forms.IntegerField(
        label=_("Department"), required=False, min_value=1, max_value=2**62
    )
    active = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All")), ("1", _("Active")), ("0", _("Inactive"))],
        required=False,
    )


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), required=False, max_length=64)
    actor = forms.IntegerField(label=_("Actor"), required=False, min_value=1, max_value=2**62)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=64)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
