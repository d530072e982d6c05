from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    path: str
    depth: int
    calendar_id: int | None
    phone: str
    address: str
    is_active: bool


class UnitIn(Schema):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=100)
    kind: str
    parent_id: int | None = None
    calendar_id: int | None = None
    phone: str = Field("", max_length=40)
    address: str = Field("", max_length=200)


class UnitPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=32)
    name: str | None = Field(None, min_length=1, max_length=100)
    kind: str | None = None
    parent_id: int | None = None
    calendar_id: int | None = None
    phone: str | None = Field(None, max_length=40)
    address: str | None = Field(None, max_length=200)
    is_active: bool | None = None


class DepartmentOut(Schema):
    id: int
    unit_id: int
    code: str
    name: str
    kind: str
    is_active: bool


class DepartmentIn(Schema):
    unit_id: int
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=100)
    kind: str = "customer_service"


class AssignmentOut(Schema):
    unit_id: int
    unit_name: str
    role: str


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    is_active: bool
    on_duty: bool
    assignments: list[AssignmentOut]
    department_ids: list[int]

    @staticmethod
    def resolve_assignments(obj: Any) -> list[dict[str, Any]]:
        if isinstance(obj, dict):
            return list(obj["assignments"])
        return [
            {"unit_id": a.unit_id, "unit_name": a.unit.name, "role": a.role}
            for a in obj.assignments.all()
        ]

    @staticmethod
    def resolve_department_ids(obj: Any) -> list[int]:
        if isinstance(obj, dict):
            return list(obj["department_ids"])
        return [m.department_id for m in obj.department_memberships.all()]


class MeOut(UserOut):
    is_superuser: bool
    permissions: list[str]


class AuditEventOut(Schema):
    id: int
    created_at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    unit_id: int | None
    changes: dict[str, Any]
    ip: str | None
    via: str
