"""The SLA scan benchmark runs (small N; no timing assertions)."""

from __future__ import annotations

from bench import sla_scan_bench


def test_bench_runs_on_the_test_database(db):
    results = sla_scan_bench.run(300)
    assert (results["tickets"], results["due"], results["checked"]) == (300, 3, 3)
    assert (results["breaches"], results["alerts"], results["idle_checked"]) == (3, 3, 0)
    assert results["follow_up_alerts"] == 3
    again = sla_scan_bench.run(150)  # replaces the previous run's tickets
    assert (again["tickets"], again["due"], again["checked"]) == (150, 1, 1)


def test_main_rejects_nonsense():
    import pytest

    with pytest.raises(SystemExit):
        sla_scan_bench.main(["--tickets", "0"])
