"""The audit log cannot be edited or erased, so it keeps no customer free text: complaint
steps record field names (the texts stay on the timeline and the complaint), an ignored
mail keeps neither its sender nor its subject."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from kefu.core.models import AuditEvent
from kefu.tickets.mail.ingest import ingest_mail
from kefu.tickets.models import Remedy, TicketEvent
from kefu.tickets.tests.complaint_fixtures import People, people
from kefu.tickets.tests.mailfixtures import b_word, raw_mail

__all__ = ["people"]

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

TEXTS = ["换一台新的", "情况属实", "李质检", "包装泡沫不足", "换新机", "已上门换新", "扣两分",
         "客户认可了", "非常满意", "包装改进", "处理及时"]  # fmt: skip


def _logged(action_prefix: str) -> str:
    rows = AuditEvent.objects.filter(action__startswith=action_prefix)
    return json.dumps(
        [(a.object_repr, a.changes) for a in rows], ensure_ascii=False, sort_keys=True
    )


def test_complaint_steps_audit_field_names_not_texts(people: People) -> None:
    p, t = people, people.complaint()
    p.step(t, "register", demand=TEXTS[0])
    p.step(t, "judge", valid=True, note=TEXTS[1])
    p.step(
        t, "investigate", responsible_department_id=p.org.quality_hq.pk,
        responsible_person=TEXTS[2], root_cause=TEXTS[3], cause_category="quality",
    )  # fmt: skip
    p.step(t, "propose_remedy", kind="replacement", description=TEXTS[4], cost="300")
    p.step(t, "submit_for_approval")
    remedy = Remedy.objects.get()
    p.step(t, "approve", p.store_manager, remedy_id=remedy.pk)
    p.step(t, "implement", note=TEXTS[5], penalty=TEXTS[6])
    p.step(t, "customer_accepts", note=TEXTS[7])
    p.step(t, "record_revisit", satisfaction=5, note=TEXTS[8])
    p.step(t, "summarise", summary=TEXTS[9], evaluation=TEXTS[10], add_to_case_library=True)
    logged = _logged("complaint.")
    assert [text for text in TEXTS if text in logged] == []
    audits = {a.action: a.changes for a in AuditEvent.objects.filter(action__startswith="comp")}
    assert audits["complaint.register"]["fields"] == ["demand"]
    assert audits["complaint.investigate"] == {
        "action": "investigate",
        "from": "investigate",
        "to": "propose",
        "responsible_department_id": p.org.quality_hq.pk,
        "cause_category": "quality",
        "accountable": "factory_manager",
        "fields": ["responsible_person", "root_cause"],
    }
    assert audits["complaint.implement"]["fields"] == ["note", "penalty"]
    assert audits["complaint.approve"] == {
        "action": "approve", "from": "approve", "to": "implement",
        "remedy_id": remedy.pk, "kind": "replacement", "cost": "300.00",
    }  # fmt: skip
    # the texts stay on the timeline, where erasure reaches them
    timeline = TicketEvent.objects.get(ticket=t, data__action="investigate")
    assert (timeline.body, timeline.data["responsible_person"]) == (TEXTS[3], TEXTS[2])


def test_ignored_mail_audit_keeps_no_sender_or_subject(org: Any) -> None:
    mail = raw_mail(
        subject="Subject: " + b_word("我的订单号和家庭住址", "utf-8"),
        sender=b_word("王小明", "utf-8") + " <wang.xiaoming@example.com>",
        message_id="<auto-1@example.com>",
        extra="Auto-Submitted: auto-replied\r\n",
    )
    assert ingest_mail(mail, now=NOW).outcome == "ignored"
    entry = AuditEvent.objects.get(action="mail.ignored")
    logged = _logged("mail.")
    for text in ("家庭住址", "王小明", "wang.xiaoming"):
        assert text not in logged
    assert entry.object_id == "<auto-1@example.com>"
    assert sorted(entry.changes) == ["message_id", "reason"]
