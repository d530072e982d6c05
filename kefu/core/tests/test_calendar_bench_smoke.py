"""The calendar benchmark runs (a few hundred calls; no timing assertions)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench import calendar_bench

ROOT = Path(__file__).resolve().parents[3]


def test_engine_bench_runs():
    results = calendar_bench.run_engine(300)
    assert set(results) == {"engine_add_per_s", "engine_between_per_s", "compile_ms_per_year"}
    assert all(value > 0 for value in results.values())


def test_service_bench_runs(db):
    results = calendar_bench.run_service(300)
    assert set(results) == {"service_add_per_s", "service_between_per_s"}
    assert all(value > 0 for value in results.values())


def test_inputs_are_deterministic():
    assert calendar_bench.make_inputs(5) == calendar_bench.make_inputs(5)


def test_command_line_with_throwaway_database():
    done = subprocess.run(
        [sys.executable, "-m", "bench.calendar_bench", "--calls", "200", "--service"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("calls per measurement: 200 ")
    assert [line.split()[0] for line in lines[1:]] == [
        "engine_add_per_s",
        "engine_between_per_s",
        "compile_ms_per_year",
        "service_add_per_s",
        "service_between_per_s",
    ]
