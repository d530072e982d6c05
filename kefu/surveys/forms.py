"""Forms of the surveys app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.surveys.choices import CSAT_MAX, CSAT_MIN, NPS_MAX, NPS_MIN, SurveyKind
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
