"""The duplicate finder benchmark runs (a few hundred customers; no timing assertions)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import dedupe_bench

ROOT = Path(__file__).resolve().parents[3]


def test_bench_plants_and_finds_duplicates(db):
    results = dedupe_bench.run(400)
    assert results["customers"] == 400
    assert results["planted_pairs"] > 0
    assert results["recall"] >= 0.8
    assert results["comparisons"] < results["all_pairs"]
    assert results["again_written"] == 0
    again = dedupe_bench.run(400, reuse=True)
    assert again["populate_s"] < results["populate_s"]
    assert again["pairs"] == results["pairs"]


def test_generated_data_is_deterministic():
    import random

    assert dedupe_bench._company(random.Random(1)) == dedupe_bench._company(random.Random(1))


def test_command_line_with_throwaway_database():
    with tempfile.TemporaryDirectory(prefix="kefu-dedupebench-") as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "KEFU_VAR_DIR": folder,
            "REDIS_URL": "",
        }
        done = subprocess.run(
            [sys.executable, "-m", "bench.dedupe_bench", "--customers", "300"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    keys = [line.split()[0] for line in done.stdout.splitlines()]
    assert [k for k in keys if not k.startswith("phase_")] == [
        "customers",
        "planted_pairs",
        "find_s",
        "pairs",
        "again_s",
        "again_written",
        "comparisons",
        "all_pairs",
        "recall",
        "oversized_blocks",
        "common_names",
        "populate_s",
        "vendor",
    ]
