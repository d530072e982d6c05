"""Routing: ordered rules set department, queue, priority and SLA policy; then assignment
within the department (rota or least open work, skipping people off duty)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kefu.core.models import User
from kefu.tickets.choices import EventKind
from kefu.tickets.events import add_event
from kefu.tickets.models import RoutingRule, Ticket


def rule_matches(rule: RoutingRule, ticket: Ticket) -> bool:
    if rule.types and ticket.type not in rule.types:
        return False
    if rule.channels and ticket.channel not in rule.channels:
        return False
    if rule.unit is not None and not ticket.unit.path.startswith(rule.unit.path):
        return False
    if rule.customer_grades and (
        ticket.customer is None or ticket.customer.grade not in rule.customer_grades
    ):
        return False
    categories = {c.pk for c in rule.categories.all()}
    if categories and ticket.category_id not in categories:
        return False
    if rule.keywords:
        text = f"{ticket.title}\n{ticket.description}".lower()
        if not any(str(k).lower() in text for k in rule.keywords if str(k).strip()):
            return False
    return True


def route_ticket(*, ticket: Ticket, actor: User | None) -> RoutingRule | None:
    """Apply the first matching active rule to a new ticket (inside its transaction)."""
    rules = (
        RoutingRule.objects.filter(is_active=True)
        .select_related("unit")
        .prefetch_related("categories")
    )
    for rule in rules:
        if not rule_matches(rule, ticket):
            continue
        if rule.department_id and ticket.department_id is None:
            ticket.department_id = rule.department_id
        if rule.queue_id:
            ticket.queue_id = rule.queue_id
        if rule.priority:
            ticket.priority = rule.priority
        if rule.sla_policy_id:
            ticket.sla_policy_id = rule.sla_policy_id
        add_event(
            ticket=ticket,
            kind=EventKind.CLASSIFIED,
            actor=None,
            body=_("Routed by rule “%(rule)s”.") % {"rule": rule.name},
            data={
                "rule": rule.pk,
                "department": ticket.department_id,
                "queue": ticket.queue_id,
                "priority": ticket.priority,
            },
        )
        return rule
    return None
