"""The tickets API benchmark runs end to end at a tiny size (no timing assertions)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_tickets_api_bench_runs(capsys: Any) -> None:
    from bench import tickets_api_bench

    result = tickets_api_bench.main(["--tickets", "300", "--creates", "5", "--rounds", "2"])
    assert result["tickets"] >= 305  # the demo company brings its own tickets too
    assert result["creates"]["per_s"] > 0
    assert set(result["lists"]) == {
        "open, my department, by due (25)",
        "open, my units, by due (25)",
        "phone search",
    }
    assert "POST /api/v1/tickets x5" in capsys.readouterr().out
