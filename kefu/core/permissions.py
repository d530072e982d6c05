"""Per-role permissions. A user holds roles in units; a role grants its permissions in that
unit and every unit below it. Superusers (system administrators) hold every permission."""

from __future__ import annotations

from enum import StrEnum

from kefu.core.choices import Role


class Perm(StrEnum):
    VIEW_ORG = "org.view"
    MANAGE_ORG = "org.manage"
    MANAGE_USERS = "users.manage"
    VIEW_USERS = "users.view"
    MANAGE_CALENDAR = "calendar.manage"
    VIEW_AUDIT = "audit.view"
    # Used by later apps; declared here so every role's grant list is in one place.
    VIEW_TICKETS = "tickets.view"
    WORK_TICKETS = "tickets.work"
    ASSIGN_TICKETS = "tickets.assign"
    BACKDATE_TICKETS = "tickets.backdate"
    HANDLE_COMPLAINTS = "complaints.handle"
    APPROVE_COMPLAINTS = "complaints.approve"
    CHECK_QUALITY = "quality.check"
    VIEW_CUSTOMERS = "customers.view"
    EDIT_CUSTOMERS = "customers.edit"
    MERGE_CUSTOMERS = "customers.merge"
    REVEAL_PERSONAL_DATA = "personal_data.reveal"
    EXPORT_PERSONAL_DATA = "personal_data.export"  # a customer's full copy (on request)
    ERASE_PERSONAL_DATA = "personal_data.erase"  # anonymise a customer (on request)
    EXPORT_DATA = "data.export"
    MANAGE_MEMBERS = "members.manage"
    REGISTER_MEMBERS = "members.register"
    ISSUE_GIFTS = "gifts.issue"
    DO_REVISITS = "revisits.work"
    VIEW_REPORTS = "reports.view"
    CONFIGURE = "settings.configure"


_ALL = frozenset(Perm)
_READ_ONLY = frozenset(
    {
        Perm.VIEW_ORG,
        Perm.VIEW_USERS,
        Perm.VIEW_AUDIT,
        Perm.VIEW_TICKETS,
        Perm.VIEW_CUSTOMERS,
        Perm.VIEW_REPORTS,
    }
)
_AGENT = frozenset(
    {
        Perm.VIEW_ORG,
        Perm.VIEW_USERS,
        Perm.VIEW_TICKETS,
        Perm.WORK_TICKETS,
        Perm.VIEW_CUSTOMERS,
        Perm.EDIT_CUSTOMERS,
        Perm.DO_REVISITS,
    }
)

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.MANAGER: _ALL,
    Role.SUPERVISOR: _AGENT
    | {
        Perm.ASSIGN_TICKETS,
        Perm.BACKDATE_TICKETS,
        Perm.HANDLE_COMPLAINTS,
        Perm.CHECK_QUALITY,
        Perm.VIEW_REPORTS,
        Perm.VIEW_AUDIT,
        Perm.EXPORT_DATA,
        Perm.REVEAL_PERSONAL_DATA,
    },
    Role.AGENT: _AGENT,
    Role.COMPLAINT_HANDLER: _AGENT | {Perm.HANDLE_COMPLAINTS},
    Role.QUALITY_CHECKER: _READ_ONLY | {Perm.CHECK_QUALITY, Perm.WORK_TICKETS},
    Role.RECORDS_KEEPER: _AGENT
    | {
        Perm.MERGE_CUSTOMERS,
        Perm.REVEAL_PERSONAL_DATA,
        Perm.EXPORT_DATA,
        Perm.EXPORT_PERSONAL_DATA,
        Perm.MANAGE_MEMBERS,
    },
    Role.KEY_ACCOUNT_AGENT: _AGENT | {Perm.REVEAL_PERSONAL_DATA},
    Role.AFTER_SALES: _AGENT,
    Role.DEPARTMENT_HANDLER: frozenset({Perm.VIEW_ORG, Perm.VIEW_TICKETS, Perm.WORK_TICKETS}),
    Role.STORE_CLERK: frozenset(
        {
            Perm.VIEW_ORG,
            Perm.VIEW_CUSTOMERS,
            Perm.EDIT_CUSTOMERS,  # a member registration creates or updates its customer
            Perm.REGISTER_MEMBERS,
            Perm.ISSUE_GIFTS,
            Perm.VIEW_TICKETS,
        }
    ),
    Role.AUDITOR: _READ_ONLY,
}


def permissions_for_role(role: str) -> frozenset[Perm]:
    return ROLE_PERMISSIONS.get(role, frozenset())
