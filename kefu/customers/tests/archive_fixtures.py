"""Actors and customers for the archive tests (customers are made through the services)."""

from __future__ import annotations

from typing import Any

import pytest

from kefu.core.choices import Role
from kefu.customers.services import create_customer

__all__ = ["east_agent", "keeper", "rich_customer", "south_agent", "supervisor"]


@pytest.fixture
def east_agent(org: Any, make_user: Any) -> Any:
    return make_user(Role.AGENT, org.east, username="east_agent")


@pytest.fixture
def south_agent(org: Any, make_user: Any) -> Any:
    return make_user(Role.AGENT, org.south, username="south_agent")


@pytest.fixture
def supervisor(org: Any, make_user: Any) -> Any:
    return make_user(Role.SUPERVISOR, org.east, username="east_supervisor")


@pytest.fixture
def keeper(org: Any, make_user: Any) -> Any:
    return make_user(Role.RECORDS_KEEPER, org.east, username="east_keeper")


@pytest.fixture
def rich_customer(org: Any, east_agent: Any) -> Any:
    """A company in Shanghai with two phones, a contact, an address, tags and an ID."""
    return create_customer(
        actor=east_agent,
        unit=org.shanghai,
        name="上海华东贸易有限公司",
        kind="company",
        phones=["+86 138-1234-5678", "021 5555 0000"],
        email="buyer@huadong.example.com",
        id_number="91310000MA1FL0XX1A",
        address="上海市浦东新区世纪大道100号",
        grade="A",
        is_key_account=True,
        source="store",
        source_unit=org.shanghai,
        contacts=[
            {"name": "王经理", "title": "采购", "phone": "139 0000 1111", "is_primary": True}
        ],
        addresses=[
            {
                "province": "上海市",
                "city": "上海市",
                "district": "浦东新区",
                "detail": "世纪大道100号",
            }
        ],
        tags=["VIP", "批发"],
    )
