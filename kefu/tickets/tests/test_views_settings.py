from __future__ import annotations

import pytest

from kefu.core.choices import Role
from kefu.core.tests.ui_client import ui_fixture  # noqa: F401
from kefu.tickets.models import Category, Macro, Queue
from kefu.tickets.tests.h9_fixtures import url


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


def test_routing_rule_create_edit_delete(ui, hq_manager, org):
    from kefu.tickets.models import RoutingRule

    client = ui(hq_manager)
    response = client.post(
        url("tickets:settings_rules"),
        {
            "name": "破损→质量部",
            "order": 10,
            "is_active": "on",
            "types": ["complaint", "after_sales"],
            "keywords": "破损，压坏 碎",
            "department": org.quality_hq.pk,
            "priority": "high",
            "assign_strategy": "none",
        },
    )
    assert response.status_code == 302
    rule = RoutingRule.objects.get()
    assert (rule.types, rule.keywords, rule.department_id, rule.priority) == (
        ["complaint", "after_sales"],
        ["破损", "压坏", "碎"],
        org.quality_hq.pk,
        "high",
    )
    html = client.get(url("tickets:settings_rules"), {"edit": rule.pk}).content.decode()
    assert "破损，压坏，碎" in html
    client.post(url("tickets:settings_rule_delete", rule.pk))
    assert not RoutingRule.objects.exists()


def test_sla_policy_in_hours(ui, hq_manager):
    from kefu.sla.models import SlaPolicy

    client = ui(hq_manager)
    before = SlaPolicy.objects.count()
    response = client.post(
        url("tickets:settings_policies"),
        {
            "name": "加急投诉",
            "order": 5,
            "is_active": "on",
            "ticket_type": "complaint",
            "priority": "urgent",
            "first_response": "2",
            "resolution": "24",
            "business_time": "on",
            "warn_ratio": "0.75",
        },
    )
    assert response.status_code == 302
    p = SlaPolicy.objects.get(name="加急投诉")
    assert (p.first_response_minutes, p.next_response_minutes, p.resolution_minutes) == (
        120,
        None,
        1440,
    )
    assert str(p.warn_ratio) == "0.75"
    listing = client.get(url("tickets:settings_policies"))
    assert listing.status_code == 200
    assert "加急投诉" in listing.content.decode()
    edit = client.get(url("tickets:settings_policies"), {"edit": p.pk}).content.decode()
    assert 'value="24.00"' in edit or 'value="24"' in edit
    assert SlaPolicy.objects.count() == before + 1
    bad = client.post(
        url("tickets:settings_policies"), {"name": "加急投诉", "order": 6, "warn_ratio": "0.8"}
    )
    assert "Another policy has this name" in bad.content.decode()


def test_rules_and_policies_need_configure(ui, org, make_user):
    supervisor = make_user(Role.SUPERVISOR, org.east)
    assert ui(supervisor).get(url("tickets:settings_rules")).status_code == 403
    assert ui(supervisor).get(url("tickets:settings_policies")).status_code == 403
