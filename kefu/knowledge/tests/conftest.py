from __future__ import annotations

from typing import Any

import pytest

from kefu.core.choices import Role
from kefu.core.tests.ui_client import ui_fixture  # noqa: F401
from kefu.knowledge.choices import ArticleStatus, Visibility
from kefu.knowledge.services import create_article, create_category


@pytest.fixture
def editor(org: Any, make_user: Any) -> Any:
    """Headquarters' supervisor: edits the knowledge base everywhere."""
    return make_user(Role.SUPERVISOR, org.hq)


@pytest.fixture
def agent(org: Any, make_user: Any) -> Any:
    """An agent of 华东区域 (reads, cannot edit)."""
    return make_user(Role.AGENT, org.east)


@pytest.fixture
def south_editor(org: Any, make_user: Any) -> Any:
    return make_user(Role.SUPERVISOR, org.south)


@pytest.fixture
def policy(editor: Any) -> Any:
    return create_category(actor=editor, name="退换货政策")


@pytest.fixture
def make_article(org: Any, editor: Any) -> Any:
    def _make(title: str = "退货须知", body: str = "七天无理由退货。", **kw: Any) -> Any:
        kw.setdefault("unit", org.hq)
        kw.setdefault("status", ArticleStatus.PUBLISHED)
        kw.setdefault("visibility", Visibility.INTERNAL)
        return create_article(actor=kw.pop("actor", editor), title=title, body=body, **kw)

    return _make
