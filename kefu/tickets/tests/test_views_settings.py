from __future__ import annotations

import pytest

from kefu.core.choices import Role
from kefu.core.tests.ui_client import ui_fixture  # noqa: F401
from kefu.tickets.models import Category, Macro, Queue
from kefu.tickets.tests.h9_fixtures import url

pytestmark = pytest.mark.urls("kefu.tickets.tests.urls_h9")


@pytest.fixture(name="hq_manager")
def hq_manager_fixture(org, make_user):
    return make_user(Role.MANAGER, org.hq)


def test_pages_render(ui, hq_manager):
    client = ui(hq_manager)
    for name in ("categories", "queues", "macros"):
        response = client.get(url(f"tickets:settings_{name}"))
        assert response.status_code == 200
        assert "Nothing here yet" in response.content.decode()


def test_agent_is_refused(ui, org, make_user):
    agent = make_user(Role.AGENT, org.east)
    assert ui(agent).get(url("tickets:settings_categories")).status_code == 403


def test_category_tree(ui, hq_manager):
    client = ui(hq_manager)
    client.post(
        url("tickets:settings_categories"), {"name": "质量问题", "code": "Q", "is_active": "on"}
    )
    parent = Category.objects.get(code="Q")
    client.post(
        url("tickets:settings_categories"),
        {"name": "破损", "code": "Q-D", "parent": parent.pk, "is_active": "on"},
    )
    child = Category.objects.get(code="Q-D")
    assert child.path == f"{parent.path}{child.pk}/"
    response = client.post(url("tickets:settings_categories"), {"name": "重复", "code": "Q"})
    assert response.status_code == 200
    assert "Already used" in response.content.decode()
    assert Category.objects.count() == 2
    client.post(
        url("tickets:settings_categories"),
        {"edit": parent.pk, "name": "质量", "code": "Q", "parent": child.pk},
    )
    parent.refresh_from_db()
    assert parent.name == "质量问题"  # cannot sit below itself


def test_queue_and_macro(ui, hq_manager, org):
    client = ui(hq_manager)
    client.post(
        url("tickets:settings_queues"),
        {"department": org.cs_hq.pk, "name": "电话", "is_active": "on"},
    )
    assert list(Queue.objects.values_list("name", flat=True)) == ["电话"]
    response = client.post(url("tickets:settings_macros"), {"name": "坏", "body": "{% if %}"})
    assert "not valid" in response.content.decode()
    client.post(
        url("tickets:settings_macros"),
        {"name": "问候", "body": "{{ customer.name }}您好", "is_active": "on"},
    )
    assert Macro.objects.get().body == "{{ customer.name }}您好"
