"""In-process cost of `POST /api/v1/tickets` (docs/benchmarks.md, "Ticket creation").

usage: python -m bench.create_profile VAR_DIR [N]   (DATABASE_URL for PostgreSQL)

Builds the demo company in an empty database, makes 20 warm-up creates as the demo agent,
prints the statements of one create with and without an Idempotency-Key, then times N
sequential creates (wall clock and this process's CPU time)."""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from typing import Any


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    os.environ["KEFU_VAR_DIR"] = argv[0]
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    n = int(argv[1]) if len(argv) > 1 else 300
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kefu.core.models import OrgUnit, User
    from kefu.core.services.tokens import create_token

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    if not OrgUnit.objects.exists():
        with open(os.devnull, "w") as devnull:
            call_command("demo", seed=1, scale=1, stdout=devnull)
    agent = User.objects.get(username="agent")
    _token, raw = create_token(actor=agent, user=agent, name="create-profile")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    body = {
        "type": "complaint",
        "description": "客户反映包裹外箱破损，内件受损。",
        "contact_phone": "13800138000",
        "channel": "phone",
    }

    def one(i: int, key: bool = True) -> Any:
        headers = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())} if key else {}
        r = client.post(
            "/api/v1/tickets",
            data=json.dumps({**body, "title": f"快递破损 {i}"}),
            content_type="application/json",
            **headers,  # type: ignore[arg-type]
        )
        assert r.status_code == 201, r.content
        return r

    for i in range(20):
        one(i)
    out = sys.stdout
    for key in (True, False):
        with CaptureQueriesContext(connection) as q:
            one(99, key)
        label = "with" if key else "without"
        out.write(f"statements per create ({label} Idempotency-Key): {len(q.captured_queries)}\n")
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(n):
        one(1000 + i)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    out.write(
        f"{connection.vendor}: {n} creates in {wall:.2f}s = {n / wall:.1f}/s "
        f"({1000 * wall / n:.1f} ms each; CPU of this process {1000 * cpu / n:.1f} ms each)\n"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
