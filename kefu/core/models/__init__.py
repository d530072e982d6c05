from kefu.core.models.audit import AuditEvent
from kefu.core.models.calendar import BusinessCalendar, CalendarDay
from kefu.core.models.imports import ImportJob, ImportStatus
from kefu.core.models.org import Department, OrgUnit
from kefu.core.models.tasks import ScheduleSlot, WorkerHeartbeat
from kefu.core.models.users import ApiToken, DepartmentMembership, UnitAssignment, User

__all__ = [
    "ApiToken",
    "AuditEvent",
    "BusinessCalendar",
    "CalendarDay",
    "Department",
    "DepartmentMembership",
    "ImportJob",
    "ImportStatus",
    "OrgUnit",
    "ScheduleSlot",
    "UnitAssignment",
    "User",
    "WorkerHeartbeat",
]
