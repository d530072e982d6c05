"""Each HTTP benchmark workload once through Django's test client, with its SQL: statements,
their time and the slowest ones with the plan (EXPLAIN ANALYZE on PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench_scale \\
        .venv/bin/python -m bench.query_profile --only queue-api --explain
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any


def _explain(sql: str, params: Any) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(f"      {row[0]}" for row in cursor.fetchall())


def profile(
    name: str, method: str, path: str, headers: dict[str, str], *, explain: bool, cpu: bool
) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    extra: dict[str, Any] = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    for _attempt in ("warm", "measured"):
        with CaptureQueriesContext(connection) as ctx:
            began = time.perf_counter()
            response = client.generic(method, path, **extra)
            took = (time.perf_counter() - began) * 1000
    if cpu:
        _cprofile(client, method, path, extra)
    sql_ms = sum(float(q["time"]) * 1000 for q in ctx.captured_queries)
    print(f"\n## {name}: {response.status_code}, {took:.1f} ms, "
          f"{len(ctx.captured_queries)} queries, {sql_ms:.1f} ms in SQL")  # fmt: skip
    for q in ctx.captured_queries:
        print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:220]}")
    if explain and connection.vendor == "postgresql":
        slow = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:3]
        for q in slow:
            if float(q["time"]) * 1000 < 2 or not q["sql"].startswith("SELECT"):
                continue
            print(f"\n  plan of ({float(q['time']) * 1000:.1f} ms) {q['sql'][:160]}")
            print(_explain(q["sql"], None))


def _cprofile(client: Any, method: str, path: str, extra: dict[str, str]) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(20):
        client.generic(method, path, **extra)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(45)


def run(only: list[str], *, explain: bool = False, cpu: bool = False) -> list[str]:
    """Profile the workloads (all but `create`, or `only` these); returns their names."""
    from bench.http_bench import prepare, requests_for

    ctx = prepare()
    done = []
    for name, req in requests_for(ctx, "profile").items():
        if name == "create" or (only and name not in only):
            continue
        profile(name, req.method, req.path, req.headers, explain=explain, cpu=cpu)
        done.append(name)
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated workloads")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--cprofile", action="store_true", help="20 more requests under cProfile")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    run([w for w in args.only.split(",") if w], explain=args.explain, cpu=args.cprofile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
