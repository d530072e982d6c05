"""HTTP benchmark: kefu under its production server, driven over 127.0.0.1.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench_scale \\
        .venv/bin/python -m bench.http_bench --workers 4 --requests 2000
    KEFU_VAR_DIR=/tmp/kefu-scale .venv/bin/python -m bench.http_bench --workers 2

Starts `kefu serve --workers N` on a free port (or drives `--url`) on the configured
database, which should hold the generated data (bench/generate.py; the demo company at
least). Each workload runs 3 times with bounded concurrency (threads, one keep-alive
connection each); the table shows the median of the runs: requests/s, client latency
p50/p95/p99, the server's own time from the `Server-Timing: app;dur=` header, and errors.
Workloads: `create` (POST /api/v1/tickets as a regional agent with a bearer token, at
concurrency 8 and 32), `queue-api` (GET /api/v1/tickets: open, my department, by due time,
page of 25), `queue-page` (the agent's department queue page, session cookie), `detail`
(the page of a ticket with 50 events), `dashboard` (the manager's dashboard), `search`
(GET /api/v1/tickets?q=发票). With `create`, the floor (bench/floor.py: the same ticket rows
inserted by a bare driver loop) is measured too and our rate shown as a fraction of it.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

WORKLOADS = ("create", "queue-api", "queue-page", "detail", "dashboard", "search")
SEARCH_WORD = "发票"


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: Callable[[int], bytes | None] = lambda _i: None
    expect: int = 200
    per_request: Callable[[int], dict[str, str]] | None = None  # extra headers of request i


@dataclass
class Sample:
    client_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    errors: int = 0
    locked: int = 0
    first_error: str = ""


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def _server_ms(header: str | None) -> float | None:
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        if name == "app" and params.startswith("dur="):
            return float(params[4:])
    return None


def drive(
    base: str, req: Request, *, concurrency: int, requests: int, start: int = 0
) -> dict[str, Any]:  # noqa: E501
    """`requests` requests by `concurrency` threads with a keep-alive connection each."""
    url = urlsplit(base)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    counter, lock, sample = itertools.count(start), threading.Lock(), Sample()
    end = start + requests

    def worker() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        while True:
            with lock:
                i = next(counter)
            if i >= end:
                break
            t0 = time.perf_counter()
            try:
                headers = (
                    req.headers
                    if req.per_request is None
                    else {**req.headers, **req.per_request(i)}
                )
                conn.request(req.method, req.path, body=req.body(i), headers=headers)
                resp = conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
                status, data, timing = 0, str(exc).encode(), None
            else:
                status, timing = resp.status, resp.getheader("Server-Timing")
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                sample.client_ms.append(elapsed)
                server = _server_ms(timing)
                if server is not None:
                    sample.server_ms.append(server)
                if status != req.expect:
                    sample.errors += 1
                    sample.locked += b"database is locked" in data
                    sample.first_error = sample.first_error or f"{status} {data[:200]!r}"
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    return {
        "rps": requests / seconds if seconds else 0.0,
        "p50": _pct(sample.client_ms, 0.50),
        "p95": _pct(sample.client_ms, 0.95),
        "p99": _pct(sample.client_ms, 0.99),
        "server_p50": _pct(sample.server_ms, 0.50),
        "server_p95": _pct(sample.server_ms, 0.95),
        "server_p99": _pct(sample.server_ms, 0.99),
        "errors": sample.errors,
        "locked": sample.locked,
        "first_error": sample.first_error,
    }


def prepare() -> dict[str, Any]:
    """Tokens, session cookies and ids from the database (Django set up in this process)."""
    from django.test import Client

    from bench._scale_tickets import LONG_REFERENCE
    from kefu.core.models import User
    from kefu.core.selectors.scope import restrict_to_scope
    from kefu.core.services.tokens import create_token
    from kefu.tickets.models import Ticket

    agent = User.objects.get(username="aftersales")  # the demo's regional agent
    manager = User.objects.get(username="manager")
    _t, raw = create_token(actor=None, user=agent, name="http-bench")
    cookies = {}
    for user in (agent, manager):
        browser = Client()
        browser.force_login(user)
        cookies[user.username] = f"sessionid={browser.cookies['sessionid'].value}"
    visible = restrict_to_scope(Ticket.objects.all(), agent)
    long = visible.filter(reference=LONG_REFERENCE).order_by("pk").first()
    ticket = long or visible.order_by("-pk").first()
    if ticket is None:
        raise SystemExit("the agent sees no ticket: run bench.generate first")
    return {
        "token": raw,
        "cookies": cookies,
        "department": agent.department_memberships.values_list("department_id", flat=True)[0],
        "ticket": ticket.pk,
        "ticket_events": ticket.events.count(),
    }


def requests_for(ctx: dict[str, Any], run_tag: str) -> dict[str, Request]:
    api = {"Authorization": f"Bearer {ctx['token']}", "Accept": "application/json"}
    agent = {"Cookie": ctx["cookies"]["aftersales"]}
    manager = {"Cookie": ctx["cookies"]["manager"]}
    queue = urlencode({"status": "open", "department": ctx["department"], "limit": 25})
    search = urlencode({"q": SEARCH_WORD, "limit": 25})

    def create_body(i: int) -> bytes:
        return json.dumps(
            {"type": "enquiry", "title": f"咨询发票开具 {i}", "description": "客户询问发票",
             "contact_phone": f"138{i % 10**8:08d}"}, ensure_ascii=False,
        ).encode()  # fmt: skip

    create_headers = {**api, "Content-Type": "application/json"}
    return {
        "create": Request(
            "POST",
            "/api/v1/tickets",
            create_headers,
            create_body,
            201,
            lambda i: {"Idempotency-Key": f"http-bench-{run_tag}-{i}"},
        ),  # fmt: skip
        "queue-api": Request("GET", f"/api/v1/tickets?{queue}", api),
        "queue-page": Request("GET", "/tickets/?view=department", agent),
        "detail": Request("GET", f"/tickets/{ctx['ticket']}/", agent),
        "dashboard": Request("GET", "/reports/", manager),
        "search": Request("GET", f"/api/v1/tickets?{search}", api),
    }


def measure(base: str, ctx: dict[str, Any], names: list[str], *, requests: int, runs: int,
            read_concurrency: int) -> list[dict[str, Any]]:  # fmt: skip
    rows = []
    reqs = requests_for(ctx, str(time.time_ns()))
    offset = 0
    for name in names:
        for concurrency in (8, 32) if name == "create" else (read_concurrency,):
            req = reqs[name]
            drive(base, req, concurrency=concurrency, requests=2 * concurrency, start=offset)
            offset += 2 * concurrency  # warm-up: every worker process and connection
            results = []
            for _ in range(runs):
                results.append(drive(base, req, concurrency=concurrency, requests=requests,
                                     start=offset))  # fmt: skip
                offset += requests
            row = {"workload": name, "concurrency": concurrency, "runs": runs}
            for key in results[0]:
                if key == "first_error":
                    row[key] = next((r[key] for r in results if r[key]), "")
                elif key in ("errors", "locked"):
                    row[key] = sum(r[key] for r in results)
                else:
                    row[key] = statistics.median(r[key] for r in results)
            rows.append(row)
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| workload | conc. | req/s | p50 ms | p95 ms | p99 ms | server p50 | server p95 "
        "| server p99 | errors |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['workload']} | {r['concurrency']} | {r['rps']:.0f} | {r['p50']:.1f} "
            f"| {r['p95']:.1f} | {r['p99']:.1f} | {r['server_p50']:.1f} "
            f"| {r['server_p95']:.1f} | {r['server_p99']:.1f} | {r['errors']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="", help="drive a running server instead")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--requests", type=int, default=1000, help="per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8, help="of the read workloads")
    parser.add_argument("--only", default=",".join(WORKLOADS), help="comma-separated")
    parser.add_argument("--floor-rows", type=int, default=2000, help="0: skip the floor")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    if unknown := set(names) - set(WORKLOADS):
        parser.error(f"unknown workloads: {', '.join(sorted(unknown))}")
    if min(args.requests, args.runs, args.concurrency, args.workers) < 1:
        parser.error("--requests, --runs, --concurrency and --workers must be at least 1")
    from bench.generate import setup

    setup()
    from django.db import connection

    from kefu.tickets.models import Ticket

    ctx = prepare()
    connection.close()  # SQLite: no reader of ours holds the file while the server writes
    out: dict[str, Any] = {"database": connection.vendor, "tickets": Ticket.objects.count()}
    connection.close()
    if args.url:
        out["rows"] = measure(args.url, ctx, names, requests=args.requests, runs=args.runs,
                              read_concurrency=args.concurrency)  # fmt: skip
    else:
        from bench._server import serving

        with serving(workers=args.workers, threads=args.threads) as base:
            out["rows"] = measure(base, ctx, names, requests=args.requests, runs=args.runs,
                                  read_concurrency=args.concurrency)  # fmt: skip
    print(f"database {out['database']}, {out['tickets']:,} tickets, ticket page with "
          f"{ctx['ticket_events']} events, {args.workers} workers × {args.threads} threads "
          f"(median of {args.runs} runs of {args.requests} requests)")  # fmt: skip
    print(table(out["rows"]))
    for r in out["rows"]:
        if r["errors"]:
            print(f"{r['workload']}@{r['concurrency']}: {r['errors']} errors "
                  f"({r['locked']} 'database is locked'), first: {r['first_error']}")  # fmt: skip
    if "create" in names and args.floor_rows:
        from bench.floor import run as floor

        out["floor"] = floor(args.floor_rows)
        best = max(r["rps"] for r in out["rows"] if r["workload"] == "create")
        out["fraction_of_floor"] = best / out["floor"]["rows_per_s"]
        print(f"floor: bare {out['floor']['driver']} loop {out['floor']['rows_per_s']:,.0f} "
              f"rows/s; POST /api/v1/tickets {best:,.0f}/s = "
              f"{out['fraction_of_floor']:.1%} of the floor")  # fmt: skip
    return out


if __name__ == "__main__":
    main()
