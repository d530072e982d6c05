"""Organisation, people and audit endpoints (thin: parse, call a selector/service, return)."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from kefu.core.api_common import ERRORS, actor_of
from kefu.core.api_errors import ErrorOut
from kefu.core.models import BusinessCalendar, User
from kefu.core.permissions import Perm
from kefu.core.schemas import (
    AuditEventOut,
    DepartmentIn,
    DepartmentOut,
    MeOut,
    UnitIn,
    UnitOut,
    UnitPatch,
)
from kefu.core.selectors import org as org_selectors
from kefu.core.selectors.scope import require_perm, scope_for
from kefu.core.services import org as org_services

router = Router(tags=["organisation"])


def _user_out(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "is_active": user.is_active,
        "on_duty": user.on_duty,
        "assignments": [
            {"unit_id": a.unit_id, "unit_name": a.unit.name, "role": a.role}
            for a in user.assignments.all()
        ],
        "department_ids": [m.department_id for m in user.department_memberships.all()],
    }


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="The current user")
def me(request: HttpRequest) -> dict[str, Any]:
    actor = actor_of(request)
    user = org_selectors.list_users(actor).get(pk=actor.pk)
    scope = scope_for(actor)
    return {
        **_user_out(user),
        "is_superuser": actor.is_superuser,
        "permissions": sorted(str(p) for p in scope.all_perms),
    }


class UnitFilter(Schema):
    q: str = ""
    kind: str = ""


@router.get("/units", response={200: list[UnitOut], **ERRORS}, summary="Units in my scope")
@paginate(LimitOffsetPagination)
def list_units(request: HttpRequest, filters: Query[UnitFilter]) -> Any:
    return org_selectors.list_units(actor_of(request), q=filters.q, kind=filters.kind)


@router.get("/units/{unit_id}", response={200: UnitOut, **ERRORS})
def get_unit(request: HttpRequest, unit_id: int) -> Any:
    return org_selectors.get_unit(actor_of(request), unit_id)


def _calendar(calendar_id: int | None) -> BusinessCalendar | None:
    if calendar_id is None:
        return None
    from kefu.core.errors import ValidationFailed

    cal = BusinessCalendar.objects.filter(pk=calendar_id).first()
    if cal is None:
        raise ValidationFailed(details={"calendar_id": "unknown calendar"})
    return cal


@router.post("/units", response={201: UnitOut, **ERRORS})
def create_unit(request: HttpRequest, payload: UnitIn) -> Any:
    actor = actor_of(request)
    parent = org_selectors.get_unit(actor, payload.parent_id) if payload.parent_id else None
    unit = org_services.create_unit(
        actor=actor,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        parent=parent,
        calendar=_calendar(payload.calendar_id),
        phone=payload.phone,
        address=payload.address,
    )
    return Status(201, unit)


@router.patch("/units/{unit_id}", response={200: UnitOut, **ERRORS})
def patch_unit(request: HttpRequest, unit_id: int, payload: UnitPatch) -> Any:
    actor = actor_of(request)
    unit = org_selectors.get_unit(actor, unit_id)
    # null clears the parent (a root unit) or the calendar (inherit); elsewhere it means
    # "leave as it is", as the text and flag columns never hold null
    nullable = {"parent_id", "calendar_id"}
    fields = {
        k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k in nullable
    }
    if "parent_id" in fields:
        pid = fields.pop("parent_id")
        fields["parent"] = org_selectors.get_unit(actor, pid) if pid else None
    if "calendar_id" in fields:
        fields["calendar"] = _calendar(fields.pop("calendar_id"))
    return org_services.update_unit(actor=actor, unit=unit, **fields)


class DepartmentFilter(Schema):
    unit: int | None = None
    q: str = ""
    kind: str = ""


@router.get("/departments", response={200: list[DepartmentOut], **ERRORS})
@paginate(LimitOffsetPagination)
def list_departments(request: HttpRequest, filters: Query[DepartmentFilter]) -> Any:
    return org_selectors.list_departments(
        actor_of(request), unit_id=filters.unit, q=filters.q, kind=filters.kind
    )


@router.post("/departments", response={201: DepartmentOut, **ERRORS})
def create_department(request: HttpRequest, payload: DepartmentIn) -> Any:
    actor = actor_of(request)
    unit = org_selectors.get_unit(actor, payload.unit_id)
    dept = org_services.create_department(
        actor=actor, unit=unit, code=payload.code, name=payload.name, kind=payload.kind
    )
    return Status(201, dept)


class AuditFilter(Schema):
    action: str = ""
    actor: int | None = None
    object_type: str = ""
    object_id: str = ""
    since: datetime | None = None
    until: datetime | None = None
    q: str = ""


@router.get("/audit", response={200: list[AuditEventOut], **ERRORS}, tags=["audit"])
@paginate(LimitOffsetPagination)
def list_audit(request: HttpRequest, filters: Query[AuditFilter]) -> Any:
    actor = actor_of(request)
    require_perm(actor, Perm.VIEW_AUDIT)
    return org_selectors.list_audit_events(
        actor,
        action=filters.action,
        actor_id=filters.actor,
        object_type=filters.object_type,
        object_id=filters.object_id,
        since=filters.since,
        until=filters.until,
        q=filters.q,
    )
