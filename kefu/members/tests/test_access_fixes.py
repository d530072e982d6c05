"""Regression found by the access matrix: another store's greeting is a 404, not a
redirect with a message."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kefu.members.models import Greeting

pytestmark = pytest.mark.django_db


def test_marking_another_stores_greeting_done_is_404(filed: Any, gz_clerk: Any) -> None:
    greeting = Greeting.objects.create(member=filed, on_date=timezone.localdate())
    client = Client()
    client.force_login(gz_clerk)
    assert client.post(f"/members/birthdays/{greeting.pk}/done/").status_code == 404
    greeting.refresh_from_db()
    assert greeting.status == "pending"
