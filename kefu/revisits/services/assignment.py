"""Who calls: the plan's pool (its people, else the members of its department), by
round robin or to whoever has the fewest open tasks."""

from __future__ import annotations

from django.db.models import Count, Q

from kefu.core.models import User
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

    def next(self) -> User | None:
        if not self.pool:
            return None
        if self.plan.strategy == AssignStrategy.ROUND_ROBIN:
            user = self.pool[self.plan.rr_cursor % len(self.pool)]
            self.plan.rr_cursor += 1
        else:
            user = min(self.pool, key=lambda u: (self.load[u.pk], u.pk))
        self.load[user.pk] += 1
        return user

    def save(self) -> None:
        """The plan's cursor is saved by the caller with the plan."""
