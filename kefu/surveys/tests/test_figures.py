from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kefu.core.choices import Role
from kefu.core.errors import NotFound, PermissionDenied, ValidationFailed
from kefu.core.models import AuditEvent
from kefu.surveys.errors import ScoreOutOfRange
from kefu.surveys.models import SatisfactionRating
from kefu.surveys.selectors import satisfaction_figures
from kefu.surveys.services import record_rating
from kefu.surveys.tests.helpers import at


def _rate(unit, when, csat=None, nps=None, source="survey", agent=None):
    return record_rating(
        actor=None, source=source, unit=unit, csat=csat, nps=nps, agent=agent, created_at=when
    )


def test_record_rating_by_revisit_agent_audits(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    r = record_rating(
        actor=agent,
        source="revisit",
        unit=org.shanghai,
        csat=4,
        comment="  还行  ",
        agent=agent,
        revisit_task_id=77,
    )
    r.refresh_from_db()
    got = (r.source, r.csat, r.nps, r.comment, r.revisit_task_id)
    assert got == ("revisit", 4, None, "还行", 77)
    audit = AuditEvent.objects.get(action="satisfaction.record")
    assert audit.changes == {"source": "revisit", "csat": 4, "nps": None, "ticket": None}


@pytest.mark.parametrize(
    ("csat", "nps"),
    [
        pytest.param(0, None, id="csat-0"),
        pytest.param(6, None, id="csat-6"),
        pytest.param(None, -1, id="nps-neg"),
        pytest.param(None, 11, id="nps-11"),
        pytest.param(None, None, id="no-score"),
        pytest.param(True, None, id="bool"),
        pytest.param("5", None, id="string"),
    ],
)
def test_scores_outside_the_scale_are_refused(org, csat, nps):
    with pytest.raises(ScoreOutOfRange):
        record_rating(actor=None, source="survey", unit=org.shanghai, csat=csat, nps=nps)
    assert SatisfactionRating.objects.count() == 0


def test_unknown_source_and_foreign_unit_refused(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    with pytest.raises(ValidationFailed):
        record_rating(actor=agent, source="phone", unit=org.shanghai, csat=3)
    with pytest.raises(NotFound):
        record_rating(actor=agent, source="revisit", unit=org.guangzhou, csat=3)
    auditor = make_user(Role.AUDITOR, org.east)
    with pytest.raises(PermissionDenied):
        record_rating(actor=auditor, source="revisit", unit=org.shanghai, csat=3)
    assert SatisfactionRating.objects.count() == 0


def test_figures_formulas_exact(org, admin_user):
    # CSAT: 5, 4, 3, 1 → avg 13/4 = 3.25; satisfied 2/4 = 50.0 %
    # NPS: 10, 9, 8, 6, 0, 7 → promoters 2, detractors 2, passives 2 → 0.0
    day = at(2026, 11, 2)
    for c in (5, 4, 3, 1):
        _rate(org.shanghai, day, csat=c)
    for n in (10, 9, 8, 6, 0, 7):
        _rate(org.shanghai, day, nps=n, source="revisit")
    f = satisfaction_figures(admin_user, since=date(2026, 11, 1), until=date(2026, 11, 30))
    t = f.total
    assert (t.count, t.csat_count, t.nps_count) == (10, 4, 6)
    assert (t.csat_average, t.csat_percent, t.nps) == (3.25, 50.0, 0.0)
    assert (t.promoters, t.passives, t.detractors) == (2, 2, 2)
    only = satisfaction_figures(
        admin_user, since=date(2026, 11, 1), until=date(2026, 11, 30), source="revisit"
    )
    assert (only.total.count, only.total.csat_average, only.total.nps) == (6, None, 0.0)


def test_figures_rounding_half_up(org, admin_user):
    # CSAT 5, 4, 4 → 13/3 = 4.333… → 4.33; 3/3 = 100.0
    # NPS 9, 9, 0 → (2 − 1)/3 = 33.333… → 33.3; CSAT 2,1,1 → 4/3=1.33, 0 %
    for c in (5, 4, 4):
        _rate(org.shanghai, at(2026, 11, 2), csat=c)
    for n in (9, 9, 0):
        _rate(org.shanghai, at(2026, 11, 2), nps=n)
    f = satisfaction_figures(admin_user, since=date(2026, 11, 2), until=date(2026, 11, 2)).total
    assert (f.csat_average, f.csat_percent, f.nps) == (4.33, 100.0, 33.3)
    _rate(org.shanghai, at(2026, 11, 3), nps=0)
    f = satisfaction_figures(admin_user, since=date(2026, 11, 3), until=date(2026, 11, 3)).total
    assert (f.nps, f.csat_average, f.csat_percent) == (-100.0, None, None)


def test_figures_by_day_week_month_fill_gaps_and_respect_local_dates(org, admin_user):
    _rate(org.shanghai, at(2026, 11, 2, 0), csat=5)  # 00:00 Shanghai = previous day UTC
    _rate(org.shanghai, at(2026, 11, 4, 23), csat=1)
    _rate(org.shanghai, at(2026, 12, 1, 9), csat=4)
    _rate(org.shanghai, at(2026, 11, 1, 23), csat=2)  # outside (before since)
    since, until = date(2026, 11, 2), date(2026, 12, 1)
    by_day = satisfaction_figures(admin_user, since=since, until=until, group_by="day")
    assert len(by_day.rows) == 30
    assert [(r.label, r.count) for r in by_day.rows if r.count] == [
        ("2026-11-02", 1),
        ("2026-11-04", 1),
        ("2026-12-01", 1),
    ]
    assert by_day.total.count == 3
    by_week = satisfaction_figures(admin_user, since=since, until=until, group_by="week")
    assert [r.key for r in by_week.rows][:2] == [date(2026, 11, 2), date(2026, 11, 9)]
    assert by_week.rows[0].csat_percent == 50.0
    assert by_week.rows[-1].key == date(2026, 11, 30)
    by_month = satisfaction_figures(admin_user, since=since, until=until, group_by="month")
    assert [(r.key, r.count, r.csat_average) for r in by_month.rows] == [
        (date(2026, 11, 1), 2, 3.0),
        (date(2026, 12, 1), 1, 4.0),
    ]


def test_figures_by_agent_and_unit_and_scope(org, make_user, admin_user):
    east_agent = make_user(Role.AGENT, org.east, display_name="王芳")
    south_sup = make_user(Role.SUPERVISOR, org.south)
    day = at(2026, 11, 5)
    _rate(org.shanghai, day, csat=5, agent=east_agent)
    _rate(org.shanghai, day, csat=3, agent=east_agent)
    _rate(org.guangzhou, day, csat=1)
    rng: dict[str, Any] = {"since": date(2026, 11, 1), "until": date(2026, 11, 30)}
    by_agent = satisfaction_figures(admin_user, group_by="agent", **rng)
    assert [(r.key, r.label, r.count) for r in by_agent.rows] == [
        (east_agent.pk, "王芳", 2),
        (None, "", 1),
    ]
    by_unit = satisfaction_figures(admin_user, group_by="unit", **rng)
    got = [(r.label, r.csat_average) for r in by_unit.rows]
    assert got == [("上海一店", 4.0), ("广州一店", 1.0)]
    south = satisfaction_figures(south_sup, **rng)
    assert (south.total.count, south.total.csat_average) == (1, 1.0)
    east_only = satisfaction_figures(admin_user, unit=org.east, **rng)
    assert east_only.total.count == 2
    with pytest.raises(NotFound):
        satisfaction_figures(south_sup, unit=org.east, **rng)
    with pytest.raises(ValidationFailed):
        satisfaction_figures(admin_user, group_by="year", **rng)


def test_figures_one_query(org, admin_user, django_assert_num_queries):
    for c in (1, 2, 3, 4, 5):
        _rate(org.shanghai, at(2026, 11, c), csat=c)
    rng: dict[str, Any] = {"since": date(2026, 11, 1), "until": date(2026, 11, 30)}
    for group in (None, "day", "week", "month", "agent", "unit"):
        with django_assert_num_queries(1):
            satisfaction_figures(admin_user, group_by=group, **rng)
