"""A year of a compiled calendar laid out as 12 month grids (for the calendar page).

Pure Python on top of the engine; no database access."""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date

from kefu.core.calendar_engine import HOLIDAY, WORKDAY, CompiledCalendar


@dataclass(frozen=True)
class Cell:
    day: date
    css: str  # work | rest | holiday | makeup
    name: str
    admin: bool
    hours: float


@dataclass(frozen=True)
class Month:
    number: int
    weeks: list[list[Cell | None]]


@dataclass
class YearOverview:
    year: int
    source: str  # statutory | override | fallback
    months: list[Month] = field(default_factory=list)
    working_days: int = 0
    holidays: int = 0
    makeup_days: int = 0
    working_hours: float = 0.0


def _cell(compiled: CompiledCalendar, day: date) -> Cell:
    status = compiled.day_status(day)
    hours = sum(hi - lo for lo, hi in status.intervals) / 3600
    if status.kind == HOLIDAY:
        css = "holiday"
    elif status.kind == WORKDAY:
        css = "makeup"
    else:
        css = "work" if status.intervals else "rest"
    return Cell(day, css, status.name, status.origin == "admin", hours)


def year_overview(compiled: CompiledCalendar, year: int) -> YearOverview:
    """Every day of `year` with how it is treated, plus the year's totals."""
    out = YearOverview(year=year, source=compiled.year_source(year))
    grid = pycalendar.Calendar(firstweekday=0)
    for number in range(1, 13):
        weeks: list[list[Cell | None]] = []
        for week in grid.monthdatescalendar(year, number):
            row: list[Cell | None] = []
            for day in week:
                if day.month != number:
                    row.append(None)
                    continue
                cell = _cell(compiled, day)
                row.append(cell)
                out.working_days += cell.hours > 0
                out.holidays += cell.css == "holiday"
                out.makeup_days += cell.css == "makeup"
                out.working_hours += cell.hours
            weeks.append(row)
        out.months.append(Month(number, weeks))
    return out
