"""Read side of satisfaction: the shared figures (surveys and revisits), survey lists."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from kefu.core.errors import NotFound, ValidationFailed
from kefu.core.models import OrgUnit
from kefu.core.selectors.scope import (
    require_visible,
    restrict_to_scope,
    scope_for,
    visible_units,
)
from kefu.surveys.choices import GroupBy, InvitationStatus
from kefu.surveys.models import SatisfactionRating, Survey, SurveyInvitation
from kefu.tickets.models import Ticket

if TYPE_CHECKING:
    from kefu.core.models import User

SATISFIED_MIN = 4  # CSAT 4 and 5 count as satisfied
PROMOTER_MIN = 9  # NPS 9–10
DETRACTOR_MAX = 6  # NPS 0–6
MAX_DAY_BUCKETS = 400


def _ratio(num: int, den: int, places: str) -> float | None:
    if den == 0:
        return None
    value = (Decimal(num) / Decimal(den)).quantize(Decimal(places), rounding=ROUND_HALF_UP)
    return float(value)


@dataclass(frozen=True)
class FigureRow:
    """Figures of one group. `key` is a date (period start), a user/unit id or None."""

    key: Any
    label: str
    count: int = 0
    csat_count: int = 0
    csat_sum: int = 0
    csat_satisfied: int = 0
    nps_count: int = 0
    promoters: int = 0
    detractors: int = 0

    @property
    def passives(self) -> int:
        return self.nps_count - self.promoters - self.detractors

    @property
    def csat_average(self) -> float | None:
        """Sum of CSAT scores / number of CSAT answers, 2 decimals (half up)."""
        return _ratio(self.csat_sum, self.csat_count, "0.01")

    @property
    def csat_percent(self) -> float | None:
        """100 × answers scoring 4 or 5 / CSAT answers, 1 decimal (half up)."""
        return _ratio(100 * self.csat_satisfied, self.csat_count, "0.1")

    @property
    def nps(self) -> float | None:
        """100 × (promoters 9–10 − detractors 0–6) / NPS answers, 1 decimal, −100…100."""
        return _ratio(100 * (self.promoters - self.detractors), self.nps_count, "0.1")

    def __add__(self, other: FigureRow) -> FigureRow:
        return replace(
            self,
            count=self.count + other.count,
            csat_count=self.csat_count + other.csat_count,
            csat_sum=self.csat_sum + other.csat_sum,
            csat_satisfied=self.csat_satisfied + other.csat_satisfied,
            nps_count=self.nps_count + other.nps_count,
            promoters=self.promoters + other.promoters,
            detractors=self.detractors + other.detractors,
        )

    def as_dict(self) -> dict[str, Any]:
        key = self.key.isoformat() if isinstance(self.key, date) else self.key
        return {
            "key": key,
            "label": self.label,
            "count": self.count,
            "csat_count": self.csat_count,
            "csat_average": self.csat_average,
            "csat_percent": self.csat_percent,
            "nps_count": self.nps_count,
            "promoters": self.promoters,
            "passives": self.passives,
            "detractors": self.detractors,
            "nps": self.nps,
        }


@dataclass(frozen=True)
class SatisfactionFigures:
    since: date
    until: date
    group_by: str | None
    total: FigureRow
    rows: list[FigureRow] = field(default_factory=list)


_AGGREGATES: dict[str, Any] = {
    "count": Count("id"),
    "csat_count": Count("csat"),
    "csat_sum": Sum("csat"),
    "csat_satisfied": Count("id", filter=Q(csat__gte=SATISFIED_MIN)),
    "nps_count": Count("nps"),
    "promoters": Count("id", filter=Q(nps__gte=PROMOTER_MIN)),
    "detractors": Count("id", filter=Q(nps__lte=DETRACTOR_MAX)),
}
_TRUNC = {GroupBy.DAY: TruncDay, GroupBy.WEEK: TruncWeek, GroupBy.MONTH: TruncMonth}


def _bounds(since: date, until: date) -> tuple[datetime, datetime]:
    if isinstance(since, datetime) or isinstance(until, datetime):
        raise ValidationFailed(details={"since": "dates, not date-times"})
    if until < since:
        raise ValidationFailed(details={"until": "before since"})
    tz = timezone.get_current_timezone()
    start = datetime.combine(since, time.min, tzinfo=tz)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def ratings_in_scope(
    actor: User | Any, *, since: date, until: date, unit: OrgUnit | None = None
) -> QuerySet[SatisfactionRating]:
    """Ratings the actor may see, created from `since` to `until` (dates, inclusive, in the
    current time zone), optionally limited to `unit` and the units below it."""
    start, end = _bounds(since, until)
    qs = restrict_to_scope(SatisfactionRating.objects.all(), actor)
    if unit is not None:
        require_visible(actor, unit)
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs.filter(created_at__gte=start, created_at__lt=end)


def satisfaction_figures(
    actor: User | Any,
    *,
    since: date,
    until: date,
    unit: OrgUnit | None = None,
    group_by: str | None = None,
    source: str | None = None,
) -> SatisfactionFigures:
    """Satisfaction figures of the ratings the actor may see (surveys and revisits together
    unless `source` is "survey" or "revisit"), `since`…`until` inclusive (local dates).

    Per group (day / week (Monday) / month period start, agent, unit) and in `total`:
      - count: ratings; csat_count: ratings with a CSAT score; nps_count: with an NPS score;
      - CSAT average = sum of CSAT scores / csat_count (2 decimals, half up);
      - CSAT% = 100 × (CSAT answers scoring 4 or 5) / csat_count (1 decimal, half up);
      - NPS = 100 × (promoters, NPS 9–10, − detractors, NPS 0–6) / nps_count
        (1 decimal, half up; −100…100); passives (7–8) = nps_count − promoters − detractors;
      - a figure whose denominator is 0 is None.
    Time groups cover the whole range (empty periods included); agent/unit groups list only
    those with ratings, largest first. One query (plus the actor's scope, once)."""
    if group_by is not None and group_by not in GroupBy.values:
        raise ValidationFailed(details={"group_by": GroupBy.values})
    qs = ratings_in_scope(actor, since=since, until=until, unit=unit)
    if source:
        qs = qs.filter(source=source)
    rows = _grouped_rows(qs, group_by, since, until)
    total = FigureRow(key=None, label="")
    for row in rows:
        total = total + row
    return SatisfactionFigures(since=since, until=until, group_by=group_by, total=total, rows=rows)


def _row(key: Any, label: str, data: dict[str, Any]) -> FigureRow:
    values = {name: int(data.get(name) or 0) for name in _AGGREGATES}
    return FigureRow(key=key, label=label, **values)


def _grouped_rows(
    qs: QuerySet[SatisfactionRating], group_by: str | None, since: date, until: date
) -> list[FigureRow]:
    if group_by is None:
        return [_row(None, "", qs.aggregate(**_AGGREGATES))]
    if group_by in _TRUNC:
        trunc = _TRUNC[GroupBy(group_by)]("created_at", tzinfo=timezone.get_current_timezone())
        data = qs.annotate(period=trunc).values("period").annotate(**_AGGREGATES).order_by()
        found: dict[date, dict[str, Any]] = {_as_date(d["period"]): dict(d) for d in data}
        return [_row(p, p.isoformat(), found.get(p, {})) for p in _periods(group_by, since, until)]
    if group_by == GroupBy.AGENT:
        keys = ("agent_id", "agent__display_name", "agent__username")
    else:
        keys = ("unit_id", "unit__name", "unit__code")
    data = qs.values(*keys).annotate(**_AGGREGATES).order_by("-count", keys[0])
    return [_row(d[keys[0]], d[keys[1]] or d[keys[2]] or "", d) for d in data]


def _as_date(value: datetime | date) -> date:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def _periods(group_by: str, since: date, until: date) -> Iterable[date]:
    if group_by == GroupBy.DAY:
        if (until - since).days > MAX_DAY_BUCKETS:
            raise ValidationFailed(details={"group_by": "too many days; group by week or month"})
        start, step = since, timedelta(days=1)
        while start <= until:
            yield start
            start += step
    elif group_by == GroupBy.WEEK:
        start = since - timedelta(days=since.weekday())
        while start <= until:
            yield start
            start += timedelta(days=7)
    else:
        start = since.replace(day=1)
        while start <= until:
            yield start
            start = (start + timedelta(days=32)).replace(day=1)


def surveys_for(actor: User | Any) -> QuerySet[Survey]:
    """Survey definitions that apply in the actor's scope: those of the units the actor sees
    and of the units above them (a headquarters survey applies to every store)."""
    scope = scope_for(actor)
    qs = Survey.objects.select_related("unit")
    if scope.is_superuser:
        return qs
    above = {int(part) for g in scope.grants for part in g.path.strip("/").split("/") if part}
    visible = OrgUnit.objects.filter(scope.units_q()).values("id")
    return qs.filter(Q(unit__in=visible) | Q(unit_id__in=above))


def invitations_for(actor: User | Any) -> QuerySet[SurveyInvitation]:
    """Invitations in the actor's scope, newest first, with survey, ticket and rating."""
    qs = SurveyInvitation.objects.select_related("survey", "ticket", "rating", "unit")
    return restrict_to_scope(qs, actor)


def filter_status(
    qs: QuerySet[SurveyInvitation], status: str, now: datetime | None = None
) -> QuerySet[SurveyInvitation]:
    """Invitations in one state: sent / opened / answered / expired (see the model)."""
    now = now or timezone.now()
    live = Q(used_at__isnull=True, expires_at__gt=now)
    conditions = {
        InvitationStatus.ANSWERED: Q(used_at__isnull=False),
        InvitationStatus.EXPIRED: Q(used_at__isnull=True, expires_at__lte=now),
        InvitationStatus.OPENED: live & Q(opened_at__isnull=False),
        InvitationStatus.SENT: live & Q(opened_at__isnull=True),
    }
    condition = conditions.get(InvitationStatus(status)) if status in conditions else None
    return qs if condition is None else qs.filter(condition)


def ticket_for_invitation(actor: User | Any, number: str) -> Ticket:
    """A ticket the actor may see, by its number (NotFound otherwise)."""
    qs = restrict_to_scope(Ticket.objects.select_related("unit", "customer"), actor)
    ticket = qs.filter(number=number.strip()).first()
    if ticket is None:
        raise NotFound()
    return ticket


def active_surveys_for(actor: User | Any) -> QuerySet[Survey]:
    return surveys_for(actor).filter(active=True)


def visible_unit(actor: User | Any, unit_id: int) -> OrgUnit:
    unit = visible_units(actor).filter(pk=unit_id).first()
    if unit is None:
        raise NotFound()
    return unit


def visible_ticket(actor: User | Any, ticket_id: int) -> Ticket:
    qs = restrict_to_scope(Ticket.objects.select_related("unit", "customer"), actor)
    ticket = qs.filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound()
    return ticket


def recent_comments(
    actor: User | Any, *, since: date, until: date, source: str | None = None, limit: int = 20
) -> list[SatisfactionRating]:
    """The newest ratings with a comment in the period (what customers wrote, as text)."""
    qs = ratings_in_scope(actor, since=since, until=until).exclude(comment="")
    if source:
        qs = qs.filter(source=source)
    return list(qs.select_related("ticket", "agent", "unit").order_by("-created_at", "-id")[:limit])
