"""Forms of the surveys app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.surveys.choices import (
    CSAT_MAX,
    CSAT_MIN,
    NPS_MAX,
    NPS_MIN,
    InvitationChannel,
    SurveyKind,
)
from kefu.surveys.models import Survey
from kefu.surveys.services import MAX_COMMENT


class AnswerForm(forms.Form):
    """The customer's answer: one score on the survey's scale and an optional comment."""

    score = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        low, high = (CSAT_MIN, CSAT_MAX) if survey.kind == SurveyKind.CSAT else (NPS_MIN, NPS_MAX)
        field = self.fields["score"]
        assert isinstance(field, forms.TypedChoiceField)
        self.scale = [(n, str(n)) for n in range(low, high + 1)]
        field.choices = self.scale
        field.label = survey.question
        field.error_messages["required"] = _("Please choose a score.")
        field.error_messages["invalid_choice"] = _("Please choose a score on the scale.")
        if survey.comment_question:
            self.fields["comment"].label = survey.comment_question
        else:
            del self.fields["comment"]


class SurveyForm(forms.ModelForm[Survey]):
    """The settings form; the view passes the units the actor may configure."""

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        if units is not None:
            unit.queryset = units
        if self.instance.pk:  # the kind and the unit stay once a survey exists
            del self.fields["unit"]
            del self.fields["kind"]

    class Meta:
        model = Survey
        fields = [
            "unit",
            "kind",
            "title",
            "question",
            "comment_question",
            "active",
            "expires_after_days",
            "auto_sample_percent",
            "auto_channel",
        ]


class RangeForm(forms.Form):
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    group_by = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[("day", _("Day")), ("week", _("Week")), ("month", _("Month"))]
        + [("agent", _("Agent")), ("unit", _("Unit"))],
    )
    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[
            ("", _("Surveys and revisits")),
            ("survey", _("Survey")),
            ("revisit", _("Revisit")),
        ],
    )


class InviteForm(forms.Form):
    ticket = forms.CharField(label=_("Ticket number"), max_length=20)
    survey = forms.ModelChoiceField(label=_("Survey"), queryset=Survey.objects.none())
    channel = forms.ChoiceField(label=_("Channel"), choices=InvitationChannel.choices)

    def __init__(self, *args: Any, surveys: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        survey = self.fields["survey"]
        assert isinstance(survey, forms.ModelChoiceField)
        survey.queryset = surveys
