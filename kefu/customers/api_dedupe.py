"""Duplicate finder and merge API (统一客户名称).

GET  /customers/duplicates                    open pairs the actor sees, best first
POST /customers/duplicates/{pair_id}/dismiss  不是重复: never propose this pair again
POST /customers/{id}/merge  {"from": [ids]}   merge those customers into {id}
GET  /customers/{id}/merges                   the survivor's merge history
"""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kefu.core.api_common import ERRORS, actor_of
from kefu.core.errors import PermissionDenied
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm
from kefu.customers import selectors_dedupe as sel
from kefu.customers.choices import DuplicateStatus
from kefu.customers.services_dedupe import dismiss_pair
from kefu.customers.services_merge import MAX_MERGED, merge_customers

router = Router(tags=["customers"])


class CustomerSummaryOut(Schema):
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


class PairOut(Schema):
    id: int
    score: float
    reasons: list[dict[str, Any]]
    status: str
    found_at: datetime
    customer_a: CustomerSummaryOut
    customer_b: CustomerSummaryOut


class PairPage(Schema):
    count: int
    items: list[PairOut]


class PairFilter(Schema):
    min_score: float = Field(0.0, ge=0, le=1)
    status: DuplicateStatus = DuplicateStatus.OPEN
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


class MergeIn(Schema):
    from_: list[int] = Field(alias="from", min_length=1, max_length=MAX_MERGED)


class MergeOut(Schema):
    merge_id: int
    survivor: CustomerSummaryOut
    merged_ids: list[int]
    moved: dict[str, int]


class MergeRecordOut(Schema):
    id: int
    survivor_id: int
    survivor_name: str
    actor: str
    created_at: datetime
    merged_ids: list[int]
    merged_names: list[str]
    moved: dict[str, int]
    reasons: Any


def _require_merger(request: HttpRequest) -> Any:
    actor = actor_of(request)
    if not has_perm(actor, Perm.MERGE_CUSTOMERS):
        raise PermissionDenied()
    return actor


@router.get("/duplicates", response={200: PairPage, **ERRORS})
def list_duplicates(request: HttpRequest, filters: Query[PairFilter]) -> Any:
    actor = _require_merger(request)
    qs = sel.pairs_queryset(actor, status=filters.status, min_score=filters.min_score)
    page = list(qs[filters.offset : filters.offset + filters.limit])
    return {"count": qs.count(), "items": sel.pair_rows(page)}


@router.post("/duplicates/{pair_id}/dismiss", response={200: PairOut, **ERRORS})
def dismiss_duplicate(request: HttpRequest, pair_id: int) -> Any:
    actor = _require_merger(request)
    pair = dismiss_pair(actor=actor, pair=sel.get_pair(actor, pair_id))
    return sel.pair_rows([sel.get_pair(actor, pair.pk)])[0]


@router.post("/{int:customer_id}/merge", response={200: MergeOut, **ERRORS})
def merge(request: HttpRequest, customer_id: int, payload: MergeIn) -> Any:
    actor = actor_of(request)
    survivor = sel.get_visible_customer(actor, customer_id)
    merged = sel.visible_customers(actor, payload.from_)
    record = merge_customers(actor=actor, survivor=survivor, merged=merged)
    fresh = sel.get_visible_customer(actor, customer_id)
    return {
        "merge_id": record.pk,
        "survivor": sel.summarize([fresh])[fresh.pk],
        "merged_ids": record.merged_ids,
        "moved": record.moved,
    }


@router.get("/{int:customer_id}/merges", response={200: list[MergeRecordOut], **ERRORS})
def merge_history(request: HttpRequest, customer_id: int) -> Any:
    actor = actor_of(request)
    survivor = sel.get_visible_customer(actor, customer_id)
    return [sel.merge_row(m) for m in sel.merges_queryset(actor, survivor_id=survivor.pk)[:200]]
