"""The demo leaves near-duplicate customers and open pairs for the review page."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from kefu.customers.choices import DuplicateStatus
from kefu.customers.models import DuplicatePair


def test_demo_plants_duplicates_and_runs_the_finder(db):
    call_command("demo", "--seed", "1", stdout=StringIO())
    pairs = list(DuplicatePair.objects.filter(status=DuplicateStatus.OPEN))
    codes = {r["code"] for p in pairs for r in p.reasons}
    assert len(pairs) >= 10
    assert {"same_name", "same_phone", "similar_name"} <= codes
