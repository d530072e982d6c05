"""Duplicate finder writes: store the finder's pairs, dismiss a pair, queue a run.

`find_duplicates` reads three sorted streams (names, phones, ID numbers) with server-side
cursors, blocks and scores them in `kefu.customers.dedupe`, then in one transaction upserts
OPEN pairs, removes OPEN pairs whose customers no longer match and never touches (or
re-proposes) DISMISSED ones.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Replace, Upper
from django.utils import timezone

from kefu.core.errors import Conflict, PermissionDenied
from kefu.core.models import User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm
from kefu.core.services.audit import record_audit
from kefu.customers import dedupe
from kefu.customers.choices import DuplicateStatus
from kefu.customers.models import Customer, CustomerPhone, DuplicatePair

CHUNK = 5000
WRITE_BATCH = 1000


@dataclass
class FinderResult:
    customers: int = 0
    comparisons: int = 0
    candidates: int = 0
    open_pairs: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped_dismissed: int = 0
    common_names: int = 0  # person names too common in one unit to count as evidence
    oversized_blocks: list[dict[str, Any]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _names() -> Iterator[tuple[str, int, str, int]]:
    qs = (
        Customer.objects.exclude(name_key="")
        .filter(erased_at__isnull=True)  # "已注销客户 #1" and "#2" are not one customer
        .values_list("name_key", "id", "kind", "unit_id")
        .order_by("name_key", "id")
    )
    return qs.iterator(chunk_size=CHUNK)


def _phones() -> Iterator[tuple[str, int]]:
    qs = CustomerPhone.objects.values_list("number", "customer_id").order_by(
        "number", "customer_id"
    )
    return qs.iterator(chunk_size=CHUNK)


def _id_numbers() -> Iterator[tuple[str, int]]:
    norm = Upper(Replace(Replace("id_number", Value(" "), Value("")), Value("-"), Value("")))
    qs = (
        Customer.objects.exclude(id_number="")
        .annotate(id_norm=norm)
        .values_list("id_norm", "id")
        .order_by("id_norm", "id")
    )
    return qs.iterator(chunk_size=CHUNK)


def collect_candidates(
    *,
    window: int | None = None,
    block_cap: int | None = None,
    timings: dict[str, float] | None = None,
) -> tuple[dedupe.PairCollector, int]:
    """Block and compare every customer once per stream; returns (evidence, customers seen)."""
    cap: int = getattr(settings, "KEFU_DEDUPE_BLOCK_CAP", dedupe.DEFAULT_BLOCK_CAP)
    width: int = getattr(settings, "KEFU_DEDUPE_WINDOW", dedupe.DEFAULT_WINDOW)
    cap, width = block_cap or cap, window or width
    collector = dedupe.PairCollector(block_cap=cap)
    timings = timings if timings is not None else {}
    began = time.perf_counter()
    seen = dedupe.scan_names(collector, _names(), window=width)
    timings["names"] = round(time.perf_counter() - began, 3)
    began = time.perf_counter()
    dedupe.scan_phones(collector, _phones())
    timings["phones"] = round(time.perf_counter() - began, 3)
    began = time.perf_counter()
    dedupe.scan_id_numbers(collector, _id_numbers())
    timings["id_numbers"] = round(time.perf_counter() - began, 3)
    return collector, seen


def find_duplicates(
    *, actor: User | None, min_score: float | None = None, window: int | None = None
) -> FinderResult:
    """Run the finder over every customer and store its pairs (system task or a manager)."""
    began = time.perf_counter()
    threshold = (
        min_score
        if min_score is not None
        else getattr(settings, "KEFU_DEDUPE_MIN_SCORE", dedupe.DEFAULT_MIN_SCORE)
    )
    timings: dict[str, float] = {}
    collector, seen = collect_candidates(window=window, timings=timings)
    mark = time.perf_counter()
    found = collector.scored(threshold)
    timings["score"] = round(time.perf_counter() - mark, 3)
    result = FinderResult(
        customers=seen,
        comparisons=collector.comparisons,
        candidates=len(found),
        common_names=collector.common_names,
        oversized_blocks=collector.oversized[:100],
        timings=timings,
    )
    del collector
    with transaction.atomic():
        mark = time.perf_counter()
        _store(found, result)
        timings["store"] = round(time.perf_counter() - mark, 3)
        result.seconds = round(time.perf_counter() - began, 3)
        record_audit(
            actor=actor,
            action="customer.find_duplicates",
            object_type="customers.duplicatepair",
            changes={k: v for k, v in result.as_dict().items() if k != "oversized_blocks"},
        )
    return result


def _store(found: dict[dedupe.Pair, tuple[float, list[Any]]], result: FinderResult) -> None:
    """Write only what changed: new pairs, new scores or reasons; delete OPEN pairs whose
    customers no longer match. DISMISSED pairs are left alone and never proposed again."""
    stale: list[int] = []
    rows = DuplicatePair.objects.values_list(
        "customer_a_id", "customer_b_id", "id", "status", "score", "reasons"
    )
    for a, b, pk, status, value, reasons in rows.iterator(chunk_size=CHUNK):
        current = found.get((a, b))
        if status == DuplicateStatus.DISMISSED:
            if current is not None:
                del found[(a, b)]
                result.skipped_dismissed += 1
        elif current is None:
            stale.append(pk)
        elif current == (value, reasons):
            del found[(a, b)]
            result.unchanged += 1
        else:
            result.updated += 1
    for start in range(0, len(stale), WRITE_BATCH):
        DuplicatePair.objects.filter(
            pk__in=stale[start : start + WRITE_BATCH], status=DuplicateStatus.OPEN
        ).delete()
    result.removed = len(stale)
    result.created = len(found) - result.updated
    result.open_pairs = len(found) + result.unchanged
    batch: list[DuplicatePair] = []
    for (a, b), (value, reasons) in found.items():
        batch.append(DuplicatePair(customer_a_id=a, customer_b_id=b, score=value, reasons=reasons))
        if len(batch) >= WRITE_BATCH:
            _upsert(batch)
            batch = []
    if batch:
        _upsert(batch)


def _upsert(batch: list[DuplicatePair]) -> None:
    """Insert or refresh a batch, leaving out customers deleted (merged) since the scan."""
    ids = {p.customer_a_id for p in batch} | {p.customer_b_id for p in batch}
    alive = set(Customer.objects.filter(pk__in=ids).values_list("pk", flat=True))
    DuplicatePair.objects.bulk_create(
        [p for p in batch if p.customer_a_id in alive and p.customer_b_id in alive],
        update_conflicts=True,
        unique_fields=["customer_a", "customer_b"],
        update_fields=["score", "reasons"],
    )


def dismiss_pair(*, actor: User, pair: DuplicatePair) -> DuplicatePair:
    """不是重复: keep the pair as DISMISSED so the finder never proposes it again."""
    with transaction.atomic():
        locked = (
            DuplicatePair.objects.select_for_update(of=("self",))
            .select_related("customer_a__unit", "customer_b__unit")
            .get(pk=pair.pk)
        )
        for customer in (locked.customer_a, locked.customer_b):
            if not has_perm(actor, Perm.MERGE_CUSTOMERS, customer.unit):
                raise PermissionDenied()
        if locked.status == DuplicateStatus.DISMISSED:
            raise Conflict(code="already_dismissed")
        locked.status = DuplicateStatus.DISMISSED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        record_audit(
            actor=actor,
            action="customer.duplicate_dismiss",
            obj=locked,
            unit=locked.customer_a.unit,
            changes={"customer_ids": [locked.customer_a_id, locked.customer_b_id]},
        )
    return locked


def request_finder_run(*, actor: User) -> None:
    """Queue a finder run after commit (the "run now" button); managers and records keepers."""
    if not has_perm(actor, Perm.MERGE_CUSTOMERS):
        raise PermissionDenied()
    from kefu.customers.tasks import find_duplicates_task

    with transaction.atomic():
        record_audit(actor=actor, action="customer.find_duplicates_requested")
        transaction.on_commit(lambda: find_duplicates_task.enqueue(actor_id=actor.pk))
