"""Actors and a small organisation built through the services (as Zulip does)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from kefu.core.choices import DepartmentKind, Role, UnitKind
from kefu.core.models import Department, OrgUnit, User
from kefu.core.services import org as org_services
from kefu.core.services import users as user_services
from kefu.core.services.tokens import create_token

__all__ = [
    "ApiClient",
    "Org",
    "admin_user",
    "api_as",
    "fresh_cache",
    "fresh_calendar_cache",
    "default_language",
    "make_user",
    "org",
]


@pytest.fixture(autouse=True)
def fresh_calendar_cache() -> Any:
    """Compiled calendars (and cached config: kefu.core.config_cache) outlive a test's
    rollback; every test starts and ends clean."""
    from kefu.core.config_cache import reset_config_cache
    from kefu.core.services.calendar import reset_calendar_cache

    reset_calendar_cache()
    reset_config_cache()
    yield
    reset_calendar_cache()
    reset_config_cache()


@pytest.fixture(autouse=True)
def fresh_cache() -> Any:
    """The cache outlives a test's rollback and ids are reused after it (SQLite), so a value
    cached for "user 3" in one test (the bell count …) must not reach the next test's user 3."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def default_language() -> Any:
    """Every test starts in the default language (zh-hans), as a command or task does.

    A request activates its own language (the user's, or zh-hans) and Django leaves it active
    on the thread afterwards, so without this a test's language would depend on which test
    ran before it on the same worker. Tests that compare English messages outside a request
    use `translation.override("en")`."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@dataclass
class Org:
    hq: OrgUnit
    east: OrgUnit
    south: OrgUnit
    shanghai: OrgUnit
    guangzhou: OrgUnit
    cs_hq: Department
    quality_hq: Department
    cs_east: Department


@pytest.fixture
def admin_user(db: Any) -> User:
    return User.objects.create_superuser("admin", "admin@example.com", "admin-pass-123")


@pytest.fixture
def org(admin_user: User) -> Org:
    a = admin_user
    hq = org_services.create_unit(actor=a, code="HQ", name="总部", kind=UnitKind.HEADQUARTERS)
    east = org_services.create_unit(
        actor=a, code="R-E", name="华东区域", kind=UnitKind.REGION, parent=hq
    )
    south = org_services.create_unit(
        actor=a, code="R-S", name="华南区域", kind=UnitKind.REGION, parent=hq
    )
    sh = org_services.create_unit(
        actor=a, code="S-SH1", name="上海一店", kind=UnitKind.STORE, parent=east
    )
    gz = org_services.create_unit(
        actor=a, code="S-GZ1", name="广州一店", kind=UnitKind.STORE, parent=south
    )
    cs_hq = org_services.create_department(actor=a, unit=hq, code="D-CS", name="客服部")
    q_hq = org_services.create_department(
        actor=a, unit=hq, code="D-QA", name="质量部", kind=DepartmentKind.QUALITY
    )
    cs_east = org_services.create_department(actor=a, unit=east, code="D-CS-E", name="华东客服部")
    return Org(hq, east, south, sh, gz, cs_hq, q_hq, cs_east)


@pytest.fixture
def make_user(admin_user: User) -> Any:
    counter = {"n": 0}

    def _make(role: str = Role.AGENT, unit: OrgUnit | None = None, **extra: Any) -> User:
        counter["n"] += 1
        username = extra.pop("username", f"{role}{counter['n']}")
        user = user_services.create_user(
            actor=admin_user,
            username=username,
            password="s3cret-pass-123",
            display_name=extra.pop("display_name", username),
            unit=unit,
            role=role if unit is not None else None,
        )
        return user

    return _make


class ApiClient:
    """A test client that sends `Authorization: Bearer <token>` and JSON bodies."""

    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            _token, raw = create_token(actor=None, user=user, name="tests")
            self.headers["Authorization"] = f"Bearer {raw}"

    def _call(self, method: str, path: str, data: Any = None, **headers: str) -> Any:
        fn = getattr(self.client, method)
        kwargs: dict[str, Any] = {"headers": {**self.headers, **headers}}
        if method in {"post", "patch", "put"}:
            kwargs["data"] = data if data is not None else {}
            kwargs["content_type"] = "application/json"
        elif data is not None:
            kwargs["data"] = data
        return fn(path, **kwargs)

    def get(self, path: str, data: Any = None, **h: str) -> Any:
        return self._call("get", path, data, **h)

    def post(self, path: str, data: Any = None, **h: str) -> Any:
        return self._call("post", path, data, **h)

    def patch(self, path: str, data: Any = None, **h: str) -> Any:
        return self._call("patch", path, data, **h)

    def delete(self, path: str, **h: str) -> Any:
        return self._call("delete", path, None, **h)


@pytest.fixture
def api_as(db: Any) -> Any:
    def _as(user: User | None) -> ApiClient:
        return ApiClient(user)

    return _as
