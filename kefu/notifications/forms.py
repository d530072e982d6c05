"""Forms of the notifications screens."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.customers.choices import Grade
from kefu.notifications.channels.sms import PROVIDERS
from kefu.notifications.choices import Channel, Status


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Status.choices]
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All")), *Channel.choices]
    )


class TemplateForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Body"),
        widget=forms.Textarea(attrs={"rows": 8, "class": "mono"}),
        help_text=_("Django template syntax, e.g. {{ name }} or {% if note %}…{% endif %}."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    sample = forms.CharField(
        label=_("Sample context (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "mono"}),
    )

    def clean_sample(self) -> dict[str, Any]:
        raw = self.cleaned_data.get("sample") or "{}"
        try:
            value = json.loads(raw)
        except ValueError:
            raise forms.ValidationError(_('Enter a JSON object, e.g. {"name": "张三"}.')) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_('Enter a JSON object, e.g. {"name": "张三"}.'))
        return value


class ChannelConfigForm(forms.Form):
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
    provider = forms.ChoiceField(
        label=_("SMS provider"), required=False, choices=[(p, p) for p in PROVIDERS]
    )
    endpoint = forms.CharField(label=_("Endpoint or webhook URL"), max_length=500, required=False)
    key_id = forms.CharField(label=_("Access key id"), max_length=200, required=False)
    secret = forms.CharField(
        label=_("Secret"),
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the stored secret."),
    )
    sign_name = forms.CharField(label=_("SMS sign name"), max_length=100, required=False)
    template_codes = forms.CharField(
        label=_("Aliyun template codes (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "mono"}),
        help_text=_('Template key → approved code, e.g. {"member.birthday": "SMS_123456"}.'),
    )

    def clean_template_codes(self) -> dict[str, str]:
        raw = self.cleaned_data.get("template_codes") or "{}"
        try:
            value = json.loads(raw)
        except ValueError:
            raise forms.ValidationError(_("Enter a JSON object.")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Enter a JSON object."))
        return {str(k): str(v) for k, v in value.items()}


class TestSendForm(forms.Form):
    to = forms.CharField(
        label=_("Recipient"),
        max_length=200,
        required=False,
        help_text=_("A mobile number for SMS; mobiles to @mention (optional) for robots."),
    )


class HolidayForm(forms.Form):
    holiday = forms.CharField(label=_("Holiday"), max_length=50, initial="春节")
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[(Channel.SMS, _("SMS")), (Channel.EMAIL, _("Email"))]
    )
    template = forms.CharField(label=_("Template"), max_length=100, initial="holiday.greeting")
    unit = forms.IntegerField(label=_("Unit"), required=False, widget=forms.Select)
    grade = forms.ChoiceField(
        label=_("Grade"), required=False, choices=[("", _("All")), *Grade.choices]
    )
    key_accounts_only = forms.BooleanField(label=_("Key accounts only"), required=False)
