"""Calendar arithmetic for memberships and points lots."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """2024-01-31 + 1 month → 2024-02-29 (the day is clamped to the month's last)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def birthday_keys(today: date) -> list[tuple[int, int]]:
    """(month, day) pairs whose birthdays fall on `today`: 29 February birthdays are
    greeted on 28 February in years without a 29th."""
    keys = [(today.month, today.day)]
    if (today.month, today.day) == (2, 28) and not calendar.isleap(today.year):
        keys.append((2, 29))
    return keys
