"""Human-readable ticket numbers: KF + yyyymmdd + 4-digit daily sequence (KF202611220001)."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, connection, transaction

from kefu.tickets.models import TicketCounter

PREFIX = "KF"


def _bump(day: date) -> int | None:
    """One statement: add one to the day's counter and read it back (the row stays locked
    until the transaction ends); None when the day has no counter yet."""
    qn = connection.ops.quote_name
    table = qn(TicketCounter._meta.db_table)
    last, day_col = qn("last"), qn("day")
    sql = f"UPDATE {table} SET {last} = {last} + 1 WHERE {day_col} = %s RETURNING {last}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datefield_value(day)])
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def next_number(day: date) -> str:
    """Draw the next number of `day`. Call inside the creating transaction, as late as
    possible: the counter row stays locked until commit, so concurrent creations serialise
    on it and never collide (nor leave gaps when one rolls back)."""
    last = _bump(day)
    if last is None:
        try:
            with transaction.atomic():
                TicketCounter.objects.create(day=day, last=1)
            last = 1
        except IntegrityError:  # another creation made the day's row first
            last = _bump(day)
            assert last is not None
    width = max(4, len(str(last)))
    return f"{PREFIX}{day:%Y%m%d}{last:0{width}d}"
