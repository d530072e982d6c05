"""Who calls: the plan's pool (its people, else the members of its department), by
round robin or to whoever has the fewest open tasks."""

from __future__ import annotations

from django.db.models import Count, Q

from kefu.core.models import OrgUnit, User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm
from kefu.revisits.choices import ACTIVE_STATUSES, AssignStrategy
from kefu.revisits.models import RevisitPlan


def pool_of(plan: RevisitPlan) -> list[User]:
    people = User.objects.filter(is_active=True)
    if plan.pool.exists():
        people = people.filter(pk__in=plan.pool.values("pk"))
    elif plan.department_id is not None:
        people = people.filter(department_memberships__department_id=plan.department_id)
    else:
        return []
    return list(
        people.annotate(
            open_tasks=Count("revisit_tasks", filter=Q(revisit_tasks__status__in=ACTIVE_STATUSES))
        ).order_by("pk")
    )


class Assigner:
    """Hands out assignees for a batch of new tasks of one (locked) plan."""

    def __init__(self, plan: RevisitPlan) -> None:
        self.plan = plan
        self.pool = pool_of(plan)
        self.load = {u.pk: int(getattr(u, "open_tasks", 0)) for u in self.pool}
        self._eligible: dict[int, list[User]] = {}

    def eligible(self, unit: OrgUnit) -> list[User]:
        """Pool members who may do revisits in `unit` (cached per unit)."""
        if unit.pk not in self._eligible:
            self._eligible[unit.pk] = [u for u in self.pool if has_perm(u, Perm.DO_REVISITS, unit)]
        return self._eligible[unit.pk]

    def next(self, unit: OrgUnit) -> User | None:
        """The next assignee for a task in `unit`; None (unassigned) if nobody in the pool
        may work there."""
        pool = self.eligible(unit)
        if not pool:
            return None
        if self.plan.strategy == AssignStrategy.ROUND_ROBIN:
            user = pool[self.plan.rr_cursor % len(pool)]
            self.plan.rr_cursor += 1
        else:
            user = min(pool, key=lambda u: (self.load[u.pk], u.pk))
        self.load[user.pk] += 1
        return user

    def save(self) -> None:
        """The plan's cursor is saved by the caller with the plan."""
