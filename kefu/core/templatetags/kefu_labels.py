"""Readable names of audit actions. Apps add theirs with `register_action_labels`."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, str | Promise] = {
    "org_unit.create": _("Created unit"),
    "org_unit.update": _("Changed unit"),
    "department.create": _("Created department"),
    "department.update": _("Changed department"),
    "user.create": _("Created user"),
    "user.update": _("Changed user"),
    "user.set_password": _("Set password"),
    "user.login_locked": _("Sign-in locked after failed passwords"),
    "user.login_ip_locked": _("Sign-in from an address locked after failed passwords"),
    "user.login_unlocked": _("Unlocked sign-in"),
    "user.assign_role": _("Granted role"),
    "user.remove_role": _("Removed role"),
    "user.set_departments": _("Changed departments"),
    "api_token.create": _("Created API token"),
    "api_token.revoke": _("Revoked API token"),
    "personal_data.reveal": _("Revealed personal data"),
    "personal_data.export": _("Exported personal data"),
}

# Prefixes offered in the audit log's action filter.
ACTION_PREFIXES: dict[str, str | Promise] = {
    "org_unit.": _("Units"),
    "department.": _("Departments"),
    "user.": _("Users"),
    "api_token.": _("API tokens"),
    "calendar": _("Business calendar"),
    "personal_data.": _("Personal data"),
}


def register_action_labels(labels: dict[str, str | Promise]) -> None:
    ACTION_LABELS.update(labels)


def register_action_prefix(prefix: str, label: str | Promise) -> None:
    ACTION_PREFIXES[prefix] = label
