"""Two workers never take the same message: on PostgreSQL a claim skips a row another
transaction holds (SELECT … FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from kefu.notifications import delivery
from kefu.notifications.choices import Status
from kefu.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_a_row_locked_by_another_worker_is_skipped(agent):
    from kefu.notifications.services import queue_message

    later = timezone.now() + timedelta(minutes=1)  # not sent at once: the test claims it
    msg = queue_message(
        actor=agent,
        channel="inapp",
        to=str(agent.pk),
        template="survey.link",
        context={},
        send_after=later,
    )
    assert msg is not None
    due = later + timedelta(seconds=1)
    locked = threading.Event()
    release = threading.Event()

    def other_worker() -> None:
        try:
            with transaction.atomic():
                OutboxMessage.objects.select_for_update().get(pk=msg.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert locked.wait(10)
    try:
        assert delivery.claim(message_id=msg.pk, now=due) is None
    finally:
        release.set()
        thread.join(10)
    assert delivery.deliver(message_id=msg.pk, now=due) == "sent"
    msg.refresh_from_db()
    assert (msg.status, msg.attempts) == (Status.SENT, 1)
