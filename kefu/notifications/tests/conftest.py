"""Actors and customers for the notifications tests."""

from __future__ import annotations

from typing import Any

import pytest

from kefu.core.choices import Role
from kefu.customers.services import create_customer


@pytest.fixture
def agent(org: Any, make_user: Any) -> Any:
    return make_user(Role.AGENT, org.east, username="east_agent")


@pytest.fixture
def customer(org: Any, agent: Any) -> Any:
    return create_customer(
        actor=agent,
        unit=org.shanghai,
        name="张三",
        kind="person",
        phones=["138 1234 5678"],
        email="zhangsan@example.com",
    )


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks: Any) -> Any:
    """Run the after-commit callbacks of the block (the test transaction never commits)."""

    def runner() -> Any:
        return django_capture_on_commit_callbacks(execute=True)

    return runner


@pytest.fixture
def manager(org: Any, make_user: Any) -> Any:
    return make_user(Role.MANAGER, org.hq, username="hq_manager")


@pytest.fixture
def east_manager(org: Any, make_user: Any) -> Any:
    return make_user(Role.MANAGER, org.east, username="east_manager")


@pytest.fixture
def south_agent(org: Any, make_user: Any) -> Any:
    return make_user(Role.AGENT, org.south, username="south_agent")
