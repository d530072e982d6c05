"""The duplicate finder's pure part: blocking and scoring (统一客户名称). No database access.

The service (`services_dedupe.find_duplicates`) feeds three SQL-sorted streams into a
`PairCollector`:

* names: (name_key, id, kind, unit_id) ordered by name_key — customers with the same key form
  an exact block; each distinct key is also compared (rapidfuzz ratio) with the next
  `window` distinct keys (sorted neighbourhood), so near names cost O(n · window), never n².
* phones: (number, customer_id) ordered by number — one block per shared number.
* ID / tax numbers: (normalised id_number, id) ordered by it — one block per number.

A block larger than `block_cap` (1,000 customers on a placeholder phone such as 00000000) is
reported once in `oversized` and only its first `block_cap` customers are paired. Evidence
per pair is a list of reasons (`{"code": "same_phone"}`, `{"code": "similar_name",
"ratio": 92}` …); `score` combines them (noisy-OR of per-reason weights, 0–1).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import combinations, groupby
from operator import itemgetter
from typing import Any

from rapidfuzz.fuzz import ratio as ratio_of

from kefu.customers.privacy import mask_phone  # block keys never show a whole number

PERSON = "person"
COMPANY = "company"

# per-reason weights; a pair's score is 1 - Π(1 - weight)
WEIGHTS: dict[str, float] = {
    "same_id_number": 0.95,
    "same_name": 0.9,  # company; a person's same name weighs PERSON_SAME_NAME
    "same_phone": 0.7,
    "similar_name": 0.6,  # company at the threshold, rising to 0.85 just below identical
    "same_unit": 0.3,  # only added together with a person's (similar) name
}
PERSON_SAME_NAME = 0.5
PERSON_SIMILAR_NAME = 0.45
COMPANY_RATIO = 85
PERSON_RATIO = 90
DEFAULT_MIN_SCORE = 0.6
DEFAULT_WINDOW = 8
DEFAULT_BLOCK_CAP = 50
REPRESENTATIVES = 5  # customers of one key paired with a similar key's customers
COMMON_PERSON_NAME = 3  # more people of one name in one unit: the name alone says nothing

Reason = dict[str, Any]
Pair = tuple[int, int]

_ID_SPACES = re.compile(r"[\s\-]+")


def normalize_id_number(raw: str) -> str:
    """' 9144 0300-7084k ' → '914403007084K': upper-case, without blanks or dashes."""
    return _ID_SPACES.sub("", raw or "").upper()


def _weight(reason: Reason, kinds: str) -> float:
    code = reason["code"]
    if code == "same_name" and kinds == PERSON:
        return PERSON_SAME_NAME
    if code == "similar_name":
        if kinds == PERSON:
            return PERSON_SIMILAR_NAME
        ratio = float(reason.get("ratio", COMPANY_RATIO))
        return 0.6 + 0.25 * max(0.0, min(1.0, (ratio - COMPANY_RATIO) / (100 - COMPANY_RATIO)))
    return WEIGHTS.get(code, 0.0)


def score(reasons: list[Reason]) -> float:
    """Combine a pair's reasons into 0–1 (rounded to 3 places)."""
    missing = 1.0
    for reason in reasons:
        missing *= 1.0 - _weight(reason, str(reason.get("kind", COMPANY)))
    return round(1.0 - missing, 3)


@dataclass
class PairCollector:
    """Evidence per candidate pair (smaller id first), plus work counters."""

    block_cap: int = DEFAULT_BLOCK_CAP
    pairs: dict[Pair, list[Reason]] = field(default_factory=dict)
    comparisons: int = 0
    oversized: list[Reason] = field(default_factory=list)
    common_names: int = 0

    def add(self, a: int, b: int, reason: Reason) -> None:
        if a == b:
            return
        key = (a, b) if a < b else (b, a)
        reasons = self.pairs.setdefault(key, [])
        for i, old in enumerate(reasons):
            if old["code"] == reason["code"]:
                if reason.get("ratio", 0) > old.get("ratio", 0):
                    reasons[i] = reason
                return
        reasons.append(reason)

    def capped(self, ids: list[int], code: str, key: str = "") -> list[int]:
        """The block's members to pair: all, or its first `block_cap` (reported once)."""
        if len(ids) <= self.block_cap:
            return ids
        self.oversized.append({"code": code, "key": key, "size": len(ids)})
        return ids[: self.block_cap]

    def add_block(self, ids: list[int], reason: Reason, key: str = "") -> None:
        members = self.capped(sorted(set(ids)), reason["code"], key)
        if len(members) < len(set(ids)):
            reason = {**reason, "block_size": len(set(ids))}
        for a, b in combinations(members, 2):
            self.comparisons += 1
            self.add(a, b, reason)

    def scored(
        self, min_score: float = DEFAULT_MIN_SCORE
    ) -> dict[Pair, tuple[float, list[Reason]]]:
        """Pairs at or above `min_score`: {(a, b): (score, reasons without internals)}."""
        out: dict[Pair, tuple[float, list[Reason]]] = {}
        for pair, reasons in self.pairs.items():
            value = score(reasons)
            if value >= min_score:
                out[pair] = (value, [_public(r) for r in reasons])
        return out


def _public(reason: Reason) -> Reason:
    return {k: v for k, v in reason.items() if k != "kind"}


def grouped[T](
    rows: Iterable[tuple[Any, ...]], key: Callable[[tuple[Any, ...]], T]
) -> Iterator[tuple[T, list[tuple[Any, ...]]]]:
    """Consecutive rows with the same key (the stream is sorted on it)."""
    for value, group in groupby(rows, key=key):
        yield value, list(group)


def scan_phones(collector: PairCollector, rows: Iterable[tuple[str, int]]) -> None:
    """rows: (number, customer_id) ordered by number."""
    for number, group in grouped(rows, key=lambda r: r[0]):
        ids = [r[1] for r in group]
        if number and len(set(ids)) > 1:
            collector.add_block(ids, {"code": "same_phone"}, key=mask_phone(str(number)))


def scan_id_numbers(collector: PairCollector, rows: Iterable[tuple[str, int]]) -> None:
    """rows: (normalised id_number, customer_id) ordered by it."""
    for number, group in grouped(rows, key=lambda r: r[0]):
        ids = [r[1] for r in group]
        if number and len(ids) > 1:
            collector.add_block(ids, {"code": "same_id_number"}, key=mask_phone(str(number)))


Members = list[tuple[int, int]]  # [(customer id, unit id)]


def scan_names(
    collector: PairCollector,
    rows: Iterable[tuple[str, int, str, int]],
    *,
    window: int = DEFAULT_WINDOW,
) -> int:
    """rows: (name_key, id, kind, unit_id) ordered by (name_key, id). Returns rows seen.

    Each kind keeps its own window of the last `window` distinct keys, so people's names
    never push a company's near names out of reach."""
    recent: dict[str, deque[tuple[str, Members]]] = {}
    seen = 0
    for key, group in grouped(rows, key=itemgetter(0)):
        seen += len(group)
        if not key:
            continue
        by_kind: dict[str, Members] = {}
        for _key, pk, kind, unit_id in group:
            by_kind.setdefault(kind, []).append((pk, unit_id))
        for kind, members in by_kind.items():
            if len(members) > 1:
                _same_name(collector, key, kind, members)
            neighbours = recent.get(kind)
            if neighbours is None:
                neighbours = recent[kind] = deque(maxlen=window)
            cutoff = PERSON_RATIO if kind == PERSON else COMPANY_RATIO
            for other_key, others in neighbours:
                collector.comparisons += 1
                ratio = ratio_of(other_key, key, score_cutoff=cutoff)
                if ratio:
                    _similar(collector, kind, round(ratio), others, members)
            neighbours.append((key, members[:REPRESENTATIVES]))
    return seen


def _same_name(collector: PairCollector, key: str, kind: str, members: Members) -> None:
    """Companies with one key pair up; people only within one unit, and only when the name
    is rare there (张伟 is common)."""
    if len(members) < 2:
        return
    if kind != PERSON:
        ids = collector.capped([pk for pk, _u in members], "same_name", key)
        _pair_all(collector, ids, [{"code": "same_name", "key": key, "kind": kind}])
        return
    by_unit: dict[int, list[int]] = {}
    for pk, unit_id in members:
        by_unit.setdefault(unit_id, []).append(pk)
    reasons = [{"code": "same_name", "key": key, "kind": kind}, {"code": "same_unit"}]
    for ids in by_unit.values():
        if 1 < len(ids) <= COMMON_PERSON_NAME:
            _pair_all(collector, ids, reasons)
        elif len(ids) > COMMON_PERSON_NAME:
            collector.common_names += 1  # 张伟 × 12 in one store: a common name, no evidence


def _pair_all(collector: PairCollector, ids: list[int], reasons: list[Reason]) -> None:
    for a, b in combinations(ids, 2):
        collector.comparisons += 1
        for reason in reasons:
            collector.add(a, b, reason)


def _similar(
    collector: PairCollector, kind: str, ratio: int, previous: Members, current: Members
) -> None:
    reason = {"code": "similar_name", "ratio": ratio, "kind": kind}
    for a, unit_a in previous:
        for b, unit_b in current[:REPRESENTATIVES]:
            if kind == PERSON and unit_a != unit_b:
                continue  # a similar personal name elsewhere is no evidence
            collector.comparisons += 1
            collector.add(a, b, reason)
            if kind == PERSON:
                collector.add(a, b, {"code": "same_unit"})
