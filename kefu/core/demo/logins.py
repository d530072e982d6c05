"""The block `kefu demo` prints: where kefu runs and who can sign in."""

from __future__ import annotations

from django.db.models import Prefetch

from kefu.core.choices import Role
from kefu.core.demo.registry import DEMO_AUDIT_ACTION, DEMO_PASSWORD, demo_login_usernames
from kefu.core.models import AuditEvent, DepartmentMembership, UnitAssignment, User

RULE = "─" * 64


def describe(user: User) -> str:
    """'Customer-service agent · 华东区域 · 华东客服部' from the user's roles and departments."""
    if user.is_superuser:
        return "superuser"
    parts = [f"{Role(a.role).label} · {a.unit.name}" for a in user.assignments.all()]
    parts += [m.department.name for m in user.department_memberships.all()]
    return " · ".join(parts)


def existing_logins() -> list[tuple[str, str]]:
    """(username, description) of the demo logins present in the database, in login order."""
    if not AuditEvent.objects.filter(action=DEMO_AUDIT_ACTION).exists():
        return []  # not a demo database: an "admin" here has its own password
    usernames = demo_login_usernames()
    users = {
        u.username: u
        for u in User.objects.filter(username__in=usernames, is_active=True).prefetch_related(
            Prefetch("assignments", queryset=UnitAssignment.objects.select_related("unit")),
            Prefetch(
                "department_memberships",
                queryset=DepartmentMembership.objects.select_related("department"),
            ),
        )
    }
    return [(name, describe(users[name])) for name in usernames if name in users]


def login_block(*, url: str, logins: list[tuple[str, str]]) -> str:
    lines = [RULE, f"  kefu 客服 is at {url}"]
    if logins:
        lines.append(f"  Demo logins (password for all: {DEMO_PASSWORD}):")
        width = max(len(name) for name, _ in logins) + 2
        lines += [f"    {name:<{width}}{what}" for name, what in logins]
        lines.append("  Demo accounts only: never keep them on a production system.")
    else:
        lines.append("  No demo logins in this database: sign in with your own account.")
    lines.append(RULE)
    return "\n".join(lines)
