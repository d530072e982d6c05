"""SLA tests start from the default policies (migration 0002), which a transactional test
elsewhere in the session may have flushed away."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps as django_apps


@pytest.fixture(autouse=True)
def default_policies(request: Any) -> None:
    names = request.fixturenames
    if "transactional_db" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
    else:
        return
    migration = importlib.import_module("kefu.sla.migrations.0002_default_policies")
    migration.create(django_apps, None)
