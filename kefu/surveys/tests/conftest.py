from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from kefu.core.choices import Role
from kefu.surveys.services import create_survey
from kefu.surveys.tests.helpers import make_ticket


@pytest.fixture(autouse=True)
def _clear_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def east_agent(org: Any, make_user: Any) -> Any:
    return make_user(Role.AGENT, org.east, display_name="王芳")


@pytest.fixture
def csat_survey(org: Any, admin_user: Any) -> Any:
    return create_survey(
        actor=admin_user,
        unit=org.hq,
        kind="csat",
        title="服务满意度调查",
        question="您对本次服务满意吗？",
        comment_question="还有什么想告诉我们的？",
    )


@pytest.fixture
def nps_survey(org: Any, admin_user: Any) -> Any:
    return create_survey(
        actor=admin_user,
        unit=org.hq,
        kind="nps",
        title="推荐意愿调查",
        question="您有多大可能向朋友推荐我们？",
        comment_question="请告诉我们原因",
    )


@pytest.fixture
def resolved_ticket(org: Any, east_agent: Any) -> Any:
    return make_ticket(east_agent, org.shanghai, resolved=True, contact_name="张三")
