"""Reads for the duplicate review and the merge history, scoped to the actor's units.

A pair is listed only when the actor sees both customers. Summaries carry masked phones and
ID numbers and each customer's ticket count; a page costs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db.models import Count, QuerySet

from kefu.core.errors import NotFound
from kefu.core.models import User
from kefu.core.selectors.scope import restrict_to_scope
from kefu.customers.choices import DuplicateStatus
from kefu.customers.models import Customer, CustomerMerge, CustomerPhone, DuplicatePair
from kefu.customers.privacy import mask_id_number, mask_phone


@dataclass
class CustomerSummary:
    id: int
    name: str
    kind: str
    unit_id: int
    unit_name: str
    grade: str
    is_key_account: bool
    phones: list[str]
    id_number: str
    tickets: int
    created_at: datetime


@dataclass
class PairRow:
    id: int
    score: float
    reasons: list[dict[str, Any]]
    status: str
    found_at: datetime
    customer_a: CustomerSummary
    customer_b: CustomerSummary


def pairs_queryset(
    actor: User, *, status: str = DuplicateStatus.OPEN, min_score: float = 0.0
) -> QuerySet[DuplicatePair]:
    qs = DuplicatePair.objects.filter(status=status, score__gte=min_score)
    qs = restrict_to_scope(qs, actor, field="customer_a__unit")
    qs = restrict_to_scope(qs, actor, field="customer_b__unit")
    return qs.select_related("customer_a__unit", "customer_b__unit").order_by("-score", "id")


def get_pair(actor: User, pair_id: int) -> DuplicatePair:
    pair = pairs_queryset(actor, status=DuplicateStatus.OPEN).filter(pk=pair_id).first()
    if pair is None:
        pair = pairs_queryset(actor, status=DuplicateStatus.DISMISSED).filter(pk=pair_id).first()
    if pair is None:
        raise NotFound()
    return pair


def pair_rows(pairs: list[DuplicatePair]) -> list[PairRow]:
    """Page rows with both customers summarised (two queries for any page size)."""
    customers = [c for p in pairs for c in (p.customer_a, p.customer_b)]
    summaries = summarize(customers)
    return [
        PairRow(
            id=p.pk,
            score=p.score,
            reasons=list(p.reasons),
            status=p.status,
            found_at=p.found_at,
            customer_a=summaries[p.customer_a_id],
            customer_b=summaries[p.customer_b_id],
        )
        for p in pairs
    ]


def summarize(customers: list[Customer]) -> dict[int, CustomerSummary]:
    ids = sorted({c.pk for c in customers})
    phones: dict[int, list[str]] = {}
    if ids:
        rows = CustomerPhone.objects.filter(customer_id__in=ids).order_by("-is_primary", "id")
        for customer_id, number in rows.values_list("customer_id", "number"):
            phones.setdefault(customer_id, []).append(mask_phone(number))
    tickets = ticket_counts(ids)
    return {
        c.pk: CustomerSummary(
            id=c.pk,
            name=c.name,
            kind=c.kind,
            unit_id=c.unit_id,
            unit_name=c.unit.name,
            grade=c.grade,
            is_key_account=c.is_key_account,
            phones=phones.get(c.pk, []),
            id_number=mask_id_number(c.id_number),
            tickets=tickets.get(c.pk, 0),
            created_at=c.created_at,
        )
        for c in customers
    }


def ticket_counts(customer_ids: list[int]) -> dict[int, int]:
    """Tickets per customer (one query; none when the tickets app is not installed)."""
    if not customer_ids or not apps.is_installed("kefu.tickets"):
        return {}
    ticket = apps.get_model("tickets", "Ticket")
    rows = (
        ticket._base_manager.filter(customer_id__in=customer_ids)
        .values("customer_id")
        .annotate(n=Count("id"))
        .values_list("customer_id", "n")
    )
    return dict(rows)


def get_visible_customer(actor: User, customer_id: int) -> Customer:
    customer = (
        restrict_to_scope(Customer.objects.all(), actor)
        .select_related("unit")
        .filter(pk=customer_id)
        .first()
    )
    if customer is None:
        raise NotFound()
    return customer


def visible_customers(actor: User, ids: list[int]) -> list[Customer]:
    """The customers with these ids, in the given order; NotFound if any is missing or hidden."""
    found = {c.pk: c for c in restrict_to_scope(Customer.objects.filter(pk__in=ids), actor)}
    if any(pk not in found for pk in ids):
        raise NotFound()
    return [found[pk] for pk in ids]


def merges_queryset(actor: User, *, survivor_id: int | None = None) -> QuerySet[CustomerMerge]:
    """Merge records whose surviving customer the actor sees, newest first."""
    qs = restrict_to_scope(CustomerMerge.objects.all(), actor, field="survivor__unit")
    if survivor_id is not None:
        qs = qs.filter(survivor_id=survivor_id)
    return qs.select_related("survivor__unit", "actor").order_by("-id")


def merge_row(merge: CustomerMerge) -> dict[str, Any]:
    """One merge explained: who, when, which names, what moved, why (no phones or IDs)."""
    actor = merge.actor
    return {
        "id": merge.pk,
        "survivor_id": merge.survivor_id,
        "survivor_name": merge.survivor.name,
        "actor": (actor.display_name or actor.username) if actor is not None else "system",
        "created_at": merge.created_at,
        "merged_ids": list(merge.merged_ids),
        "merged_names": [str(s.get("name", "")) for s in merge.snapshots],
        "moved": dict(merge.moved),
        "reasons": merge.reasons,
    }
