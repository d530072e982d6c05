"""Row locks of the surveys app."""

from __future__ import annotations

from django.db.models import QuerySet

from kefu.surveys.models import SurveyInvitation


def invitation_for_answer(token_hash: str) -> QuerySet[SurveyInvitation]:
    """The invitation with this token hash, locked until the answering transaction ends."""
    return (
        SurveyInvitation.objects.select_for_update(of=("self",))
        .select_related("survey", "ticket", "unit")
        .filter(token_hash=token_hash)
    )
