"""Forms of the workbench. They parse input; the services own the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.forms import UnitChoiceField
from kefu.core.models import Department, OrgUnit, User
from kefu.tickets.choices import Channel, Priority, Status, TicketType
from kefu.tickets.models import Category

_ANY: list[tuple[str, Any]] = [("", _("All"))]
QUEUE_VIEWS = {
    "mine": _("Mine"),
    "department": _("My department"),
    "unassigned": _("Unassigned"),
    "due_soon": _("Due soon"),
    "breached": _("Breached"),
    "waiting": _("Waiting on customer"),
}


class TicketFilterForm(forms.Form):
    view = forms.ChoiceField(required=False, choices=[("", _("All")), *QUEUE_VIEWS.items()])
    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open")), ("all", _("Any status")), *Status.choices],
    )
    type = forms.ChoiceField(label=_("Type"), required=False, choices=_ANY + TicketType.choices)
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=_ANY + Priority.choices
    )
    unit = forms.IntegerField(required=False, min_value=1)
    department = forms.IntegerField(required=False, min_value=1)
    assignee = forms.IntegerField(required=False, min_value=1)

    FILTER_KEYS = ("q", "status", "type", "priority", "unit", "department", "assignee")


class IntakeForm(forms.Form):
    phone = forms.CharField(label=_("Caller's number"), max_length=40, required=False)
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    new_customer_name = forms.CharField(
        label=_("Name (new customer)"), max_length=200, required=False
    )
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    reference = forms.CharField(label=_("Order / waybill number"), max_length=64, required=False)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    received_at = forms.DateTimeField(
        label=_("Customer contacted us at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_(
            "Leave empty for now. Over an hour back needs a supervisor; SLA clocks count "
            "from this time."
        ),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
        category_field = self.fields["category"]
        assert isinstance(category_field, forms.ModelChoiceField)
        category_field.queryset = Category.objects.filter(is_active=True)
        self.fields["phone"].widget.attrs.update(
            {"autofocus": True, "inputmode": "tel", "autocomplete": "off"}
        )


MAX_REPLY_FILES = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """`<input type="file" multiple>`: cleans to a list of uploads (possibly empty). What
    may be attached (type, size) is the attachments service's rule, checked when saving."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        uploads = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(d, initial) for d in uploads if d]


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))
    mode = forms.ChoiceField(
        choices=[
            ("reply", _("Reply to customer")),
            ("note", _("Internal note")),
            ("call_in", _("Call from customer")),
            ("call_out", _("Call to customer")),
        ],
        initial="reply",
    )
    next_follow_up_at = forms.DateTimeField(
        label=_("Next follow-up"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_attachments(self) -> list[Any]:
        uploads: list[Any] = self.cleaned_data.get("attachments") or []
        if len(uploads) > MAX_REPLY_FILES:
            raise forms.ValidationError(
                _("Attach at most %(n)d files at once.") % {"n": MAX_REPLY_FILES}
            )
        return uploads

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("attachments") and data.get("mode") in ("call_in", "call_out"):
            self.add_error("attachments", _("Files can be attached to replies and notes only."))
        return data


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=User.objects.none())
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class TransferForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
    reason = forms.CharField(max_length=500, required=False)
    version = forms.IntegerField(required=False)


class FollowUpForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Follow up at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class BulkForm(forms.Form):
    action = forms.ChoiceField(choices=[("assign", "assign"), ("transfer", "transfer")])
    ids = forms.CharField()
    assignee = forms.IntegerField(required=False, min_value=1)
    department = forms.IntegerField(required=False, min_value=1)

    def clean_ids(self) -> list[int]:
        raw = self.cleaned_data["ids"]
        try:
            ids = [int(x) for x in str(raw).split(",") if x.strip()]
        except ValueError as exc:
            raise forms.ValidationError(_("Choose tickets from the list.")) from exc
        if not ids or len(ids) > 200:
            raise forms.ValidationError(_("Choose between 1 and 200 tickets."))
        return ids


class SaveViewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    query = forms.CharField(max_length=1000, required=False)


class DetailsForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True), required=False
    )
    reference = forms.CharField(label=_("Reference"), max_length=64, required=False)
    version = forms.IntegerField(required=False)
