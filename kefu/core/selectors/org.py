"""Shared reads for units, departments, users and the audit log (always scoped)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from kefu.core.errors import NotFound
from kefu.core.models import (
    ApiToken,
    AuditEvent,
    Department,
    DepartmentMembership,
    OrgUnit,
    UnitAssignment,
    User,
)
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import restrict_to_scope, scope_for, visible_units


def list_units(
    actor: User, *, q: str = "", kind: str = "", include_inactive: bool = True
) -> QuerySet[OrgUnit]:
    qs = visible_units(actor).select_related("parent", "calendar").order_by("path")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs


def get_unit(actor: User, unit_id: int) -> OrgUnit:
    unit = list_units(actor).filter(pk=unit_id).first()
    if unit is None:
        raise NotFound()
    return unit


def list_departments(
    actor: User, *, unit_id: int | None = None, q: str = "", kind: str = ""
) -> QuerySet[Department]:
    qs = restrict_to_scope(Department.objects.select_related("unit"), actor)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("unit__path", "name")


def get_department(actor: User, department_id: int) -> Department:
    dept = list_departments(actor).filter(pk=department_id).first()
    if dept is None:
        raise NotFound()
    return dept


def list_users(
    actor: User,
    *,
    q: str = "",
    unit_id: int | None = None,
    role: str = "",
    department_id: int | None = None,
    active: bool | None = None,
) -> QuerySet[User]:
    """Users holding any role in a unit the actor can see (superusers see everyone)."""
    scope = scope_for(actor)
    qs = User.objects.all()
    if not scope.is_superuser:
        assignments = restrict_to_scope(UnitAssignment.objects.all(), actor)
        qs = qs.filter(Q(pk__in=assignments.values("user_id")) | Q(pk=actor.pk))
    if q:
        qs = qs.filter(
            Q(username__icontains=q) | Q(display_name__icontains=q) | Q(employee_no__icontains=q)
        )
    if unit_id:
        qs = qs.filter(assignments__unit_id=unit_id)
    if role:
        qs = qs.filter(assignments__role=role)
    if department_id:
        qs = qs.filter(department_memberships__department_id=department_id)
    if active is not None:
        qs = qs.filter(is_active=active)
    return (
        qs.distinct()
        .order_by("username")
        .prefetch_related(
            Prefetch("assignments", queryset=UnitAssignment.objects.select_related("unit")),
            Prefetch(
                "department_memberships",
                queryset=DepartmentMembership.objects.select_related("department"),
            ),
        )
    )


def get_user(actor: User, user_id: int) -> User:
    user = list_users(actor).filter(pk=user_id).first()
    if user is None:
        raise NotFound()
    return user


def list_audit_events(
    actor: User,
    *,
    action: str = "",
    actor_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    q: str = "",
) -> QuerySet[AuditEvent]:
    """Audit events about the actor's units; events with no unit only for superusers."""
    scope = scope_for(actor)
    qs: QuerySet[AuditEvent] = AuditEvent.objects.select_related("unit")
    if not scope.is_superuser:
        qs = restrict_to_scope(qs, actor)
    if action:
        qs = qs.filter(action__startswith=action)
    if actor_id:
        qs = qs.filter(actor_id=actor_id)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if since:
        qs = qs.filter(created_at__gte=since)
    if until:
        qs = qs.filter(created_at__lt=until)
    if q:
        qs = qs.filter(Q(object_repr__icontains=q) | Q(actor_label__icontains=q))
    return qs.order_by("-created_at", "-id")


# --- UI reads (tree with counts, option lists, the actor's own data) ----------------------


def assignments_of(user: User) -> list[UnitAssignment]:
    """The user's roles with their units (for the user menu and the home page)."""
    return list(
        UnitAssignment.objects.filter(user=user)
        .select_related("unit")
        .order_by("unit__path", "role")
    )


def _count_by_unit(qs: QuerySet[Any], field: str = "unit") -> Subquery:
    return Subquery(
        qs.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(c=Count("pk", distinct=True))
        .values("c")[:1]
    )


def unit_tree(
    actor: User,
    *,
    q: str = "",
    kind: str = "",
    root: OrgUnit | None = None,
    max_depth: int | None = None,
) -> QuerySet[OrgUnit]:
    """Visible units in tree order (only `root`'s branch, only down to `max_depth` if given),
    each with n_children, n_departments and n_users."""
    assignments = UnitAssignment.objects.all()
    qs = list_units(actor, q=q, kind=kind)
    if root is not None:
        qs = qs.filter(path__startswith=root.path)
    if max_depth is not None:
        qs = qs.filter(depth__lte=max_depth)
    return qs.annotate(
        n_children=Coalesce(_count_by_unit(OrgUnit.objects.all(), "parent"), 0),
        n_departments=Coalesce(_count_by_unit(Department.objects.all()), 0),
        n_users=Coalesce(
            Subquery(
                assignments.filter(unit=OuterRef("pk"))
                .order_by()
                .values("unit")
                .annotate(c=Count("user", distinct=True))
                .values("c")[:1]
            ),
            0,
        ),
    )


def top_depth(actor: User) -> int:
    """The depth of the highest units the actor sees (0: headquarters level)."""
    roots = scope_for(actor).root_paths
    if scope_for(actor).is_superuser or not roots:
        return 0
    return min(p.count("/") - 2 for p in roots)


def units_with_perm(actor: User, perm: Perm) -> QuerySet[OrgUnit]:
    """Active units where the actor holds `perm` (the choices of a unit field in a form)."""
    scope = scope_for(actor)
    qs = OrgUnit.objects.filter(is_active=True).order_by("path")
    if scope.is_superuser:
        return qs
    cond = Q(pk__in=[])
    for grant in scope.grants:
        if perm in grant.perms:
            cond |= Q(path__startswith=grant.path)
    return qs.filter(cond)


def scope_counts(actor: User) -> dict[str, int]:
    """How many units, departments and users the actor can see (the home page)."""
    return {
        "units": visible_units(actor).filter(is_active=True).count(),
        "departments": list_departments(actor).filter(is_active=True).count(),
        "users": list_users(actor).filter(is_active=True).count(),
    }


def list_tokens(actor: User) -> QuerySet[ApiToken]:
    """The actor's own API tokens, newest first."""
    return ApiToken.objects.filter(user=actor).order_by("-created_at", "-id")


def get_token(actor: User, token_id: int) -> ApiToken:
    token = list_tokens(actor).filter(pk=token_id).first()
    if token is None:
        raise NotFound()
    return token


def department_rows(
    actor: User, *, unit_id: int | None = None, q: str = "", kind: str = ""
) -> QuerySet[Department]:
    """list_departments with the number of members of each department (n_members)."""
    members = _count_by_unit(DepartmentMembership.objects.all(), "department")
    return list_departments(actor, unit_id=unit_id, q=q, kind=kind).annotate(
        n_members=Coalesce(members, 0)
    )


def code_taken(model: str, value: str) -> bool:
    """Is a unique code (unit or department code, user name) already used? For inline form
    checks only; the service's unique constraint remains the real guard."""
    value = value.strip()
    if model == "unit":
        return OrgUnit.objects.filter(code=value).exists()
    if model == "department":
        return Department.objects.filter(code=value).exists()
    return User.objects.filter(username=value).exists()
