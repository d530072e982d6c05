"""People: accounts, role assignments in units, department memberships."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kefu.core.choices import Role
from kefu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from kefu.core.models import Department, DepartmentMembership, OrgUnit, UnitAssignment, User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import forget_scope, has_perm, scope_for
from kefu.core.services.audit import diff_fields, record_audit

_USER_FIELDS = ("display_name", "email", "phone", "employee_no", "on_duty", "language", "is_active")


def can_manage_user(actor: User, user: User) -> bool:
    """An actor manages a user when they hold users.manage over every unit the user is in.

    Uses the user's prefetched assignments when the selector loaded them."""
    scope = scope_for(actor)
    if scope.is_superuser:
        return True
    if user.is_superuser:
        return False
    cache = getattr(user, "_prefetched_objects_cache", {})
    rows = (
        cache["assignments"] if "assignments" in cache else user.assignments.select_related("unit")
    )
    units = [a.unit for a in rows]
    if not units:
        return bool(Perm.MANAGE_USERS in scope.all_perms)
    return all(has_perm(actor, Perm.MANAGE_USERS, u) for u in units)


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            _("The password is too weak."), details={"password": list(exc.messages)}
        ) from exc


def create_user(
    *,
    actor: User,
    username: str,
    password: str,
    display_name: str = "",
    email: str = "",
    phone: str = "",
    employee_no: str = "",
    unit: OrgUnit | None = None,
    role: str | None = None,
) -> User:
    """Create an account, optionally with its first role in a unit."""
    username = username.strip()
    if not username:
        raise ValidationFailed(details={"username": _("Enter a user name.")})
    if unit is not None:
        if not has_perm(actor, Perm.MANAGE_USERS, unit):
            raise PermissionDenied()
    elif not scope_for(actor).is_superuser:
        raise PermissionDenied(_("Choose a unit for the new user."))
    if role is not None and role not in Role.values:
        raise ValidationFailed(details={"role": _("Unknown role.")})
    _check_password(password)
    try:
        with transaction.atomic():
            user = User(
                username=username,
                display_name=display_name.strip(),
                email=email.strip(),
                phone=phone.strip(),
                employee_no=employee_no.strip(),
            )
            user.set_password(password)
            user.save()
            record_audit(
                actor=actor,
                action="user.create",
                obj=user,
                unit=unit,
                changes={"username": username, "display_name": user.display_name},
            )
            if unit is not None and role is not None:
                _apply_assignment(actor=actor, user=user, unit=unit, role=role)
    except IntegrityError as exc:
        raise Conflict(
            _("This user name is already taken."), details={"username": _("Already used.")}
        ) from exc
    return user


def update_user(*, actor: User, user: User, **fields: Any) -> User:
    unknown = set(fields) - set(_USER_FIELDS)
    if unknown:
        raise ValidationFailed(details={k: _("Unknown field.") for k in sorted(unknown)})
    if actor.pk != user.pk and not can_manage_user(actor, user):
        raise PermissionDenied()
    if actor.pk == user.pk and "is_active" in fields and not fields["is_active"]:
        raise ValidationFailed(_("You cannot deactivate your own account."))
    before = {f: getattr(user, f) for f in fields}
    with transaction.atomic():
        for key, value in fields.items():
            setattr(user, key, value.strip() if isinstance(value, str) else value)
        user.save()
        record_audit(
            actor=actor,
            action="user.update",
            obj=user,
            changes=diff_fields(before, {f: getattr(user, f) for f in fields}),
        )
    return user


def set_password(*, actor: User, user: User, password: str) -> None:
    if actor.pk != user.pk and not can_manage_user(actor, user):
        raise PermissionDenied()
    _check_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record_audit(actor=actor, action="user.set_password", obj=user)


def assign_role(*, actor: User, user: User, unit: OrgUnit, role: str) -> UnitAssignment:
    if role not in Role.values:
        raise ValidationFailed(details={"role": _("Unknown role.")})
    if not has_perm(actor, Perm.MANAGE_USERS, unit):
        raise PermissionDenied()
    with transaction.atomic():
        return _apply_assignment(actor=actor, user=user, unit=unit, role=role)


def _apply_assignment(*, actor: User, user: User, unit: OrgUnit, role: str) -> UnitAssignment:
    assignment, created = UnitAssignment.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        record_audit(
            actor=actor,
            action="user.assign_role",
            obj=user,
            unit=unit,
            changes={"unit": unit.name, "role": role},
        )
    forget_scope(user)
    return assignment


def remove_assignment(*, actor: User, assignment: UnitAssignment) -> None:
    if not has_perm(actor, Perm.MANAGE_USERS, assignment.unit):
        raise PermissionDenied()
    if assignment.user_id == actor.pk and assignment.role == Role.MANAGER:
        raise ValidationFailed(_("You cannot remove your own manager role."))
    with transaction.atomic():
        deleted, _rows = UnitAssignment.objects.filter(pk=assignment.pk).delete()
        if not deleted:
            raise NotFound()
        record_audit(
            actor=actor,
            action="user.remove_role",
            obj=assignment.user,
            unit=assignment.unit,
            changes={"unit": assignment.unit.name, "role": assignment.role},
        )
    forget_scope(assignment.user)


def set_departments(*, actor: User, user: User, departments: Iterable[Department]) -> None:
    """Make the user's department memberships exactly `departments`."""
    wanted = {d.pk: d for d in departments}
    current = {
        m.department_id: m for m in user.department_memberships.select_related("department__unit")
    }
    touched = [wanted[i] for i in set(wanted) - set(current)]
    touched += [current[i].department for i in set(current) - set(wanted)]
    for dept in touched:
        if not has_perm(actor, Perm.MANAGE_USERS, dept.unit):
            raise PermissionDenied()
    with transaction.atomic():
        DepartmentMembership.objects.filter(
            user=user, department_id__in=set(current) - set(wanted)
        ).delete()
        DepartmentMembership.objects.bulk_create(
            [DepartmentMembership(user=user, department_id=i) for i in set(wanted) - set(current)]
        )
        if touched:
            record_audit(
                actor=actor,
                action="user.set_departments",
                obj=user,
                changes={"departments": sorted(d.name for d in wanted.values())},
            )


def change_own_password(*, actor: User, current_password: str, new_password: str) -> None:
    """A signed-in user changes their own password (the current one is required)."""
    if not actor.check_password(current_password):
        raise ValidationFailed(
            _("The current password is not correct."),
            details={"current_password": _("The current password is not correct.")},
        )
    set_password(actor=actor, user=actor, password=new_password)
