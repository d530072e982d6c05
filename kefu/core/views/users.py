"""用户: the user list, creating users, and one page per user with its profile, roles
(added and removed through htmx), departments and a password reset."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kefu.core.errors import DomainError
from kefu.core.forms import (
    RoleAssignForm,
    SetPasswordForm,
    UserCreateForm,
    UserDepartmentsForm,
    UserFilterForm,
    UserProfileForm,
    apply_domain_error,
)
from kefu.core.models import Department, UnitAssignment, User
from kefu.core.permissions import Perm
from kefu.core.selectors import org as org_selectors
from kefu.core.selectors.scope import has_perm, scope_for, visible_units
from kefu.core.services import login_guard
from kefu.core.services import users as user_services
from kefu.core.views.common import (
    actor_of,
    deny_unless,
    enable_live_check,
    is_htmx,
    live_check,
    paginate,
    perm_required,
    sort_queryset,
)

SORT_COLUMNS = {
    "username": ("username",),
    "name": ("display_name", "username"),
    "employee_no": ("employee_no", "username"),
    "last_login": ("last_login", "username"),
    "joined": ("date_joined", "id"),
}
PROFILE_FIELDS = ("display_name", "employee_no", "phone", "email", "language", "on_duty")


@perm_required(Perm.VIEW_USERS)
def user_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    filters = UserFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    active = {"1": True, "0": False}.get(data.get("active") or "")
    qs = org_selectors.list_users(
        actor,
        q=data.get("q", ""),
        unit_id=data.get("unit"),
        role=data.get("role", ""),
        department_id=data.get("department"),
        active=active,
    )
    qs, sort = sort_queryset(qs, request, SORT_COLUMNS, "name")
    context = {
        "page": paginate(request, qs),
        "filters": filters,
        "filtered": any(data.get(k) for k in ("q", "unit", "role", "department", "active")),
        "unit_options": visible_units(actor).order_by("path").only("id", "name", "depth"),
        "department_options": org_selectors.list_departments(actor).only("id", "name", "unit"),
        "can_create": has_perm(actor, Perm.MANAGE_USERS),
        "default_sort": "name",
    }
    return render(request, "core/users/user_list.html", context)


@perm_required(Perm.MANAGE_USERS)
def user_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    units = org_selectors.units_with_perm(actor, Perm.MANAGE_USERS)
    allow_none = scope_for(actor).is_superuser
    initial = {"unit": request.GET.get("unit")} if request.GET.get("unit") else {}
    form = UserCreateForm(request.POST or None, units=units, allow_none=allow_none, initial=initial)
    enable_live_check(form, request.path, ["username"])
    checked = live_check(request, form, lambda v: org_selectors.code_taken("user", v))
    if checked is not None:
        return checked
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "password2"}
        if data["unit"] is None:
            data["role"] = None
        try:
            user = user_services.create_user(actor=actor, **data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("User “%(name)s” created.") % {"name": user.label})
            return redirect("core:user_detail", user_id=user.pk)
    return render(request, "core/users/user_create.html", {"form": form})


def _role_context(actor: User, person: User, form: RoleAssignForm | None) -> dict[str, Any]:
    units = org_selectors.units_with_perm(actor, Perm.MANAGE_USERS)
    assignments = sorted(person.assignments.all(), key=lambda a: (a.unit.path, a.role))
    for a in assignments:
        a.can_remove = has_perm(actor, Perm.MANAGE_USERS, a.unit)  # type: ignore[attr-defined]
    return {
        "person": person,
        "assignments": assignments,
        "role_form": form or RoleAssignForm(units=units),
        "can_assign": has_perm(actor, Perm.MANAGE_USERS),
    }


def _departments_form(actor: User, person: User, data: Any = None) -> UserDepartmentsForm:
    current = [m.department_id for m in person.department_memberships.all()]
    manageable = org_selectors.units_with_perm(actor, Perm.MANAGE_USERS)
    choices = (
        Department.objects.filter(Q(unit__in=manageable, is_active=True) | Q(pk__in=current))
        .select_related("unit")
        .order_by("unit__path", "name")
    )
    return UserDepartmentsForm(data, departments=choices, initial={"departments": current})


def _detail(request: HttpRequest, person: User, **forms: Any) -> HttpResponse:
    actor = actor_of(request)
    can_manage = user_services.can_manage_user(actor, person)
    initial = {f: getattr(person, f) for f in PROFILE_FIELDS}
    initial["is_active"] = person.is_active
    context = {
        **_role_context(actor, person, forms.get("role_form")),
        "can_manage": can_manage,
        "is_self": person.pk == actor.pk,
        "profile_form": forms.get("profile_form") or UserProfileForm(initial=initial),
        "departments_form": forms.get("departments_form") or _departments_form(actor, person),
        "password_form": forms.get("password_form") or SetPasswordForm(),
        "login_lock_minutes": -(-login_guard.login_lock_seconds(person) // 60),
    }
    return render(request, "core/users/user_detail.html", context)


@perm_required(Perm.VIEW_USERS)
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    return _detail(request, org_selectors.get_user(actor_of(request), user_id))


def _managed(request: HttpRequest, user_id: int) -> tuple[User, User]:
    actor = actor_of(request)
    person = org_selectors.get_user(actor, user_id)
    deny_unless(user_services.can_manage_user(actor, person))
    return actor, person


@perm_required(Perm.MANAGE_USERS)
def user_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    actor, person = _managed(request, user_id)
    if request.method != "POST":
        return redirect("core:user_detail", user_id=person.pk)
    form = UserProfileForm(request.POST)
    if form.is_valid():
        try:
            user_services.update_user(actor=actor, user=person, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("core:user_detail", user_id=person.pk)
    return _detail(request, person, profile_form=form)


@perm_required(Perm.MANAGE_USERS)
def user_role_add(request: HttpRequest, user_id: int) -> HttpResponse:
    actor, person = _managed(request, user_id)
    if request.method != "POST":
        return redirect("core:user_detail", user_id=person.pk)
    units = org_selectors.units_with_perm(actor, Perm.MANAGE_USERS)
    form = RoleAssignForm(request.POST, units=units)
    if form.is_valid():
        try:
            user_services.assign_role(actor=actor, user=person, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return _after_role_change(request, actor, person.pk, _("Role granted."))
    if is_htmx(request):
        ctx = _role_context(actor, person, form)
        return render(request, "core/users/user_detail.html#roles", ctx)
    return _detail(request, person, role_form=form)


@perm_required(Perm.MANAGE_USERS)
def user_role_remove(request: HttpRequest, user_id: int, assignment_id: int) -> HttpResponse:
    actor = actor_of(request)
    person = org_selectors.get_user(actor, user_id)
    assignment = get_object_or_404(
        UnitAssignment.objects.select_related("unit", "user"), pk=assignment_id, user=person
    )
    if request.method != "POST":
        return render(request, "core/users/role_remove.html", {"a": assignment, "person": person})
    try:
        user_services.remove_assignment(actor=actor, assignment=assignment)
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        messages.error(request, exc.message)
        return _after_role_change(request, actor, person.pk, "")
    return _after_role_change(request, actor, person.pk, _("Role removed."))


def _after_role_change(request: HttpRequest, actor: User, user_id: int, note: str) -> HttpResponse:
    if is_htmx(request):
        person = org_selectors.get_user(actor, user_id)
        ctx = {**_role_context(actor, person, None), "note": note}
        return render(request, "core/users/user_detail.html#roles", ctx)
    if note:
        messages.success(request, note)
    return redirect("core:user_detail", user_id=user_id)


@perm_required(Perm.MANAGE_USERS)
def user_departments(request: HttpRequest, user_id: int) -> HttpResponse:
    actor, person = _managed(request, user_id)
    if request.method != "POST":
        return redirect("core:user_detail", user_id=person.pk)
    form = _departments_form(actor, person, request.POST)
    if form.is_valid():
        try:
            user_services.set_departments(
                actor=actor, user=person, departments=form.cleaned_data["departments"]
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Departments saved."))
            return redirect("core:user_detail", user_id=person.pk)
    return _detail(request, person, departments_form=form)


@perm_required(Perm.MANAGE_USERS)
def user_password(request: HttpRequest, user_id: int) -> HttpResponse:
    actor, person = _managed(request, user_id)
    if request.method != "POST":
        return redirect("core:user_detail", user_id=person.pk)
    form = SetPasswordForm(request.POST)
    if form.is_valid():
        try:
            user_services.set_password(
                actor=actor, user=person, password=form.cleaned_data["password"]
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            if person.pk == actor.pk:
                update_session_auth_hash(request, person)
            messages.success(request, _("The password was reset. Tell the user in person."))
            return redirect("core:user_detail", user_id=person.pk)
    return _detail(request, person, password_form=form)


@perm_required(Perm.MANAGE_USERS)
def user_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    """Lift the sign-in lock that too many failed passwords put on a user."""
    actor, person = _managed(request, user_id)
    if request.method == "POST":
        login_guard.unlock_login(actor=actor, user=person)
        messages.success(request, _("Sign-in unlocked."))
    return redirect("core:user_detail", user_id=person.pk)
