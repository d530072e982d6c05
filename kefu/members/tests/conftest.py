from __future__ import annotations

from typing import Any

import pytest

from kefu.core.choices import Role
from kefu.core.tests.ui_client import ui_fixture  # noqa: F401
from kefu.members.services.audit import file_member
from kefu.members.services.registration import register_member
from kefu.members.tests.factories import form, make_tiers


@pytest.fixture
def tiers(db: Any) -> Any:
    return make_tiers()


@pytest.fixture
def clerk(org: Any, make_user: Any) -> Any:
    """A store clerk at 上海一店."""
    return make_user(Role.STORE_CLERK, org.shanghai)


@pytest.fixture
def gz_clerk(org: Any, make_user: Any) -> Any:
    return make_user(Role.STORE_CLERK, org.guangzhou)


@pytest.fixture
def keeper(org: Any, make_user: Any) -> Any:
    """Headquarters' records keeper (audits and files members)."""
    return make_user(Role.RECORDS_KEEPER, org.hq)


@pytest.fixture
def manager(org: Any, make_user: Any) -> Any:
    return make_user(Role.MANAGER, org.hq)


@pytest.fixture
def filed(org: Any, tiers: Any, clerk: Any, keeper: Any) -> Any:
    """A filed member of 上海一店 (normal tier)."""
    member = register_member(actor=clerk, unit=org.shanghai, **form(1))
    return file_member(actor=keeper, member=member)
