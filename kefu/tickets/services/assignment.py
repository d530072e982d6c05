"""Automatic assignment within a department: rota (round robin) or least open work.

Candidates: active users who are on duty, members of the ticket's department and hold
`Perm.WORK_TICKETS` in the ticket's unit (a role in that unit or one above it). Nobody
available: the ticket stays unassigned and its timeline says so."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from kefu.core.models import DepartmentMembership, UnitAssignment, User
from kefu.core.permissions import ROLE_PERMISSIONS, Perm
from kefu.tickets.choices import OPEN_STATUSES, AssignStrategy, EventKind
from kefu.tickets.events import add_event
from kefu.tickets.models import RotaPointer, Ticket

_WORKING_ROLES = sorted(r for r, perms in ROLE_PERMISSIONS.items() if Perm.WORK_TICKETS in perms)


def candidates(ticket: Ticket) -> QuerySet[User]:
    """Who may get the ticket, ordered by id."""
    unit_ids = ticket.unit.lineage_ids
    holds_role = UnitAssignment.objects.filter(
        user=OuterRef("pk"), unit_id__in=unit_ids, role__in=_WORKING_ROLES
    )
    member = DepartmentMembership.objects.filter(
        user=OuterRef("pk"), department_id=ticket.department_id or 0
    )
    return (
        User.objects.filter(is_active=True, on_duty=True)
        .filter(Exists(member))
        .filter(Q(Exists(holds_role)) | Q(is_superuser=True))
        .order_by("pk")
    )


def pick_rota(ticket: Ticket) -> User | None:
    """The next candidate after the department's last pick (the pointer row is locked, so
    concurrent tickets get different people)."""
    assert ticket.department_id is not None
    RotaPointer.objects.get_or_create(department_id=ticket.department_id)
    pointer = RotaPointer.objects.select_for_update().get(department_id=ticket.department_id)
    people = list(candidates(ticket).only("pk", "username", "display_name"))
    if not people:
        return None
    last = pointer.last_user_id or 0
    chosen = next((u for u in people if u.pk > last), people[0])
    pointer.last_user = chosen
    pointer.save(update_fields=["last_user"])
    return chosen


def pick_least_load(ticket: Ticket) -> User | None:
    """The candidate with the fewest open tickets (ties: lowest id)."""
    open_work = Count(
        "assigned_tickets",
        filter=Q(assigned_tickets__status__in=OPEN_STATUSES) & ~Q(assigned_tickets__pk=ticket.pk),
    )
    return candidates(ticket).annotate(load=open_work).order_by("load", "pk").first()


def auto_assign(*, ticket: Ticket, strategy: str) -> User | None:
    """Set `ticket.assignee` by `strategy` and add the event (inside the caller's
    transaction; the caller saves the ticket)."""
    if strategy == AssignStrategy.NONE:
        return None
    if ticket.department_id is None:
        add_event(
            ticket=ticket,
            kind=EventKind.ASSIGNED,
            actor=None,
            body=_("Not assigned automatically: the ticket has no department."),
            data={"assignee": None, "strategy": strategy, "reason": "no_department"},
        )
        return None
    chosen = pick_rota(ticket) if strategy == AssignStrategy.ROTA else pick_least_load(ticket)
    if chosen is None:
        add_event(
            ticket=ticket,
            kind=EventKind.ASSIGNED,
            actor=None,
            body=_("Nobody in the department is available; the ticket stays unassigned."),
            data={"assignee": None, "strategy": strategy, "reason": "nobody_available"},
        )
        return None
    ticket.assignee = chosen
    add_event(
        ticket=ticket,
        kind=EventKind.ASSIGNED,
        actor=None,
        body=_("Assigned to %(name)s (%(how)s).")
        % {"name": chosen.display_name or chosen.username, "how": AssignStrategy(strategy).label},
        data={"assignee": chosen.pk, "strategy": strategy},
    )
    return chosen
