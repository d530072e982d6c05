"""The surveys' part of a customer's personal data (registered in SurveysConfig.ready).

Export: survey invitations (channel, recipient, times) and the answers. Erase: the
recipients and free-text comments are blanked; scores stay for the satisfaction figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext_lazy

from kefu.surveys.models import SatisfactionRating, SurveyInvitation

if TYPE_CHECKING:
    from kefu.customers.models import Customer
    from kefu.customers.personal_data_registry import Redactor, Rows


def _own(customer: Customer) -> Q:
    return Q(customer_id=customer.pk) | Q(ticket__customer_id=customer.pk)


def export_surveys(customer: Customer) -> dict[str, Rows]:
    return {
        "survey_invitations": list(
            SurveyInvitation.objects.filter(_own(customer))
            .order_by("sent_at", "id")
            .values(
                "survey__title",
                "ticket__number",
                "channel",
                "recipient",
                "sent_at",
                "expires_at",
                "opened_at",
                "used_at",
            )
        ),
        "survey_answers": list(
            SatisfactionRating.objects.filter(_own(customer))
            .order_by("created_at", "id")
            .values("source", "ticket__number", "csat", "nps", "comment", "created_at")
        ),
    }


def erase_surveys(customer: Customer, redactor: Redactor) -> dict[str, int]:
    invitations = SurveyInvitation.objects.filter(_own(customer)).exclude(recipient="")
    ratings = SatisfactionRating.objects.filter(_own(customer)).exclude(comment="")
    return {
        "survey_invitations": invitations.update(recipient=""),
        "survey_answers": ratings.update(comment=""),
    }


def register() -> None:
    from kefu.customers.personal_data_registry import register_personal_data_provider

    register_personal_data_provider(
        "surveys",
        gettext_lazy("Surveys"),
        exporter=export_surveys,
        eraser=erase_surveys,
        order=50,
    )
