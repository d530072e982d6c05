"""Organisation tree and departments: every write goes through here."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kefu.core.choices import DepartmentKind, UnitKind
from kefu.core.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.core.models import BusinessCalendar, Department, OrgUnit, User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm, scope_for
from kefu.core.services.audit import diff_fields, record_audit

_UNIT_FIELDS = ("code", "name", "kind", "parent", "calendar", "phone", "address", "is_active")


def _require_manage_org(actor: User, unit: OrgUnit | None) -> None:
    if unit is None:
        if not scope_for(actor).is_superuser:
            raise PermissionDenied(_("Only a system administrator can create a top-level unit."))
        return
    if not has_perm(actor, Perm.MANAGE_ORG, unit):
        raise PermissionDenied()


def _validate_unit(*, code: str, name: str, kind: str) -> None:
    errors: dict[str, str] = {}
    if not code.strip():
        errors["code"] = _("Enter a code.")
    if not name.strip():
        errors["name"] = _("Enter a name.")
    if kind not in UnitKind.values:
        errors["kind"] = _("Unknown unit kind.")
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), details=errors)


def _path_for(unit: OrgUnit) -> tuple[str, int]:
    if unit.parent_id is None:
        return f"/{unit.pk}/", 0
    parent = unit.parent
    assert parent is not None
    return f"{parent.path}{unit.pk}/", parent.depth + 1


def create_unit(
    *,
    actor: User,
    code: str,
    name: str,
    kind: str,
    parent: OrgUnit | None = None,
    calendar: BusinessCalendar | None = None,
    phone: str = "",
    address: str = "",
) -> OrgUnit:
    _require_manage_org(actor, parent)
    _validate_unit(code=code, name=name, kind=kind)
    try:
        with transaction.atomic():
            unit = OrgUnit.objects.create(
                code=code.strip(),
                name=name.strip(),
                kind=kind,
                parent=parent,
                calendar=calendar,
                phone=phone.strip(),
                address=address.strip(),
            )
            unit.path, unit.depth = _path_for(unit)
            unit.save(update_fields=["path", "depth"])
            record_audit(
                actor=actor,
                action="org_unit.create",
                obj=unit,
                unit=unit,
                changes={"code": unit.code, "name": unit.name, "kind": kind},
            )
    except IntegrityError as exc:
        raise Conflict(
            _("A unit with this code already exists."), details={"code": _("Already used.")}
        ) from exc
    return unit


def update_unit(*, actor: User, unit: OrgUnit, **fields: Any) -> OrgUnit:
    """Change a unit's fields; moving it (new parent) moves its whole subtree."""
    unknown = set(fields) - set(_UNIT_FIELDS)
    if unknown:
        raise ValidationFailed(details={k: _("Unknown field.") for k in sorted(unknown)})
    _require_manage_org(actor, unit)
    new_parent = fields.get("parent", unit.parent)
    if "parent" in fields and new_parent != unit.parent:
        _require_manage_org(actor, new_parent)
        if new_parent is not None and new_parent.path.startswith(unit.path):
            raise ValidationFailed(
                _("A unit cannot be moved below itself."),
                details={"parent": _("Choose a unit outside this branch.")},
            )
    _validate_unit(
        code=fields.get("code", unit.code),
        name=fields.get("name", unit.name),
        kind=fields.get("kind", unit.kind),
    )
    before = {f: getattr(unit, f) for f in fields}
    try:
        with transaction.atomic():
            locked = OrgUnit.objects.select_for_update().get(pk=unit.pk)
            old_path = locked.path
            for key, value in fields.items():
                setattr(locked, key, value.strip() if isinstance(value, str) else value)
            locked.save()
            if "parent" in fields:
                _repath_subtree(locked, old_path)
            record_audit(
                actor=actor,
                action="org_unit.update",
                obj=locked,
                unit=locked,
                changes=diff_fields(before, {f: getattr(locked, f) for f in fields}),
            )
    except IntegrityError as exc:
        raise Conflict(
            _("A unit with this code already exists."), details={"code": _("Already used.")}
        ) from exc
    return locked


def _repath_subtree(unit: OrgUnit, old_path: str) -> None:
    unit.path, unit.depth = _path_for(unit)
    unit.save(update_fields=["path", "depth"])
    depth_delta = unit.depth - (old_path.count("/") - 2)
    for child in OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
        child.path = unit.path + child.path[len(old_path) :]
        child.depth = child.depth + depth_delta
        child.save(update_fields=["path", "depth"])


def create_department(
    *,
    actor: User,
    unit: OrgUnit,
    code: str,
    name: str,
    kind: str = DepartmentKind.CUSTOMER_SERVICE,
) -> Department:
    if not has_perm(actor, Perm.MANAGE_ORG, unit):
        raise PermissionDenied()
    errors: dict[str, str] = {}
    if not code.strip():
        errors["code"] = _("Enter a code.")
    if not name.strip():
        errors["name"] = _("Enter a name.")
    if kind not in DepartmentKind.values:
        errors["kind"] = _("Unknown department kind.")
    if errors:
        raise ValidationFailed(details=errors)
    try:
        with transaction.atomic():
            dept = Department.objects.create(
                unit=unit, code=code.strip(), name=name.strip(), kind=kind
            )
            record_audit(
                actor=actor,
                action="department.create",
                obj=dept,
                unit=unit,
                changes={"code": dept.code, "name": dept.name, "kind": kind},
            )
    except IntegrityError as exc:
        raise Conflict(
            _("A department with this code or name already exists."),
            details={"code": _("Already used.")},
        ) from exc
    return dept


def update_department(*, actor: User, department: Department, **fields: Any) -> Department:
    allowed = {"code", "name", "kind", "is_active", "unit"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationFailed(details={k: _("Unknown field.") for k in sorted(unknown)})
    if not has_perm(actor, Perm.MANAGE_ORG, department.unit):
        raise PermissionDenied()
    if "unit" in fields and not has_perm(actor, Perm.MANAGE_ORG, fields["unit"]):
        raise PermissionDenied()
    if "kind" in fields and fields["kind"] not in DepartmentKind.values:
        raise ValidationFailed(details={"kind": _("Unknown department kind.")})
    before = {f: getattr(department, f) for f in fields}
    try:
        with transaction.atomic():
            for key, value in fields.items():
                setattr(department, key, value.strip() if isinstance(value, str) else value)
            department.save()
            record_audit(
                actor=actor,
                action="department.update",
                obj=department,
                unit=department.unit,
                changes=diff_fields(before, {f: getattr(department, f) for f in fields}),
            )
    except IntegrityError as exc:
        raise Conflict(_("A department with this code or name already exists.")) from exc
    return department


def set_unit_active(*, actor: User, unit: OrgUnit, active: bool) -> OrgUnit:
    """Deactivate (or reactivate) a unit. A unit with active units below it, or the unit an
    actor's own role sits in, is not deactivated; a unit under an inactive parent stays off."""
    _require_manage_org(actor, unit)
    if not active:
        if OrgUnit.objects.filter(parent=unit, is_active=True).exists():
            raise ValidationFailed(
                _("Deactivate the units below this one first."),
                details={"is_active": _("This unit still has active units below it.")},
            )
        if unit.assignments.filter(user=actor).exists():
            raise ValidationFailed(
                _("You cannot deactivate the unit your own role is in."),
                details={"is_active": _("Ask a manager above this unit to do it.")},
            )
    elif unit.parent is not None and not unit.parent.is_active:
        raise ValidationFailed(
            _("Reactivate the parent unit first."),
            details={"is_active": _("The parent unit is inactive.")},
        )
    return update_unit(actor=actor, unit=unit, is_active=active)
