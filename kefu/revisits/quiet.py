"""Quiet hours: when customers must not be called. Pure functions, no database.

A window is (start, end) in minutes from local midnight; end may be 1440 ("24:00") and a
window whose end is before its start crosses midnight ("20:00"–"09:00")."""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from datetime import datetime, time, timedelta, tzinfo

Window = tuple[int, int]
DAY = 24 * 60
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def parse_hhmm(value: str) -> int:
    """ "09:30" → 570; "24:00" is allowed (end of day)."""
    text = str(value).strip()
    hh, sep, mm = text.partition(":")
    if not sep or not hh.isdigit() or not mm.isdigit() or len(mm) != 2:
        raise ValueError(f"not a time: {value!r}")
    minutes = int(hh) * 60 + int(mm)
    if int(mm) > 59 or minutes > DAY:
        raise ValueError(f"not a time: {value!r}")
    return minutes


def format_hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_windows(raw: Sequence[Sequence[str]]) -> list[Window]:
    """[["20:00", "09:00"], ["12:00", "14:00"]] → [(1200, 540), (720, 840)]; empty windows
    (start == end) are dropped; a set of windows that leaves no time to call is refused."""
    windows: list[Window] = []
    for pair in raw:
        if len(pair) != 2:
            raise ValueError(f"a window needs a start and an end: {pair!r}")
        start, end = parse_hhmm(pair[0]), parse_hhmm(pair[1])
        if start == DAY:
            start = 0
        if start != end:
            windows.append((start, end))
    if _covers_whole_day(windows):
        raise ValueError("the quiet windows leave no time to call")
    return windows


def _covers_whole_day(windows: Sequence[Window]) -> bool:
    quiet = [False] * DAY
    for start, end in windows:
        for minute in _minutes(start, end):
            quiet[minute] = True
    return all(quiet)


def _minutes(start: int, end: int) -> range | list[int]:
    if start < end:
        return range(start, end)
    return [*range(start, DAY), *range(0, end)]


def _inside(minute: int, window: Window) -> bool:
    start, end = window
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end


def _window_end(local: datetime, window: Window) -> datetime:
    """The local moment the window that contains `local` ends."""
    start, end = window
    midnight = datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)
    minute = local.hour * 60 + local.minute
    if start < end or minute < end:  # ends today
        return midnight + timedelta(minutes=end)
    return midnight + timedelta(days=1, minutes=end)  # crosses midnight, ends tomorrow


def is_quiet(moment: datetime, windows: Sequence[Window], tz: tzinfo = SHANGHAI) -> bool:
    local = moment.astimezone(tz)
    minute = local.hour * 60 + local.minute
    return any(_inside(minute, w) for w in windows)


def next_allowed_time(
    moment: datetime, windows: Sequence[Window], tz: tzinfo = SHANGHAI
) -> datetime:
    """`moment` itself when it is outside every quiet window, else the end of the quiet
    stretch that contains it (adjacent and overlapping windows are crossed in one go).
    Works on local wall-clock time in `tz` and returns an aware datetime in `tz`."""
    local = moment.astimezone(tz)
    for _step in range(2 * len(windows) + 2):
        minute = local.hour * 60 + local.minute
        inside = [w for w in windows if _inside(minute, w)]
        if not inside:
            return local
        ends = [_window_end(local, w) for w in inside]
        local = max(ends).replace(second=0, microsecond=0)
        local = local.astimezone(tz)  # normalise across a DST change (none in Shanghai)
    raise ValueError("the quiet windows leave no time to call")


def allowed_spans(windows: Sequence[Window]) -> list[tuple[str, str]]:
    """The callable stretches of a day, for the "可拨打时间" hint: [("09:00", "12:00"), …]."""
    quiet = [False] * DAY
    for start, end in windows:
        for minute in _minutes(start, end):
            quiet[minute] = True
    spans: list[tuple[str, str]] = []
    minute = 0
    while minute < DAY:
        if quiet[minute]:
            minute += 1
            continue
        start = minute
        while minute < DAY and not quiet[minute]:
            minute += 1
        spans.append((format_hhmm(start), format_hhmm(minute)))
    return spans
