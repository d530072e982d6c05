"""Workbench configuration writes: saved views (per user), categories, queues, macros."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.core.errors import NotFound, PermissionDenied, ValidationFailed
from kefu.core.models import Department, OrgUnit, User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm, has_perm_at_top
from kefu.core.services.audit import record_audit
from kefu.tickets.models import Category, Macro, Queue, SavedView

MAX_SAVED_VIEWS = 20


def save_view(*, actor: User, name: str, query: str) -> SavedView:
    name = name.strip()
    if not name:
        raise ValidationFailed(details={"name": _("Enter a name.")})
    with transaction.atomic():
        if SavedView.objects.filter(user=actor).count() >= MAX_SAVED_VIEWS:
            raise ValidationFailed(details={"name": _("At most 20 saved views. Delete one first.")})
        view, _created = SavedView.objects.update_or_create(
            user=actor, name=name[:60], defaults={"query": query.lstrip("?")[:1000]}
        )
        record_audit(actor=actor, action="ticket_view.save", obj=view)
    return view


def delete_view(*, actor: User, view_id: int) -> None:
    with transaction.atomic():
        view = SavedView.objects.filter(user=actor, pk=view_id).first()
        if view is None:
            raise NotFound()
        record_audit(actor=actor, action="ticket_view.delete", obj=view)
        view.delete()


def _require_configure(actor: User) -> None:
    if not has_perm_at_top(actor, Perm.CONFIGURE):
        raise PermissionDenied(_("Only managers at headquarters can change ticket settings."))


def save_category(
    *,
    actor: User,
    name: str,
    code: str,
    parent: Category | None = None,
    is_active: bool = True,
    category: Category | None = None,
) -> Category:
    _require_configure(actor)
    name, code = name.strip(), code.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Enter a name.")
    if not code:
        errors["code"] = _("Enter a code.")
    elif (
        Category.objects.filter(code=code)
        .exclude(pk=category.pk if category is not None else 0)
        .exists()
    ):
        errors["code"] = _("Already used. Choose another one.")
    if category is not None and parent is not None and parent.path.startswith(category.path):
        errors["parent"] = _("A category cannot sit below itself.")
    if errors:
        raise ValidationFailed(details=errors)
    with transaction.atomic():
        is_new = category is None
        category = category or Category()
        category.name, category.code, category.parent = name, code, parent
        category.is_active = is_active
        category.save()
        old_path = category.path
        category.path = f"{parent.path if parent else '/'}{category.pk}/"
        category.save(update_fields=["path"])
        if old_path and old_path != category.path:
            for child in Category.objects.filter(path__startswith=old_path).exclude(pk=category.pk):
                child.path = category.path + child.path[len(old_path) :]
                child.save(update_fields=["path"])
        record_audit(
            actor=actor,
            action="category.create" if is_new else "category.update",
            obj=category,
            changes={"name": name, "code": code},
        )
    return category


def save_queue(
    *,
    actor: User,
    department: Department,
    name: str,
    is_active: bool = True,
    queue: Queue | None = None,
) -> Queue:
    if not has_perm(actor, Perm.CONFIGURE, department.unit):
        raise PermissionDenied()
    name = name.strip()
    if not name:
        raise ValidationFailed(details={"name": _("Enter a name.")})
    clash = Queue.objects.filter(department=department, name=name)
    if clash.exclude(pk=queue.pk if queue is not None else 0).exists():
        raise ValidationFailed(details={"name": _("This department already has that queue.")})
    with transaction.atomic():
        is_new = queue is None
        queue = queue or Queue()
        queue.department, queue.name, queue.is_active = department, name, is_active
        queue.save()
        record_audit(
            actor=actor,
            action="queue.create" if is_new else "queue.update",
            obj=queue,
            unit=department.unit,
            changes={"name": name},
        )
    return queue


def save_macro(
    *,
    actor: User,
    name: str,
    body: str,
    unit: OrgUnit | None = None,
    is_active: bool = True,
    macro: Macro | None = None,
) -> Macro:
    if unit is None:
        _require_configure(actor)
    elif not has_perm(actor, Perm.CONFIGURE, unit):
        raise PermissionDenied()
    from django.template import Template, TemplateSyntaxError

    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Enter a name.")
    if not body.strip():
        errors["body"] = _("Enter the text.")
    else:
        try:
            Template(body)
        except TemplateSyntaxError:
            errors["body"] = _("The variables are not valid. Write e.g. {{ ticket.number }}.")
    if errors:
        raise ValidationFailed(details=errors)
    with transaction.atomic():
        is_new = macro is None
        macro = macro or Macro()
        macro.name, macro.body, macro.unit = name.strip()[:100], body, unit
        macro.is_active = is_active
        macro.save()
        record_audit(
            actor=actor,
            action="macro.create" if is_new else "macro.update",
            obj=macro,
            unit=unit,
            changes={"name": macro.name},
        )
    return macro
