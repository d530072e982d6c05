"""Backdated phone intake: the customer's actual contact time on the new-ticket form."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from kefu.core.tests.ui_client import ui_fixture  # noqa: F401
from kefu.customers.models import Customer
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.tests.h9_fixtures import bench_fixture, url  # noqa: F401


def _minutes_ago(minutes: int) -> datetime:
    """A local time as the datetime-local input sends it: to the minute, no offset."""
    at = timezone.localtime() - timedelta(minutes=minutes)
    return at.replace(second=0, microsecond=0)


def _post(client: Any, org: Any, received_at: datetime | str, **extra: Any) -> Any:
    value = received_at if isinstance(received_at, str) else received_at.strftime("%Y-%m-%dT%H:%M")
    data = {
        "phone": "13900002222",
        "new_customer_name": "赵六",
        "unit": org.shanghai.pk,
        "type": "repair",
        "channel": "phone",
        "title": "冰箱漏水",
        "priority": "normal",
        "received_at": value,
        **extra,
    }
    return client.post(url("tickets:create"), data)


def _counts() -> tuple[int, int, int]:
    return Ticket.objects.count(), Customer.objects.count(), TicketEvent.objects.count()


def test_the_form_has_the_field(ui: Any, bench: Any) -> None:
    html = ui(bench["agent"]).get(url("tickets:create")).content.decode()
    assert 'type="datetime-local" name="received_at"' in html
    assert "Customer contacted us at" in html


def test_agent_refused_three_hours_back_input_kept(ui: Any, bench: Any, org: Any) -> None:
    before = _counts()
    at = _minutes_ago(180)
    response = _post(ui(bench["agent"]), org, at)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Only supervisors and managers may record a contact more than an hour ago." in html
    assert "More than an hour ago." in html
    assert f'value="{at:%Y-%m-%dT%H:%M}"' in html
    assert 'value="赵六"' in html
    assert 'value="冰箱漏水"' in html
    assert _counts() == before  # neither the ticket nor the inline customer


def test_supervisor_may_backdate_three_hours(ui: Any, bench: Any, org: Any) -> None:
    at = _minutes_ago(180)
    response = _post(ui(bench["supervisor"]), org, at)
    assert response.status_code == 302
    t = Ticket.objects.get(title="冰箱漏水")
    assert response["Location"] == url("tickets:detail", t.pk)
    assert t.received_at == at
    assert t.created_by_id == bench["supervisor"].pk
    created = TicketEvent.objects.get(ticket=t, kind="created")
    assert created.data["received_at"] == at.isoformat()


def test_agent_may_backdate_within_the_hour(ui: Any, bench: Any, org: Any) -> None:
    at = _minutes_ago(30)
    assert _post(ui(bench["agent"]), org, at).status_code == 302
    assert Ticket.objects.get(title="冰箱漏水").received_at == at


def test_future_refused(ui: Any, bench: Any, org: Any) -> None:
    before = _counts()
    at = _minutes_ago(-120)
    response = _post(ui(bench["supervisor"]), org, at)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cannot be in the future." in html
    assert "received_at lies in the future." not in html
    assert f'value="{at:%Y-%m-%dT%H:%M}"' in html
    assert _counts() == before


def test_empty_means_now_and_garbage_is_a_field_error(ui: Any, bench: Any, org: Any) -> None:
    client = ui(bench["agent"])
    response = _post(client, org, "昨天下午")
    assert response.status_code == 200
    assert "Enter a valid date/time." in response.content.decode()
    assert not Ticket.objects.filter(title="冰箱漏水").exists()
    start = timezone.now()
    assert _post(client, org, "").status_code == 302
    assert Ticket.objects.get(title="冰箱漏水").received_at >= start - timedelta(seconds=1)
