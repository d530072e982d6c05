"""Writing the demo company: units and departments through the services at small scales and
with bulk inserts at large ones (same rows either way: paths, audit rows and all).

Staff are always bulk-inserted with one password hash computed once: hashing is slow on
purpose (about half a second per password), which would make even scale 1 take a minute
through `create_user`. Their audit rows are the ones the user services write.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from kefu.core.choices import UnitKind
from kefu.core.context import current_origin
from kefu.core.demo.data import STORE_CALENDAR, STORE_HOURS
from kefu.core.demo.plan import CompanyPlan, UnitSpec
from kefu.core.demo.registry import DemoContext
from kefu.core.models import (
    AuditEvent,
    BusinessCalendar,
    Department,
    DepartmentMembership,
    OrgUnit,
    UnitAssignment,
    User,
)
from kefu.core.services.calendar import create_calendar
from kefu.core.services.org import create_department, create_unit

BATCH = 1000


@dataclass
class DemoCompany:
    """What later demo steps build on."""

    hq: OrgUnit
    regions: list[OrgUnit]
    leaves: list[OrgUnit]  # stores, sites and service centres
    units: dict[str, OrgUnit]  # by code
    departments: dict[str, Department]  # by code
    staff: dict[str, list[User]]  # by role
    store_calendar: BusinessCalendar


class AuditBatch:
    """Audit rows for bulk writes, shaped as `record_audit` shapes them."""

    def __init__(self, actor: User | None) -> None:
        self.actor = actor
        self.label = (actor.display_name or actor.username) if actor else "system"
        self.origin = current_origin()
        self.rows: list[AuditEvent] = []

    def add(
        self,
        action: str,
        obj: Model,
        *,
        unit: OrgUnit | None = None,
        changes: dict[str, Any] | None = None,
    ) -> None:
        self.rows.append(
            AuditEvent(
                actor=self.actor,
                actor_label=self.label,
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                unit=unit,
                changes=changes or {},
                ip=self.origin.ip,
                via=self.origin.via,
                request_id=self.origin.request_id,
            )
        )

    def save(self) -> None:
        AuditEvent.objects.bulk_create(self.rows, batch_size=BATCH)
        self.rows = []


def write_company(plan: CompanyPlan, ctx: DemoContext) -> DemoCompany:
    actor = ctx.actor
    if actor is None:
        raise ValueError("the demo company needs its administrator first")
    calendar = create_calendar(actor=actor, name=STORE_CALENDAR, weekday_hours=STORE_HOURS)
    audit = AuditBatch(actor)
    if ctx.bulk:
        units = _bulk_units(plan.units, calendar, audit)
        departments = _bulk_departments(plan, units, audit)
    else:
        units = {}
        for spec in plan.units:
            units[spec.code] = create_unit(
                actor=actor,
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                parent=units[spec.parent] if spec.parent else None,
                calendar=calendar if spec.kind == UnitKind.STORE else None,
                phone=spec.phone,
                address=spec.address,
            )
        departments = {
            d.code: create_department(
                actor=actor, unit=units[d.unit], code=d.code, name=d.name, kind=d.kind
            )
            for d in plan.departments
        }
    staff = _bulk_staff(plan, ctx.password_hash, units, departments, audit)
    audit.save()
    ordered = list(units.values())
    return DemoCompany(
        hq=ordered[0],
        regions=[u for u in ordered if u.kind == UnitKind.REGION],
        leaves=[u for u in ordered if u.depth >= 2],
        units=units,
        departments=departments,
        staff=staff,
        store_calendar=calendar,
    )


def _bulk_units(
    specs: list[UnitSpec], calendar: BusinessCalendar, audit: AuditBatch
) -> dict[str, OrgUnit]:
    """Insert level by level: a level's ids give its paths ("/1/4/9/")."""
    units: dict[str, OrgUnit] = {}
    depth_of: dict[str, int] = {}
    levels: dict[int, list[UnitSpec]] = defaultdict(list)
    for spec in specs:
        depth_of[spec.code] = depth_of[spec.parent] + 1 if spec.parent else 0
        levels[depth_of[spec.code]].append(spec)
    for depth in sorted(levels):
        level = [
            OrgUnit(
                code=s.code,
                name=s.name,
                kind=s.kind,
                parent=units[s.parent] if s.parent else None,
                calendar=calendar if s.kind == UnitKind.STORE else None,
                phone=s.phone,
                address=s.address,
            )
            for s in levels[depth]
        ]
        OrgUnit.objects.bulk_create(level, batch_size=BATCH)
        for unit in level:
            unit.path = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
            unit.depth = depth
            units[unit.code] = unit
        OrgUnit.objects.bulk_update(level, ["path", "depth"], batch_size=BATCH)
    for spec in specs:  # audit in plan order, as the services would have written it
        unit = units[spec.code]
        changes = {"code": unit.code, "name": unit.name, "kind": unit.kind}
        audit.add("org_unit.create", unit, unit=unit, changes=changes)
    return units


def _bulk_departments(
    plan: CompanyPlan, units: dict[str, OrgUnit], audit: AuditBatch
) -> dict[str, Department]:
    rows = [
        Department(unit=units[d.unit], code=d.code, name=d.name, kind=d.kind)
        for d in plan.departments
    ]
    Department.objects.bulk_create(rows, batch_size=BATCH)
    for dept in rows:
        changes = {"code": dept.code, "name": dept.name, "kind": dept.kind}
        audit.add("department.create", dept, unit=dept.unit, changes=changes)
    return {d.code: d for d in rows}


def _bulk_staff(
    plan: CompanyPlan,
    password_hash: str,
    units: dict[str, OrgUnit],
    departments: dict[str, Department],
    audit: AuditBatch,
) -> dict[str, list[User]]:
    users = [
        User(
            username=s.username,
            display_name=s.display_name,
            email=s.email,
            phone=s.phone,
            employee_no=s.employee_no,
            password=password_hash,
        )
        for s in plan.staff
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    assignments: list[UnitAssignment] = []
    memberships: list[DepartmentMembership] = []
    by_role: dict[str, list[User]] = defaultdict(list)
    for spec, user in zip(plan.staff, users, strict=True):
        unit = units[spec.unit]
        by_role[spec.role].append(user)
        assignments.append(UnitAssignment(user=user, unit=unit, role=spec.role))
        changes = {"username": user.username, "display_name": user.display_name}
        audit.add("user.create", user, unit=unit, changes=changes)
        audit.add(
            "user.assign_role", user, unit=unit, changes={"unit": unit.name, "role": spec.role}
        )
        if spec.departments:
            depts = [departments[code] for code in spec.departments]
            memberships += [
                DepartmentMembership(user=user, department=d, is_lead=spec.lead) for d in depts
            ]
            names = sorted(d.name for d in depts)
            audit.add("user.set_departments", user, changes={"departments": names})
    UnitAssignment.objects.bulk_create(assignments, batch_size=BATCH)
    DepartmentMembership.objects.bulk_create(memberships, batch_size=BATCH)
    return dict(by_role)
