"""The demo step (answered, opened and expired invitations) and the periodic job."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from kefu.core.demo.registry import DEMO_PASSWORD, run_demo
from kefu.core.schedule import periodic_jobs
from kefu.surveys.models import SatisfactionRating, Survey, SurveyInvitation

pytestmark = pytest.mark.django_db


def test_demo_answers_some_invitations(db: Any) -> None:
    with transaction.atomic():
        ctx = run_demo(seed=1, scale=1, password_hash=make_password(DEMO_PASSWORD))
        statuses = {i.status_at(timezone.now()) for i in SurveyInvitation.objects.all()}
        ratings = SatisfactionRating.objects.filter(source="survey").count()
        surveys = Survey.objects.count()
        transaction.set_rollback(True)
    assert surveys == 2
    assert ctx.counts["survey answers"] == ratings
    assert ratings > 10
    assert {"answered", "expired"} <= set(statuses)


def test_auto_invite_job_is_registered() -> None:
    jobs = {j.name: j for j in periodic_jobs()}
    assert "surveys.auto_invite" in jobs
    assert jobs["surveys.auto_invite"].every.total_seconds() == 15 * 60
