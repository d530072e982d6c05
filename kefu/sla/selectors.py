"""Reading SLA policies and routing rules (settings pages and API). Global settings: anyone
who works with or views tickets somewhere may read them."""

from __future__ import annotations

from django.db.models import QuerySet

from kefu.core.errors import NotFound, PermissionDenied
from kefu.core.models import User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import scope_for
from kefu.sla.models import SlaPolicy
from kefu.tickets.models import RoutingRule


def _require_view(actor: User) -> None:
    perms = scope_for(actor).all_perms
    if Perm.VIEW_TICKETS not in perms and Perm.CONFIGURE not in perms:
        raise PermissionDenied()


def list_policies(actor: User) -> QuerySet[SlaPolicy]:
    _require_view(actor)
    return SlaPolicy.objects.order_by("order", "pk")


def get_policy(actor: User, policy_id: int) -> SlaPolicy:
    found = list_policies(actor).filter(pk=policy_id).first()
    if found is None:
        raise NotFound()
    return found


def list_rules(actor: User) -> QuerySet[RoutingRule]:
    _require_view(actor)
    return RoutingRule.objects.prefetch_related("categories").order_by("order", "pk")


def get_rule(actor: User, rule_id: int) -> RoutingRule:
    found = list_rules(actor).filter(pk=rule_id).first()
    if found is None:
        raise NotFound()
    return found
