"""The core demo steps: the administrator, then the company (calendar, units, staff)."""

from __future__ import annotations

from kefu.core.demo.company import write_company
from kefu.core.demo.data import LOGIN_NAMES
from kefu.core.demo.plan import build_plan
from kefu.core.demo.registry import DemoContext, register_demo_login, register_demo_step
from kefu.core.models import User
from kefu.core.services.audit import record_audit

ADMIN_USERNAME = "admin"

register_demo_login(ADMIN_USERNAME)
for _login in LOGIN_NAMES.values():
    register_demo_login(_login)


@register_demo_step("core.admin", order=0)
def administrator(ctx: DemoContext) -> dict[str, int]:
    admin = User(
        username=ADMIN_USERNAME,
        display_name="系统管理员",
        email="admin@example.com",
        is_superuser=True,
        is_staff=True,
        password=ctx.password_hash,
    )
    admin.save()
    record_audit(
        actor=None,
        action="user.create",
        obj=admin,
        changes={"username": admin.username, "display_name": admin.display_name, "superuser": True},
    )
    ctx.actor = admin
    return {"users": 1}


@register_demo_step("core.company", order=10)
def company(ctx: DemoContext) -> dict[str, int]:
    plan = build_plan(seed=ctx.seed, scale=ctx.scale)
    ctx.company = write_company(plan, ctx)
    return {
        "units": len(plan.units),
        "departments": len(plan.departments),
        "users": len(plan.staff),
    }
