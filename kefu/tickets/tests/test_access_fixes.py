"""Regression found by the access matrix: deleting someone else's saved view is a 404 (it
used to redirect with a message) and leaves the view alone."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kefu.core.choices import Role
from kefu.tickets.models import SavedView
from kefu.tickets.services.config import save_view

pytestmark = pytest.mark.django_db


def test_deleting_another_users_saved_view_is_404(org: Any, make_user: Any) -> None:
    owner = make_user(Role.AGENT, org.east)
    view = save_view(actor=owner, name="我的紧急单", query="priority=urgent")
    client = Client()
    client.force_login(make_user(Role.AGENT, org.east))
    assert client.post(f"/tickets/views/{view.pk}/delete/").status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()
    mine = Client()
    mine.force_login(owner)
    assert mine.post(f"/tickets/views/{view.pk}/delete/").status_code == 302
    assert not SavedView.objects.filter(pk=view.pk).exists()
