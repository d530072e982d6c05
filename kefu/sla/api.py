"""SLA policy, routing rule and in-app alert endpoints (thin: parse, call a selector/service,
return). Wired with `api.add_router("/", sla_api.router)`: /sla/policies, /routing/rules,
/alerts."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from kefu.core.api_common import ERRORS, actor_of
from kefu.sla import bell, selectors
from kefu.sla import services_config as policy_services
from kefu.tickets.models import RoutingRule
from kefu.tickets.services import routing_config as rule_services

router = Router(tags=["SLA and routing"])


class PolicyOut(Schema):
    id: int
    name: str
    order: int
    is_active: bool
    ticket_type: str
    priority: str
    customer_grade: str
    channel: str
    first_response_minutes: int | None
    next_response_minutes: int | None
    resolution_minutes: int | None
    business_time: bool
    warn_ratio: Decimal


class PolicyPatch(Schema):
    name: str | None = None
    order: int | None = None
    is_active: bool | None = None
    ticket_type: str | None = None
    priority: str | None = None
    customer_grade: str | None = None
    channel: str | None = None
    first_response_minutes: int | None = None
    next_response_minutes: int | None = None
    resolution_minutes: int | None = None
    business_time: bool | None = None
    warn_ratio: Decimal | None = None


class PolicyIn(PolicyPatch):
    name: str


class RuleOut(Schema):
    id: int
    name: str
    order: int
    is_active: bool
    types: list[str]
    channels: list[str]
    keywords: list[str]
    customer_grades: list[str]
    category_ids: list[int]
    unit_id: int | None
    department_id: int | None
    queue_id: int | None
    priority: str
    sla_policy_id: int | None
    assign_strategy: str


class RulePatch(Schema):
    name: str | None = None
    order: int | None = None
    is_active: bool | None = None
    types: list[str] | None = None
    channels: list[str] | None = None
    keywords: list[str] | None = None
    customer_grades: list[str] | None = None
    category_ids: list[int] | None = None
    unit_id: int | None = None
    department_id: int | None = None
    queue_id: int | None = None
    priority: str | None = None
    sla_policy_id: int | None = None
    assign_strategy: str | None = None


class RuleIn(RulePatch):
    name: str


class OrderIn(Schema):
    ids: list[int]


_NULLABLE = {"unit_id", "department_id", "queue_id", "sla_policy_id"}
_NULLABLE_POLICY = {"first_response_minutes", "next_response_minutes", "resolution_minutes"}


def _fields(payload: Schema, nullable: set[str]) -> dict[str, Any]:
    """Set fields only; null clears only fields that may be empty."""
    data = payload.dict(exclude_unset=True)
    return {k: v for k, v in data.items() if v is not None or k in nullable}


def _rule_out(rule: RoutingRule) -> dict[str, Any]:
    return rule_services.snapshot(rule) | {"id": rule.pk}


@router.get("/sla/policies", response={200: list[PolicyOut], **ERRORS}, summary="SLA policies")
def list_policies(request: HttpRequest) -> Any:
    return list(selectors.list_policies(actor_of(request)))


@router.post("/sla/policies", response={201: PolicyOut, **ERRORS})
def create_policy(request: HttpRequest, payload: PolicyIn) -> Any:
    fields = _fields(payload, _NULLABLE_POLICY)
    return Status(201, policy_services.create_policy(actor=actor_of(request), **fields))


# Before "/sla/policies/{policy_id}": the first pattern registered for a path wins.
@router.post("/sla/policies/order", response={204: None, **ERRORS})
def reorder_policies(request: HttpRequest, payload: OrderIn) -> Any:
    policy_services.reorder_policies(actor=actor_of(request), ids=payload.ids)
    return Status(204, None)


@router.patch("/sla/policies/{policy_id}", response={200: PolicyOut, **ERRORS})
def patch_policy(request: HttpRequest, policy_id: int, payload: PolicyPatch) -> Any:
    actor = actor_of(request)
    policy = selectors.get_policy(actor, policy_id)
    fields = _fields(payload, _NULLABLE_POLICY)
    return policy_services.update_policy(actor=actor, policy=policy, **fields)


@router.delete("/sla/policies/{policy_id}", response={204: None, **ERRORS})
def delete_policy(request: HttpRequest, policy_id: int) -> Any:
    actor = actor_of(request)
    policy_services.delete_policy(actor=actor, policy=selectors.get_policy(actor, policy_id))
    return Status(204, None)


@router.get("/routing/rules", response={200: list[RuleOut], **ERRORS}, summary="Routing rules")
def list_rules(request: HttpRequest) -> Any:
    return [_rule_out(r) for r in selectors.list_rules(actor_of(request))]


@router.post("/routing/rules", response={201: RuleOut, **ERRORS})
def create_rule(request: HttpRequest, payload: RuleIn) -> Any:
    rule = rule_services.create_rule(actor=actor_of(request), **_fields(payload, _NULLABLE))
    return Status(201, _rule_out(rule))


# Before "/routing/rules/{rule_id}", for the same reason.
@router.post("/routing/rules/order", response={204: None, **ERRORS})
def reorder_rules(request: HttpRequest, payload: OrderIn) -> Any:
    rule_services.reorder_rules(actor=actor_of(request), ids=payload.ids)
    return Status(204, None)


@router.patch("/routing/rules/{rule_id}", response={200: RuleOut, **ERRORS})
def patch_rule(request: HttpRequest, rule_id: int, payload: RulePatch) -> Any:
    actor = actor_of(request)
    rule = selectors.get_rule(actor, rule_id)
    updated = rule_services.update_rule(actor=actor, rule=rule, **_fields(payload, _NULLABLE))
    return _rule_out(updated)


@router.delete("/routing/rules/{rule_id}", response={204: None, **ERRORS})
def delete_rule(request: HttpRequest, rule_id: int) -> Any:
    actor = actor_of(request)
    rule_services.delete_rule(actor=actor, rule=selectors.get_rule(actor, rule_id))
    return Status(204, None)


class AlertOut(Schema):
    id: int
    kind: str
    text: str
    ticket_id: int | None
    ticket_number: str | None
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_ticket_number(obj: Any) -> str | None:
        return obj.ticket.number if obj.ticket_id else None


class AlertFilter(Schema):
    unread: bool = False


class ReadIn(Schema):
    ids: list[int] | None = None


@router.get("/alerts", response={200: list[AlertOut], **ERRORS}, summary="My in-app alerts")
@paginate(LimitOffsetPagination)
def list_alerts(request: HttpRequest, filters: Query[AlertFilter]) -> Any:
    return bell.list_alerts(actor_of(request), unread_only=filters.unread)


@router.post("/alerts/read", response={200: dict[str, int], **ERRORS})
def mark_read(request: HttpRequest, payload: ReadIn) -> Any:
    return {"marked": bell.mark_alerts_read(actor=actor_of(request), ids=payload.ids)}
