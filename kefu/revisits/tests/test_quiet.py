"""next_allowed_time: a pure function on Asia/Shanghai wall-clock time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kefu.revisits.quiet import (
    SHANGHAI,
    allowed_spans,
    is_quiet,
    next_allowed_time,
    parse_windows,
)

DEFAULT = parse_windows([["00:00", "09:00"], ["12:00", "14:00"], ["20:00", "24:00"]])
OVERNIGHT = parse_windows([["20:00", "09:00"], ["12:00", "14:00"]])


def sh(day: int, hh: int, mm: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hh, mm, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (sh(10, 8, 59), sh(10, 9)),  # before opening
        (sh(10, 9), sh(10, 9)),  # opening minute is allowed
        (sh(10, 11, 59), sh(10, 11, 59)),
        (sh(10, 12), sh(10, 14)),  # lunch
        (sh(10, 13, 30), sh(10, 14)),
        (sh(10, 14), sh(10, 14)),
        (sh(10, 19, 59), sh(10, 19, 59)),
        (sh(10, 20), sh(11, 9)),  # evening → next morning (20–24 then 00–09)
        (sh(10, 23, 59), sh(11, 9)),
        (sh(31, 21), sh(1, 9, month=4)),  # across a month end
    ],
)
def test_default_windows(moment: datetime, expected: datetime) -> None:
    assert next_allowed_time(moment, DEFAULT) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (sh(10, 20), sh(11, 9)),
        (sh(10, 23, 30), sh(11, 9)),
        (sh(11, 0, 0), sh(11, 9)),
        (sh(11, 3, 15), sh(11, 9)),
        (sh(11, 9, 0), sh(11, 9, 0)),
        (sh(11, 12, 30), sh(11, 14)),
        (sh(11, 19, 0), sh(11, 19, 0)),
    ],
)
def test_window_across_midnight(moment: datetime, expected: datetime) -> None:
    assert next_allowed_time(moment, OVERNIGHT) == expected


def test_utc_input_is_read_as_shanghai_time() -> None:
    # 04:30 UTC = 12:30 in Shanghai (UTC+8 all year, no DST)
    moment = datetime(2026, 7, 1, 4, 30, tzinfo=UTC)
    got = next_allowed_time(moment, DEFAULT)
    assert got == sh(1, 14, month=7)
    assert got.utcoffset() == timedelta(hours=8)


def test_no_dst_in_shanghai() -> None:
    # the dates on which Europe/US switch change nothing
    assert next_allowed_time(sh(29, 21), DEFAULT) == sh(30, 9)
    assert next_allowed_time(sh(1, 22, month=11), DEFAULT) == sh(2, 9, month=11)


def test_adjacent_and_overlapping_windows_are_crossed_in_one_go() -> None:
    windows = parse_windows([["12:00", "13:00"], ["13:00", "14:00"], ["13:30", "15:00"]])
    assert next_allowed_time(sh(10, 12, 10), windows) == sh(10, 15)


def test_seconds_are_dropped_when_pushed() -> None:
    moment = sh(10, 12, 30).replace(second=42, microsecond=7)
    assert next_allowed_time(moment, DEFAULT) == sh(10, 14)


def test_no_windows_means_any_time() -> None:
    assert next_allowed_time(sh(10, 3), []) == sh(10, 3)


def test_is_quiet_and_spans() -> None:
    assert is_quiet(sh(10, 12, 59), DEFAULT)
    assert not is_quiet(sh(10, 14), DEFAULT)
    assert allowed_spans(DEFAULT) == [("09:00", "12:00"), ("14:00", "20:00")]
    assert allowed_spans(OVERNIGHT) == [("09:00", "12:00"), ("14:00", "20:00")]


@pytest.mark.parametrize(
    "raw",
    [
        [["00:00", "24:00"]],
        [["08:00", "08:00"], ["09:00", "09:00"], ["00:00", "24:00"]],
        [["20:00", "20:00"], ["09:00", "09:01"], ["09:01", "09:00"]],
        [["25:00", "09:00"]],
        [["9", "10"]],
        [["09:00"]],
    ],
)
def test_bad_windows_are_refused(raw: list[list[str]]) -> None:
    with pytest.raises(ValueError, match="time|window"):
        parse_windows(raw)


def test_empty_window_is_dropped() -> None:
    assert parse_windows([["10:00", "10:00"]]) == []
