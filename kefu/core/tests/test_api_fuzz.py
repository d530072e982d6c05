"""Schemathesis against /api/v1/openapi.json: no 5xx, every response matches the schema.

Every operation of the generated schema is exercised (minus the explicit SKIP list) with
seeded, derandomized Hypothesis data, as a manager at HQ and as an agent in a store. Path ids
are drawn half the time from rows that exist, so the happy paths run too, not only 404s;
each case runs in a savepoint that is rolled back, so cases do not see each other's rows.
The number of cases run is printed ("schemathesis (manager): N cases over M of M
operations"; `pytest -rP` shows it) and recorded as the `schemathesis_cases` property.

KEFU_FUZZ_EXAMPLES raises the examples per operation (default 15)."""

from __future__ import annotations

import os
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kefu.core.choices import Role
from kefu.core.tests.fuzz_data import Seed, seed_api_data

EXAMPLES = int(os.environ.get("KEFU_FUZZ_EXAMPLES", "15"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# Operations left out, with the reason. Nothing is skipped today: binary answers (xlsx,
# attachments) declare their own media type and are checked like the rest.
SKIP: dict[str, str] = {}


@contextmanager
def _connection_kept() -> Iterator[None]:
    """Django's real WSGI handler inside the test transaction: as the test Client does, keep
    the per-request clean-up from closing the connection that holds the test's transaction.
    (Entered after seeding: each test Client request connects the clean-up again.)"""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def _strategy(op: Any, known: dict[str, int | str]) -> Any:
    names = [p.name for p in op.path_parameters]
    options = [
        op.as_strategy(generation_mode=GenerationMode.POSITIVE),
        op.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    ]
    if names and all(n in known for n in names):
        fixed = {n: known[n] for n in names}
        options.append(
            op.as_strategy(generation_mode=GenerationMode.POSITIVE, path_parameters=fixed)
        )
        options.append(
            op.as_strategy(generation_mode=GenerationMode.POSITIVE, path_parameters=fixed)
        )
    return st.one_of(*options)


def _describe(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or "".join(traceback.format_exception_only(exc))
    return str(text)[:2500]


def _runner(
    op: Any, seed: Seed, examples: int, cases: Counter[str], headers: dict[str, str]
) -> Any:
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(op, seed.ids))
    def run(case: Any) -> None:
        cases[op.label] += 1
        # Each case is a request of its own, as in production: a refused query (a 400 for a
        # value PostgreSQL cannot hold) must not abort the transaction the test shares.
        savepoint = transaction.savepoint_create()
        try:
            response = case.call(headers=headers)
        finally:
            transaction.savepoint_rollback(savepoint)
        case.validate_response(response, checks=CHECKS, headers=headers)

    return run


def _fuzz(seed: Seed, examples: int) -> tuple[Counter[str], list[str], int]:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
    ops = _operations(schema)
    cases: Counter[str] = Counter()
    failures: list[str] = []
    headers = {"Authorization": f"Bearer {seed.token}"}
    for op in ops:
        if op.label in SKIP:
            continue
        try:
            _runner(op, seed, examples, cases, headers)()
        except BaseException as exc:  # noqa: BLE001 — one failing operation must not hide the rest
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures.append(f"{op.label}: {_describe(exc)}")
    return cases, failures, len(ops)


def _report(role: str, cases: Counter[str], total_ops: int) -> None:
    tested = len(cases)
    line = (
        f"\nschemathesis ({role}): {sum(cases.values())} cases over {tested} of "
        f"{total_ops} operations ({len(SKIP)} skipped)"
    )
    print(line)  # noqa: T201 — the release notes quote this line


@pytest.mark.parametrize(
    ("role", "examples"),
    [
        pytest.param(Role.MANAGER, EXAMPLES, id="manager"),
        pytest.param(Role.AGENT, EXAMPLES // 2 or 1, id="agent"),
    ],
)
def test_every_operation_answers_within_its_schema(
    org, make_user, api_as, record_property, role, examples
):
    seed = seed_api_data(org, make_user, api_as, role)
    with _connection_kept():
        cases, failures, total_ops = _fuzz(seed, examples)
    _report(role, cases, total_ops)
    record_property("schemathesis_cases", sum(cases.values()))
    assert not failures, "\n\n".join(failures)
    assert len(cases) == total_ops - len(SKIP)
    assert all(n >= 1 for n in cases.values())
