"""The import benchmark runs (a few hundred rows; no timing assertions)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import import_bench

ROOT = Path(__file__).resolve().parents[3]
PHASES = ["validate_rows_per_s", "commit_rows_per_s", "total_s"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_bench_imports_every_generated_row(db, tmp_path, fmt):
    results = import_bench.run(300, fmt=fmt, folder=str(tmp_path))
    assert (results["rows"], results["customers"], results["format"]) == (300, 300, fmt)
    assert results["phones"] == 330  # every tenth row has a landline too
    assert all(results[key] > 0 for key in PHASES)


def test_generated_rows_are_deterministic_with_unique_phones():
    import random

    rows = [import_bench.make_row(i, random.Random(1)) for i in range(2000)]
    phones = [p for row in rows for p in row[2].split("，")]
    assert len(phones) == len(set(phones)) == 2200
    assert rows[:5] == [import_bench.make_row(i, random.Random(1)) for i in range(5)]


def test_command_line_with_throwaway_database():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.import_bench", "--rows", "200"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    values = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    assert values["rows"] == "200"
    assert values["customers"] == "200"
    assert values["vendor"] == "sqlite"
