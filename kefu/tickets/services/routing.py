"""Routing: ordered rules set department, queue, priority and SLA policy; then assignment
within the department (rota or least open work, skipping people off duty).

A rule matches when every non-empty condition matches: ticket type, channel, customer
grade, unit (the rule's unit and every unit below it), category (the rule's categories and
their descendants) and keywords (any one keyword found in title + description; full-width
and half-width forms and letter case don't matter: 'ＰＳ５' matches 'ps5')."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.utils.translation import gettext as _

from kefu.core import config_cache
from kefu.core.models import Department, OrgUnit, User
from kefu.tickets.choices import AssignStrategy, EventKind
from kefu.tickets.events import add_event
from kefu.tickets.models import Category, RoutingRule, Ticket

config_cache.watch(RoutingRule, RoutingRule.categories.through, Category, OrgUnit, Department)


def normalise(text: str) -> str:
    """NFKC folds full-width letters, digits and punctuation to half-width; casefold."""
    return unicodedata.normalize("NFKC", text).casefold()


def keywords_match(keywords: Iterable[object], text: str) -> bool:
    words = [normalise(str(k)).strip() for k in keywords]
    words = [w for w in words if w]
    if not words:
        return True
    folded = normalise(text)
    return any(w in folded for w in words)


def _category_matches(rule_categories: list[Category], category: Category | None) -> bool:
    if not rule_categories:
        return True
    if category is None:
        return False
    for wanted in rule_categories:
        if wanted.pk == category.pk:
            return True
        if wanted.path and category.path.startswith(wanted.path):
            return True
    return False


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
    if not _category_matches(rule_categories(rule), ticket.category):
        return False
    return keywords_match(rule.keywords or [], f"{ticket.title}\n{ticket.description}")


def rule_categories(rule: RoutingRule) -> list[Category]:
    return list(rule.categories.all())


def _load_active_rules() -> tuple[RoutingRule, ...]:
    rules = tuple(
        RoutingRule.objects.filter(is_active=True)
        .select_related("unit", "department", "sla_policy")
        .prefetch_related("categories")
        .order_by("order", "pk")
    )
    for rule in rules:
        rule_categories(rule)  # evaluated now, so a cached rule never queries again
    return rules


def active_rules() -> list[RoutingRule]:
    """The active rules in order, with unit, SLA policy and categories loaded; kept in this
    process (kefu.core.config_cache) until a rule, category or unit changes. Read-only."""
    return list(config_cache.cached("routing:active_rules", _load_active_rules))


def _apply(rule: RoutingRule, ticket: Ticket) -> None:
    if rule.department_id and ticket.department_id is None:
        ticket.department = rule.department
    if rule.queue_id:
        ticket.queue_id = rule.queue_id
    if rule.priority:
        ticket.priority = rule.priority
    if rule.sla_policy_id:
        ticket.sla_policy = rule.sla_policy


def classify(ticket: Ticket) -> tuple[RoutingRule, dict[str, object]] | None:
    """Apply the first matching active rule's fields to a ticket (saved or not yet); returns
    the rule and the data of its 'classified' event, or None. Writes nothing."""
    for rule in active_rules():
        if not rule_matches(rule, ticket):
            continue
        _apply(rule, ticket)
        return rule, {
            "rule": rule.pk,
            "department": ticket.department_id,
            "queue": ticket.queue_id,
            "priority": ticket.priority,
            "sla_policy": ticket.sla_policy_id,
        }
    return None


def record_routing(*, ticket: Ticket, rule: RoutingRule, data: dict[str, object]) -> None:
    """The 'classified' event of a saved ticket, then assignment within its department by
    the rule's strategy (inside the caller's transaction; the caller saves the assignee)."""
    from kefu.tickets.services.assignment import auto_assign

    add_event(
        ticket=ticket,
        kind=EventKind.CLASSIFIED,
        actor=None,
        body=_("Routed by rule “%(rule)s”.") % {"rule": rule.name},
        data=data,
    )
    if rule.assign_strategy != AssignStrategy.NONE and ticket.assignee_id is None:
        auto_assign(ticket=ticket, strategy=rule.assign_strategy)


def route_ticket(*, ticket: Ticket, actor: User | None) -> RoutingRule | None:
    """Apply the first matching active rule to a saved ticket, then assign within its
    department by the rule's strategy (inside the caller's transaction; the caller saves)."""
    routed = classify(ticket)
    if routed is None:
        return None
    rule, data = routed
    record_routing(ticket=ticket, rule=rule, data=data)
    return rule
