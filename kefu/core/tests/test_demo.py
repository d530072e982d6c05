"""`kefu demo`: a deterministic, believable company with every role."""

from __future__ import annotations

from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import CommandError, call_command
from django.db import transaction

from kefu.core.choices import Role, UnitKind
from kefu.core.demo.data import HQ_DEPARTMENTS, LOGIN_NAMES
from kefu.core.demo.plan import build_plan
from kefu.core.demo.registry import (
    DEMO_PASSWORD,
    DemoContext,
    demo_steps,
    register_demo_step,
    run_demo,
    unregister_demo_step,
)
from kefu.core.models import (
    AuditEvent,
    Department,
    DepartmentMembership,
    OrgUnit,
    UnitAssignment,
    User,
)

Snapshot = dict[str, Any]


def _code_path(unit: OrgUnit, codes: dict[int, str]) -> str:
    return "/".join(codes[int(pk)] for pk in unit.path.strip("/").split("/"))


def snapshot() -> Snapshot:
    units = list(OrgUnit.objects.select_related("parent", "calendar").order_by("code"))
    codes = {u.pk: u.code for u in units}
    return {
        "units": [
            (
                u.code,
                u.name,
                u.kind,
                u.parent.code if u.parent else None,
                u.depth,
                _code_path(u, codes),
                u.calendar.name if u.calendar else None,
                u.phone,
                u.address,
            )
            for u in units
        ],
        "departments": list(
            Department.objects.order_by("code").values_list("code", "name", "kind", "unit__code")
        ),
        "users": list(
            User.objects.order_by("username").values_list(
                "username", "display_name", "phone", "employee_no", "is_superuser"
            )
        ),
        "roles": sorted(UnitAssignment.objects.values_list("user__username", "unit__code", "role")),
        "members": sorted(
            DepartmentMembership.objects.values_list(
                "user__username", "department__code", "is_lead"
            )
        ),
        "audit": Counter(AuditEvent.objects.values_list("action", flat=True)),
    }


def generate(seed: int, scale: int = 1, bulk: bool | None = None) -> Snapshot:
    """Build the demo, snapshot it, roll it back (the next call starts from an empty db)."""
    with transaction.atomic():
        run_demo(seed=seed, scale=scale, password_hash=make_password(DEMO_PASSWORD), bulk=bulk)
        snap = snapshot()
        transaction.set_rollback(True)
    assert not OrgUnit.objects.exists()
    return snap


def test_same_seed_gives_the_same_company_and_another_seed_another(db: Any) -> None:
    first, again, other = generate(7), generate(7), generate(8)
    assert first == again
    # codes and usernames depend on the scale only; names, phones, addresses on the seed
    assert [u[0] for u in other["units"]] == [u[0] for u in first["units"]]
    assert [u[0] for u in other["users"]] == [u[0] for u in first["users"]]
    assert {u[1] for u in first["units"]} != {u[1] for u in other["units"]}
    assert [u[1] for u in first["users"]] != [u[1] for u in other["users"]]


def test_bulk_and_service_paths_write_the_same_rows(db: Any) -> None:
    assert generate(3, bulk=False) == generate(3, bulk=True)


def test_scale_one_company_shape(db: Any) -> None:
    snap = generate(1)
    kinds = Counter(u[2] for u in snap["units"])
    assert kinds == {
        UnitKind.HEADQUARTERS: 1,
        UnitKind.REGION: 4,
        UnitKind.STORE: 8,
        UnitKind.SITE: 4,
        UnitKind.SERVICE_CENTRE: 4,
    }
    regions = [u[1] for u in snap["units"] if u[2] == UnitKind.REGION]
    assert regions == ["华东区域", "华南区域", "华北区域", "西南区域"]
    dept_names = [d[1] for d in snap["departments"]]
    assert {name for _c, name, _k in HQ_DEPARTMENTS} <= set(dept_names)
    assert {"华东客服部", "华南客服部", "华北客服部", "西南客服部"} <= set(dept_names)
    assert len(snap["users"]) == 65
    assert {role for _u, _unit, role in snap["roles"]} == set(Role.values)
    assert set(LOGIN_NAMES) == set(Role.values)
    for code, _n, kind, _p, _d, _path, calendar, phone, address in snap["units"]:
        assert calendar == ("门店排班" if kind == UnitKind.STORE else None), code
        assert phone.count("-") == 1, code
        assert "市" in address, code
    core_audit = {
        "user.create": 65,
        "user.assign_role": 64,
        "user.set_departments": 39,
        "org_unit.create": 21,
        "department.create": 12,
        "calendar.create": 1,
        "demo.generate": 1,
    }
    # later apps' demo steps add their own audit rows; the company's are exact
    assert {action: snap["audit"][action] for action in core_audit} == core_audit


def test_tree_paths_and_depths_are_consistent(db: Any) -> None:
    for bulk in (False, True):
        with transaction.atomic():
            run_demo(seed=2, scale=2, password_hash="!", bulk=bulk)
            for unit in OrgUnit.objects.select_related("parent"):
                parent = unit.parent
                assert unit.path == f"{parent.path if parent else '/'}{unit.pk}/"
                assert unit.depth == (parent.depth + 1 if parent else 0)
            transaction.set_rollback(True)


def test_scale_two_is_bigger_than_scale_one(db: Any) -> None:
    one, two = generate(1, scale=1), generate(1, scale=2)
    for key in ("units", "departments", "users", "roles", "members"):
        assert len(two[key]) > len(one[key]), key
    assert Counter(u[2] for u in two["units"])[UnitKind.REGION] == 8


def test_plan_at_large_scale_keeps_codes_and_names_unique() -> None:
    plan = build_plan(seed=5, scale=40)
    assert len({u.code for u in plan.units}) == len(plan.units) == 1 + 160 + 640
    assert len({u.name for u in plan.units}) == len(plan.units)
    assert len({s.username for s in plan.staff}) == len(plan.staff)
    assert len({d.code for d in plan.departments}) == len(plan.departments)


def test_demo_command_prints_logins_that_work(db: Any) -> None:
    out = StringIO()
    call_command("demo", "--seed", "4", stdout=out)
    text = out.getvalue()
    assert text.startswith("Demo company (seed 4, scale 1): 65 users, 21 units, 12 departments")
    assert "kefu 客服 is at http://127.0.0.1:8000" in text
    assert f"password for all: {DEMO_PASSWORD}" in text
    for username in ("admin", "manager", "supervisor", "agent", "clerk", "auditor", "handler"):
        assert f"\n    {username} " in text
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser
    assert AuditEvent.objects.filter(via="command").count() == AuditEvent.objects.count()


def test_if_empty_is_idempotent_and_still_prints_the_logins(db: Any) -> None:
    call_command("demo", "--if-empty", stdout=StringIO())
    before = snapshot()
    out = StringIO()
    call_command("demo", "--if-empty", "--seed", "9", "--url", "http://10.0.0.5:8080", stdout=out)
    assert snapshot() == before
    text = out.getvalue()
    assert text.startswith("The database already has data: no demo data generated.\n")
    assert "kefu 客服 is at http://10.0.0.5:8080" in text
    assert "\n    manager " in text


def test_demo_refuses_a_database_with_units(org: Any) -> None:
    units = OrgUnit.objects.count()
    with pytest.raises(CommandError, match="already has organisation units"):
        call_command("demo", stdout=StringIO())
    assert OrgUnit.objects.count() == units
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "No demo logins in this database" in out.getvalue()  # only the fixture's admin


def test_demo_clash_with_existing_users_writes_nothing(db: Any) -> None:
    User.objects.create_user("manager", password="x")
    with pytest.raises(CommandError, match="clashes"):
        call_command("demo", stdout=StringIO())
    assert not OrgUnit.objects.exists()
    assert User.objects.count() == 1


@pytest.mark.parametrize("scale", ["0", "1001"])
def test_demo_rejects_a_bad_scale(db: Any, scale: str) -> None:
    with pytest.raises(CommandError, match="between 1 and 1000"):
        call_command("demo", "--scale", scale)
    assert not OrgUnit.objects.exists()


def test_apps_extend_the_demo_with_registered_steps(db: Any) -> None:
    seen: list[tuple[str, int, str]] = []

    def extra(ctx: DemoContext) -> dict[str, int]:
        company = ctx.require_company()
        agents = company.staff[Role.AGENT]
        seen.append((company.hq.name, len(company.leaves), ctx.faker("tests.extra").name()))
        return {"widgets": len(agents)}

    register_demo_step("tests.extra", order=500)(extra)
    try:
        assert [s.name for s in demo_steps()][-1] == "tests.extra"
        for _ in range(2):
            with transaction.atomic():
                ctx = run_demo(seed=1, scale=1, password_hash="!")
                transaction.set_rollback(True)
            assert ctx.counts["widgets"] == 14
    finally:
        unregister_demo_step("tests.extra")
    assert seen[0] == seen[1]
    assert seen[0][:2] == ("总部", 16)
