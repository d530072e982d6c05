"""POST /sla/policies/order and /routing/rules/order reach their endpoints (they used to be
shadowed by /sla/policies/{policy_id} and /routing/rules/{rule_id}: always 405)."""

from __future__ import annotations

from kefu.core.choices import Role
from kefu.sla.models import SlaPolicy
from kefu.tickets.models import RoutingRule
from kefu.tickets.services import routing_config as rules


def test_reorder_policies_over_the_api(org, make_user, api_as):
    client = api_as(make_user(Role.MANAGER, org.hq))
    ids = list(SlaPolicy.objects.order_by("order").values_list("pk", flat=True))
    assert len(ids) > 1
    r = client.post("/api/v1/sla/policies/order", {"ids": ids[::-1]})
    assert r.status_code == 204, r.content
    assert list(SlaPolicy.objects.order_by("order").values_list("pk", flat=True)) == ids[::-1]
    r = client.post("/api/v1/sla/policies/order", {"ids": ids[:1]})
    assert r.status_code == 422
    assert r.json()["code"] == "validation_error"


def test_reorder_rules_over_the_api(org, make_user, api_as):
    manager = make_user(Role.MANAGER, org.hq)
    first = rules.create_rule(actor=manager, name="甲", order=1)
    second = rules.create_rule(actor=manager, name="乙", order=2)
    r = api_as(manager).post("/api/v1/routing/rules/order", {"ids": [second.pk, first.pk]})
    assert r.status_code == 204, r.content
    ordered = RoutingRule.objects.order_by("order").values_list("pk", flat=True)
    assert list(ordered) == [second.pk, first.pk]
    agent = api_as(make_user(Role.AGENT, org.east))
    assert agent.post("/api/v1/routing/rules/order", {"ids": [first.pk]}).status_code == 403
