"""Row locks for contended member rows (points balances)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from kefu.members.models import Member


def locked_members(ids: Iterable[int]) -> QuerySet[Member]:
    """Members by id, locked FOR UPDATE in id order (no deadlocks between batches)."""
    return (
        Member.objects.select_for_update(of=("self",))
        .select_related("tier")
        .filter(pk__in=sorted(set(ids)))
        .order_by("pk")
    )


def lock_member(member_id: int) -> Member:
    return locked_members([member_id]).get()
