"""Robot posts carry a key stable per outbox row, so the resend after a worker died between
the post and recording it can be recognised as the same message (found by the crash
harness: the robots' retries had nothing a receiver could deduplicate by)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kefu.notifications import delivery
from kefu.notifications.channels import adapter_for
from kefu.notifications.choices import Status
from kefu.notifications.models import ChannelConfig
from kefu.notifications.services import queue_message
from kefu.notifications.tests.fakehttp import fake_server

OK = (200, {"errcode": 0, "errmsg": "ok"})


def test_a_resend_after_a_lost_outcome_carries_the_same_idempotency_key(agent: Any) -> None:
    with fake_server(lambda seen: OK) as server:
        ChannelConfig.objects.create(channel="wecom", endpoint=f"{server.url}/send?key=K1")
        msg = queue_message(
            actor=agent,
            channel="wecom",
            to="",
            template="sla.escalation",
            context={"number": "KF1", "title": "t", "assignee": "", "due_at": ""},
            dedupe_key="sla.escalation:test:1",
        )
        assert msg is not None
        claimed = delivery.claim(message_id=msg.pk, now=timezone.now())
        assert claimed is not None
        adapter_for("wecom")(claimed[0])  # posted, then the worker died before recording it
        later = timezone.now() + delivery.lease()
        assert delivery.deliver(message_id=msg.pk, now=later) == "sent"
        assert delivery.deliver(message_id=msg.pk, now=later) == "skipped"
    first, second = server.requests
    key = first.headers["idempotency-key"]
    assert key.startswith(f"kefu.notify.{msg.pk}.")
    assert second.headers["idempotency-key"] == key
    assert first.headers["x-kefu-outbox"] == second.headers["x-kefu-outbox"] == str(msg.pk)
    msg.refresh_from_db()
    assert (msg.status, msg.attempts) == (Status.SENT, 2)


def test_different_messages_get_different_keys(agent: Any) -> None:
    with fake_server(lambda seen: OK) as server:
        ChannelConfig.objects.create(channel="dingtalk", endpoint=f"{server.url}/robot/send")
        ids = []
        for n in (1, 2):
            msg = queue_message(
                actor=agent,
                channel="dingtalk",
                to="",
                template="sla.escalation",
                context={"number": f"KF{n}", "title": "t", "assignee": "", "due_at": ""},
            )
            assert msg is not None
            ids.append(msg.pk)
            assert delivery.deliver(message_id=msg.pk) == "sent"
    keys = [seen.headers["idempotency-key"] for seen in server.requests]
    assert len(set(keys)) == 2
    assert [seen.headers["x-kefu-outbox"] for seen in server.requests] == [str(i) for i in ids]
