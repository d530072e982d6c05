"""Ticket text search, in process: the bigram index against the old icontains scan.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench_scale \\
        .venv/bin/python -m bench.search_bench --runs 30
    KEFU_VAR_DIR=/tmp/kefu-scale .venv/bin/python -m bench.search_bench

On a generated database (bench/generate.py), as an HQ manager (sees every ticket), times
what GET /api/v1/tickets?q=… runs: the count and the first page of 25 of
`selectors.list_tickets(actor, q=word)`, for a few two-character (and longer) words, with
the index (`search`) and with the old condition (`scan`, kefu.tickets.search bypassed).
Prints p50/p95 in ms per word and path, and the match counts (which must agree).
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

WORDS = ("发票", "漏水", "冰箱", "退款", "噪音大", "不存在词")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _time(actor: Any, word: str, runs: int) -> tuple[list[float], int]:
    from kefu.tickets.selectors import list_tickets

    out, count = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        qs = list_tickets(actor, q=word)
        count = qs.count()
        list(qs[:25])
        out.append((time.perf_counter() - start) * 1000)
    return out, count


def run(words: list[str], runs: int) -> dict[str, Any]:
    """Time each word by both paths (Django set up); the match counts must agree."""
    from django.db.models import Q

    from kefu.core.choices import Role
    from kefu.core.models import User
    from kefu.tickets import selectors
    from kefu.tickets.models import Ticket

    managers = User.objects.filter(assignments__role=Role.MANAGER, assignments__unit__depth=0)
    actor = managers.first() or User.objects.filter(is_superuser=True).first()
    names = vars(selectors)  # the module's namespace: swap the text condition in and out
    index = names["text_condition"]
    results: dict[str, Any] = {"tickets": Ticket.objects.count()}
    print(f"{results['tickets']:,} tickets; {runs} runs per word and path")
    print(f"{'word':<10}{'path':<8}{'matches':>9}{'p50 ms':>9}{'p95 ms':>9}")
    try:
        for word in words:
            for path in ("search", "scan"):
                names["text_condition"] = (
                    index
                    if path == "search"
                    else lambda q: Q(title__icontains=q) | Q(description__icontains=q)
                )
                _time(actor, word, 2)  # warm the cache
                times, count = _time(actor, word, runs)
                p50, p95 = statistics.median(times), _pct(times, 0.95)
                results[f"{word}/{path}"] = {"matches": count, "p50": p50, "p95": p95}
                print(f"{word:<10}{path:<8}{count:>9}{p50:>9.1f}{p95:>9.1f}")
    finally:
        names["text_condition"] = index
    return results


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--words", default=",".join(WORDS))
    args = parser.parse_args(argv)
    from bench.sla_scan_bench import _setup

    _setup()
    return run(args.words.split(","), args.runs)


if __name__ == "__main__":
    main()
