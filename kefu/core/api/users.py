"""User management endpoints: create, update, role assignments, departments."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from kefu.core.api_common import ERRORS, actor_of
from kefu.core.errors import NotFound
from kefu.core.models import UnitAssignment
from kefu.core.permissions import Perm
from kefu.core.schemas import UserOut
from kefu.core.selectors import org as org_selectors
from kefu.core.selectors.scope import require_perm
from kefu.core.services import users as user_services

router = Router(tags=["users"])


class UserIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=128)
    display_name: str = Field("", max_length=60)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    employee_no: str = Field("", max_length=32)
    unit_id: int | None = None
    role: str | None = None


class UserPatch(Schema):
    display_name: str | None = Field(None, max_length=60)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    employee_no: str | None = Field(None, max_length=32)
    on_duty: bool | None = None
    is_active: bool | None = None


class AssignmentIn(Schema):
    unit_id: int
    role: str


class DepartmentsIn(Schema):
    department_ids: list[int] = Field(max_length=500)


class UserFilter(Schema):
    q: str = ""
    unit: int | None = None
    role: str = ""
    department: int | None = None
    active: bool | None = None


@router.get("/users", response={200: list[UserOut], **ERRORS})
@paginate(LimitOffsetPagination)
def list_users(request: HttpRequest, filters: Query[UserFilter]) -> Any:
    actor = actor_of(request)
    require_perm(actor, Perm.VIEW_USERS)  # as the users page: store clerks do not list staff
    qs = org_selectors.list_users(
        actor,
        q=filters.q,
        unit_id=filters.unit,
        role=filters.role,
        department_id=filters.department,
        active=filters.active,
    )
    return qs


@router.get("/users/{user_id}", response={200: UserOut, **ERRORS})
def get_user(request: HttpRequest, user_id: int) -> Any:
    actor = actor_of(request)
    require_perm(actor, Perm.VIEW_USERS)
    return org_selectors.get_user(actor, user_id)


@router.post("/users", response={201: UserOut, **ERRORS})
def create_user(request: HttpRequest, payload: UserIn) -> Any:
    actor = actor_of(request)
    unit = org_selectors.get_unit(actor, payload.unit_id) if payload.unit_id else None
    user = user_services.create_user(
        actor=actor,
        username=payload.username,
        password=payload.password,
        display_name=payload.display_name,
        email=payload.email,
        phone=payload.phone,
        employee_no=payload.employee_no,
        unit=unit,
        role=payload.role,
    )
    return Status(201, org_selectors.get_user(actor, user.pk))


@router.patch("/users/{user_id}", response={200: UserOut, **ERRORS})
def patch_user(request: HttpRequest, user_id: int, payload: UserPatch) -> Any:
    actor = actor_of(request)
    user = org_selectors.get_user(actor, user_id)
    # null means "leave as it is": the columns hold text and flags, never null
    fields = payload.dict(exclude_unset=True, exclude_none=True)
    user_services.update_user(actor=actor, user=user, **fields)
    return org_selectors.get_user(actor, user_id)


@router.post("/users/{user_id}/assignments", response={201: UserOut, **ERRORS})
def add_assignment(request: HttpRequest, user_id: int, payload: AssignmentIn) -> Any:
    actor = actor_of(request)
    user = org_selectors.get_user(actor, user_id)
    unit = org_selectors.get_unit(actor, payload.unit_id)
    user_services.assign_role(actor=actor, user=user, unit=unit, role=payload.role)
    return Status(201, org_selectors.get_user(actor, user_id))


@router.delete("/users/{user_id}/assignments/{unit_id}/{role}", response={204: None, **ERRORS})
def remove_assignment(request: HttpRequest, user_id: int, unit_id: int, role: str) -> Any:
    actor = actor_of(request)
    user = org_selectors.get_user(actor, user_id)
    unit = org_selectors.get_unit(actor, unit_id)
    assignment = UnitAssignment.objects.filter(user=user, unit=unit, role=role).first()
    if assignment is None:
        raise NotFound()
    user_services.remove_assignment(actor=actor, assignment=assignment)
    return Status(204, None)


@router.put("/users/{user_id}/departments", response={200: UserOut, **ERRORS})
def set_departments(request: HttpRequest, user_id: int, payload: DepartmentsIn) -> Any:
    actor = actor_of(request)
    user = org_selectors.get_user(actor, user_id)
    departments = list(org_selectors.list_departments(actor).filter(pk__in=payload.department_ids))
    if len(departments) != len(set(payload.department_ids)):
        raise NotFound("Some departments do not exist or are outside your scope.")
    user_services.set_departments(actor=actor, user=user, departments=departments)
    return org_selectors.get_user(actor, user_id)
