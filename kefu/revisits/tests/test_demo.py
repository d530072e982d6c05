"""The demo step: scripts, a plan of every kind, tasks in every state."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.db import transaction

from kefu.core.demo.registry import DEMO_PASSWORD, run_demo
from kefu.revisits.models import RevisitPlan, RevisitTask, Script

pytestmark = pytest.mark.django_db


def test_demo_has_tasks_in_every_state(db: Any) -> None:
    with transaction.atomic():
        ctx = run_demo(seed=1, scale=1, password_hash=make_password(DEMO_PASSWORD))
        statuses = set(RevisitTask.objects.values_list("status", flat=True))
        results = set(RevisitTask.objects.exclude(result="").values_list("result", flat=True))
        kinds = set(RevisitPlan.objects.values_list("kind", flat=True))
        scripts = Script.objects.count()
        raised = RevisitTask.objects.filter(created_ticket__isnull=False).count()
        transaction.set_rollback(True)
    assert ctx.counts["revisit plans"] == 5
    assert statuses == {"open", "in_progress", "done", "unreachable", "cancelled"}
    assert results == {"satisfied", "average", "unsatisfied"}
    assert kinds == {
        "after_resolution",
        "key_accounts",
        "random_sample",
        "lapsed_members",
        "campaign",
    }
    assert scripts == 2
    assert raised >= 1
