from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kefu.core.choices import Role
from kefu.customers.services import create_customer
from kefu.sla.models import SlaPolicy
from kefu.tickets.choices import EventKind
from kefu.tickets.models import Category, Queue, RoutingRule
from kefu.tickets.services.intake import create_ticket
from kefu.tickets.services.routing import keywords_match, normalise

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SH)


def _ticket(actor, unit, **kw):
    kw.setdefault("type", "enquiry")
    kw.setdefault("channel", "phone")
    kw.setdefault("title", "问题")
    return create_ticket(actor=actor, unit=unit, now=NOW, **kw)


def _category(name, code, parent=None):
    cat = Category.objects.create(name=name, code=code, parent=parent)
    cat.path = f"{parent.path if parent else '/'}{cat.pk}/"
    cat.save(update_fields=["path"])
    return cat


def test_normalise_folds_width_and_case():
    assert normalise("ＰＳ５ Ａｂｃ，") == "ps5 abc,"
    assert keywords_match(["ps5"], "买的ＰＳ５坏了")
    assert keywords_match(["ＰＳ５"], "买的ps5坏了")
    assert keywords_match(["破损"], "外箱破损严重")
    assert not keywords_match(["破损"], "外箱完好")
    assert keywords_match(["", "  "], "anything")  # blank keywords: no condition


def test_first_matching_rule_in_order_wins(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    RoutingRule.objects.create(name="late", order=20, department=org.cs_hq, priority="low")
    RoutingRule.objects.create(
        name="early", order=10, keywords=["破损"], department=org.quality_hq, priority="high"
    )
    RoutingRule.objects.create(
        name="inactive", order=1, is_active=False, department=org.cs_east, priority="urgent"
    )
    broken = _ticket(agent, org.shanghai, title="外箱破损")
    other = _ticket(agent, org.shanghai, title="查快递")
    assert (broken.department, broken.priority) == (org.quality_hq, "high")
    assert (other.department, other.priority) == (org.cs_hq, "low")
    event = broken.events.get(kind=EventKind.CLASSIFIED)
    assert event.data["department"] == org.quality_hq.pk
    assert "early" in event.body


def test_every_condition(org, make_user):
    agent = make_user(Role.AGENT, org.hq)
    records = make_user(Role.RECORDS_KEEPER, org.hq)
    quality = _category("质量问题", "Q")
    damaged = _category("破损", "Q-D", quality)
    delivery = _category("配送", "DL")
    queue = Queue.objects.create(department=org.quality_hq, name="质量专员")
    policy = SlaPolicy.objects.create(name="快速", first_response_minutes=60)
    rule = RoutingRule.objects.create(
        name="all",
        order=1,
        types=["complaint"],
        channels=["email"],
        keywords=["ＰＳ５"],
        customer_grades=["A"],
        unit=org.east,
        department=org.quality_hq,
        queue=queue,
        priority="urgent",
        sla_policy=policy,
    )
    rule.categories.add(quality)
    vip = create_customer(actor=records, unit=org.east, name="张三", grade="A")
    plain = create_customer(actor=records, unit=org.east, name="李四", grade="C")
    good: dict[str, object] = {
        "type": "complaint",
        "channel": "email",
        "title": "ps5 外壳",
        "customer": vip,
        "category": damaged,
    }
    hit = _ticket(agent, org.shanghai, **good)
    assert (hit.department, hit.queue, hit.priority) == (org.quality_hq, queue, "urgent")
    assert hit.sla_policy == policy
    assert hit.first_response_due == datetime(2026, 11, 23, 11, 0, tzinfo=SH)
    misses: list[dict[str, object]] = [
        {"type": "enquiry"},
        {"channel": "phone"},
        {"title": "xbox 外壳"},
        {"customer": plain},
        {"customer": None},
        {"category": delivery},
        {"category": None},
    ]
    for change in misses:
        t = _ticket(agent, org.shanghai, **{**good, **change})
        assert t.department is None, change
    outside = _ticket(agent, org.guangzhou, **good)
    assert outside.department is None
    above = _ticket(agent, org.hq, **good)
    assert above.department is None


def test_given_department_is_kept(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    RoutingRule.objects.create(name="r", order=1, department=org.quality_hq, priority="high")
    t = _ticket(agent, org.shanghai, department=org.cs_east)
    assert (t.department, t.priority) == (org.cs_east, "high")


@pytest.mark.parametrize("text", ["客户投诉：快递员态度差", "快递员 態度 差 TAIDU"])
def test_chinese_keywords_any_of(org, make_user, text):
    agent = make_user(Role.AGENT, org.east)
    RoutingRule.objects.create(
        name="态度", order=1, keywords=["态度", "taidu"], department=org.cs_hq
    )
    t = _ticket(agent, org.shanghai, title="投诉", description=text)
    assert t.department == org.cs_hq
