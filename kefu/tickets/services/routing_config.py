"""Managing routing rules (settings pages and API): create, update, delete, reorder.

Rules apply to every unit, so changing them needs `Perm.CONFIGURE` at headquarters. Related
objects are given by id: `unit_id`, `department_id`, `queue_id`, `sla_policy_id`,
`category_ids`."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.core import config_cache
from kefu.core.errors import ValidationFailed
from kefu.core.models import Department, OrgUnit, User
from kefu.core.services.audit import diff_fields, record_audit
from kefu.customers.choices import Grade
from kefu.sla.models import SlaPolicy
from kefu.sla.services_config import require_configure
from kefu.tickets.choices import AssignStrategy, Channel, Priority, TicketType
from kefu.tickets.models import Category, Queue, RoutingRule

MAX_KEYWORDS = 50
_LISTS = {"types": TicketType.values, "channels": Channel.values, "customer_grades": Grade.values}
_FKS: dict[str, Any] = {
    "unit_id": OrgUnit,
    "department_id": Department,
    "queue_id": Queue,
    "sla_policy_id": SlaPolicy,
}
FIELDS = (
    "name",
    "order",
    "is_active",
    "types",
    "channels",
    "keywords",
    "customer_grades",
    "category_ids",
    "priority",
    "assign_strategy",
    *_FKS,
)


def _clean_list(key: str, value: Any, errors: dict[str, str]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors[key] = _("Give a list of values.")
        return []
    if key == "keywords":
        words = list(dict.fromkeys(v.strip()[:50] for v in value if v.strip()))
        if len(words) > MAX_KEYWORDS:
            errors[key] = _("At most 50 keywords.")
        return words
    if any(v not in _LISTS[key] for v in value):
        errors[key] = _("Not a valid choice.")
    return list(dict.fromkeys(value))


def _clean_value(key: str, value: Any, errors: dict[str, str]) -> Any:
    if key == "name":
        name = str(value or "").strip()
        if not name or len(name) > 100:
            errors[key] = _("Enter a name of at most 100 characters.")
        return name
    if key == "order":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors[key] = _("Enter a positive whole number.")
        return value
    if key == "is_active":
        if not isinstance(value, bool):
            errors[key] = _("Enter true or false.")
        return value
    if key in _LISTS or key == "keywords":
        return _clean_list(key, value, errors)
    if key == "priority":
        if value and value not in Priority.values:
            errors[key] = _("Not a valid choice.")
        return value or ""
    if key == "assign_strategy":
        if value not in AssignStrategy.values:
            errors[key] = _("Not a valid choice.")
        return value
    if key == "category_ids":
        ids = value if isinstance(value, list) else None
        if ids is None or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            errors[key] = _("Give a list of ids.")
            return []
        if Category.objects.filter(pk__in=ids).count() != len(set(ids)):
            errors[key] = _("Unknown category.")
        return sorted(set(ids))
    # foreign keys by id
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors[key] = _("Give an id.")
        return None
    if not _FKS[key].objects.filter(pk=value).exists():
        errors[key] = _("Not found.")
    return value


def _clean(fields: dict[str, Any], rule: RoutingRule | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key not in FIELDS:
            errors[key] = _("Unknown field.")
            continue
        out[key] = _clean_value(key, value, errors)
    if rule is None and "name" not in fields:
        errors["name"] = _("Enter a name.")
    queue_id = out.get("queue_id", rule.queue_id if rule else None)
    department_id = out.get("department_id", rule.department_id if rule else None)
    if queue_id and not errors.get("queue_id"):
        queue = Queue.objects.get(pk=queue_id)
        if department_id and queue.department_id != department_id:
            errors["queue_id"] = _("The queue belongs to another department.")
    if errors:
        raise ValidationFailed(details=errors)
    return out


def snapshot(rule: RoutingRule) -> dict[str, Any]:
    data = {key: getattr(rule, key) for key in FIELDS if key != "category_ids"}
    data["category_ids"] = sorted(c.pk for c in rule.categories.all())
    return data


def _write(rule: RoutingRule, clean: dict[str, Any]) -> None:
    categories = clean.pop("category_ids", None)
    for key, value in clean.items():
        setattr(rule, key, value)
    rule.save()
    if categories is not None:
        rule.categories.set(categories)


def create_rule(*, actor: User, **fields: Any) -> RoutingRule:
    require_configure(actor)
    clean = _clean(fields, None)
    with transaction.atomic():
        rule = RoutingRule()
        _write(rule, clean)
        changes = diff_fields({}, snapshot(rule))
        record_audit(actor=actor, action="routing_rule.create", obj=rule, changes=changes)
    return rule


def update_rule(*, actor: User, rule: RoutingRule, **fields: Any) -> RoutingRule:
    require_configure(actor)
    clean = _clean(fields, rule)
    with transaction.atomic():
        locked = RoutingRule.objects.select_for_update().get(pk=rule.pk)
        before = snapshot(locked)
        _write(locked, clean)
        changes = diff_fields(before, snapshot(locked))
        if changes:
            record_audit(actor=actor, action="routing_rule.update", obj=locked, changes=changes)
    return locked


def delete_rule(*, actor: User, rule: RoutingRule) -> None:
    require_configure(actor)
    with transaction.atomic():
        record_audit(actor=actor, action="routing_rule.delete", obj=rule, changes=snapshot(rule))
        rule.delete()


def reorder_rules(*, actor: User, ids: list[int]) -> None:
    """`ids` in the new order (10, 20, 30 …); every rule must be listed once."""
    require_configure(actor)
    with transaction.atomic():
        rules = {r.pk: r for r in RoutingRule.objects.select_for_update()}
        if sorted(ids) != sorted(rules):
            raise ValidationFailed(details={"ids": _("List every rule exactly once.")})
        for position, pk in enumerate(ids, start=1):
            rules[pk].order = position * 10
        RoutingRule.objects.bulk_update(rules.values(), ["order"])
        config_cache.invalidate()  # a bulk update sends no model signal
        record_audit(
            actor=actor,
            action="routing_rule.reorder",
            object_type="tickets.routingrule",
            changes={"order": ids},
        )
