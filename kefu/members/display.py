"""Rows of members, ledger entries, purchases and greetings as plain dicts, with personal
data masked (lists always; a detail only unmasked when asked by someone allowed)."""

from __future__ import annotations

from typing import Any

from kefu.members.masking import mask_address, mask_email, mask_id_number, mask_phone
from kefu.members.models import Greeting, Member, PointsEntry, Purchase


def member_row(m: Member) -> dict[str, Any]:
    return {
        "id": m.pk,
        "card_number": m.card_number,
        "name": m.name,
        "gender": m.gender,
        "phone": mask_phone(m.phone),
        "status": m.status,
        "unit_id": m.unit_id,
        "unit_name": m.unit.name,
        "tier_id": m.tier_id,
        "tier_name": m.tier.name if m.tier else "",
        "registered_on": m.registered_on,
        "expires_on": m.expires_on,
        "points_balance": m.points_balance,
        "lifetime_spend": m.lifetime_spend,
        "missing_fields": list(m.missing_fields or []),
    }


def member_detail(m: Member, *, reveal: bool = False) -> dict[str, Any]:
    row = member_row(m)
    auditor = m.audited_by
    row.update(
        {
            "customer_id": m.customer_id,
            "birthday": m.birthday,
            "id_number": m.id_number if reveal else mask_id_number(m.id_number),
            "address": m.address if reveal else mask_address(m.address),
            "email": m.email if reveal else mask_email(m.email),
            "occupation": m.occupation,
            "company": m.company,
            "return_reason": m.return_reason,
            "audited_by": (auditor.display_name or auditor.username) if auditor else "",
            "audited_at": m.audited_at,
            "revealed": reveal,
        }
    )
    if reveal:
        row["phone"] = m.phone
    return row


def entry_row(e: PointsEntry) -> dict[str, Any]:
    return {
        "id": e.pk,
        "kind": e.kind,
        "points": e.points,
        "balance_after": e.balance_after,
        "remaining": e.remaining,
        "expires_on": e.expires_on,
        "purchase_id": e.purchase_id,
        "reason": e.reason,
        "actor": (e.actor.display_name or e.actor.username) if e.actor else "",
        "created_at": e.created_at,
        # when it happened: the purchase's time for earned points, else the entry's
        "occurred_at": e.purchase.purchased_at if e.purchase is not None else e.created_at,
    }


def purchase_row(p: Purchase) -> dict[str, Any]:
    return {
        "id": p.pk,
        "member_id": p.member_id,
        "card_number": p.member.card_number,
        "member_name": p.member.name,
        "unit_id": p.unit_id,
        "unit_name": p.unit.name,
        "purchased_at": p.purchased_at,
        "amount": p.amount,
        "receipt_number": p.receipt_number,
        "items": p.items,
        "notes": p.notes,
        "points_earned": p.points_earned,
        "source": p.source,
    }


def greeting_row(g: Greeting) -> dict[str, Any]:
    m = g.member
    return {
        "id": g.pk,
        "kind": g.kind,
        "on_date": g.on_date,
        "status": g.status,
        "call": g.call,
        "member_id": m.pk,
        "card_number": m.card_number,
        "name": m.name,
        "phone": mask_phone(m.phone),
        "tier_name": m.tier.name if m.tier else "",
        "unit_name": m.unit.name,
    }
