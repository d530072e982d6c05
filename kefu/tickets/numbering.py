"""Human-readable ticket numbers: KF + yyyymmdd + 4-digit daily sequence (KF202611220001)."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from kefu.tickets.models import TicketCounter

PREFIX = "KF"


def next_number(day: date) -> str:
    """Draw the next number of `day`. Call inside the creating transaction: the counter row
    stays locked until commit, so concurrent creations serialise on it and never collide."""
    counter = TicketCounter.objects.select_for_update().filter(day=day).first()
    if counter is None:
        try:
            with transaction.atomic():
                counter = TicketCounter.objects.create(day=day, last=0)
        except IntegrityError:
            counter = TicketCounter.objects.select_for_update().get(day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    width = max(4, len(str(counter.last)))
    return f"{PREFIX}{day:%Y%m%d}{counter.last:0{width}d}"
