"""Business-calendar benchmark: add_business_time and business_time_between calls per second.

    .venv/bin/python -m bench.calendar_bench                 # engine only, 200,000 calls each
    .venv/bin/python -m bench.calendar_bench --calls 500     # a quick run
    .venv/bin/python -m bench.calendar_bench --service       # also the cached service layer,
                                                             # on a throwaway SQLite database

Starts are spread over 2024-2026 (statutory data) with a few in 2027 (fallback), durations
0.25-72 working hours; all inputs are made before timing, with a fixed seed.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

_DAY = [["09:00", "12:00"], ["13:00", "18:00"]]
STANDARD_HOURS = {str(i): (_DAY if i <= 5 else []) for i in range(1, 8)}


def make_inputs(calls: int, seed: int = 20261001) -> list[tuple[datetime, timedelta, datetime]]:
    rng = random.Random(seed)
    tz = ZoneInfo("Asia/Shanghai")
    base = datetime(2024, 1, 1, tzinfo=tz)
    out = []
    for _ in range(calls):
        start = base + timedelta(minutes=rng.randrange(0, 3 * 366 * 24 * 60 + 60 * 24 * 60))
        hours = timedelta(minutes=rng.randrange(15, 72 * 60 + 1, 15))
        end = start + timedelta(minutes=rng.randrange(0, 30 * 24 * 60))
        out.append((start, hours, end))
    return out


def _rate(fn: Callable[[], Any], calls: int) -> float:
    began = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - began
    return calls / elapsed if elapsed > 0 else float("inf")


def run_engine(calls: int) -> dict[str, float]:
    from kefu.core.calendar_engine import (
        add_business_time,
        business_time_between,
        compile_calendar,
        statutory_data,
    )

    inputs = make_inputs(calls)
    statutory_data()  # loaded once per process
    began = time.perf_counter()
    cal = compile_calendar(STANDARD_HOURS, "Asia/Shanghai")
    for year in range(2024, 2029):
        cal.block(year)
    compile_ms = (time.perf_counter() - began) * 1000 / 5

    def adds() -> None:
        for start, duration, _end in inputs:
            add_business_time(start, duration, cal)

    def betweens() -> None:
        for start, _duration, end in inputs:
            business_time_between(start, end, cal)

    return {
        "engine_add_per_s": _rate(adds, calls),
        "engine_between_per_s": _rate(betweens, calls),
        "compile_ms_per_year": compile_ms,
    }


def run_service(calls: int) -> dict[str, float]:
    """Needs Django set up and a database holding the default calendar."""
    from kefu.core.selectors.calendar import default_calendar
    from kefu.core.services import calendar as services

    inputs = make_inputs(calls)
    services.reset_calendar_cache()
    cal = default_calendar()
    services.add_business_time(inputs[0][0], inputs[0][1], cal)  # compile outside the timing
    for year in range(2024, 2029):
        services.compiled_calendar(cal).block(year)

    def adds() -> None:
        for start, duration, _end in inputs:
            services.add_business_time(start, duration, cal)

    def betweens() -> None:
        for start, _duration, end in inputs:
            services.business_time_between(start, end, cal)

    return {
        "service_add_per_s": _rate(adds, calls),
        "service_between_per_s": _rate(betweens, calls),
    }


def _setup_throwaway_django(folder: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["KEFU_VAR_DIR"] = folder
    os.environ["REDIS_URL"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200_000, help="calls per measurement")
    parser.add_argument("--service", action="store_true", help="also time the service layer")
    args = parser.parse_args(argv)
    calls = max(1, args.calls)
    results = run_engine(calls)
    if args.service:
        with tempfile.TemporaryDirectory(prefix="kefu-calbench-") as folder:
            _setup_throwaway_django(folder)
            results |= run_service(calls)
    print(f"calls per measurement: {calls:,} (python {sys.version.split()[0]})")
    for key, value in results.items():
        unit = "" if key.endswith("_ms_per_year") else " calls/s"
        print(f"{key:<24} {value:>12,.1f}{unit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
