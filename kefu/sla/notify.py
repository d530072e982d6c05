"""Who hears about a ticket (assignee, supervisors, managers) and in-app alerts for them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from kefu.core.bulk_sql import insert_rows
from kefu.core.choices import Role
from kefu.core.models import DepartmentMembership, UnitAssignment
from kefu.core.models.org import path_ids
from kefu.sla.models import Alert
from kefu.tickets.models import Ticket


@dataclass
class Recipients:
    """Caches the nearest supervisors / managers of a unit for one scan."""

    _by_unit: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    _leads: dict[int, list[int]] = field(default_factory=dict)

    def holders(self, ticket: Ticket, role: str) -> list[int]:
        """Active users holding `role` in the ticket's unit or its nearest ancestor that has
        any; for supervisors, the department's leads come first."""
        key = (ticket.unit_id, role)
        if key not in self._by_unit:
            rows = UnitAssignment.objects.filter(
                unit_id__in=path_ids(ticket.unit.path), role=role, user__is_active=True
            ).values_list("user_id", "unit__depth")
            deepest = max((depth for _, depth in rows), default=None)
            self._by_unit[key] = sorted({uid for uid, depth in rows if depth == deepest})
        found = list(self._by_unit[key])
        if role == Role.SUPERVISOR and ticket.department_id:
            found = self.leads(ticket.department_id) + found
        return list(dict.fromkeys(found))

    def leads(self, department_id: int) -> list[int]:
        if department_id not in self._leads:
            self._leads[department_id] = list(
                DepartmentMembership.objects.filter(
                    department_id=department_id, is_lead=True, user__is_active=True
                )
                .order_by("user_id")
                .values_list("user_id", flat=True)
            )
        return self._leads[department_id]

    def for_level(self, ticket: Ticket, level: int) -> list[int]:
        """0: the assignee (else the supervisors), 1: supervisors, 2: managers."""
        if level == 0:
            if ticket.assignee_id:
                return [ticket.assignee_id]
            return self.holders(ticket, Role.SUPERVISOR)
        role = Role.SUPERVISOR if level == 1 else Role.MANAGER
        users = self.holders(ticket, role)
        if not users and level == 1:
            users = self.holders(ticket, Role.MANAGER)
        return users


_ALERT_FIELDS = ("user", "ticket", "kind", "text", "key", "created_at")


@dataclass(frozen=True)
class PendingAlert:
    user_id: int
    ticket_id: int | None
    kind: str
    text: str
    key: str


def save_alerts(alerts: Iterable[PendingAlert], *, now: datetime) -> int:
    """Create the alerts that don't exist yet (same user and key); returns how many. One
    INSERT … ON CONFLICT DO NOTHING on the (user, key) constraint, so an alert repeated by
    a second scan or a concurrent one is skipped by the database, not by a lookup first."""
    wanted = {(a.user_id, a.key): a for a in alerts}
    rows = [(a.user_id, a.ticket_id, a.kind, a.text[:300], a.key, now) for a in wanted.values()]
    return insert_rows(Alert, _ALERT_FIELDS, rows, ignore_conflicts=True)


def unread_count(user_id: int) -> int:
    return Alert.objects.filter(user_id=user_id, read_at__isnull=True).count()
