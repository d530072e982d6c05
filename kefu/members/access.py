"""Who may do what with members (on top of core's per-unit permissions)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kefu.core.errors import PermissionDenied
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm, has_perm_at_top

if TYPE_CHECKING:
    from kefu.core.models import OrgUnit

VIEW_PERMS = (Perm.VIEW_CUSTOMERS, Perm.REGISTER_MEMBERS, Perm.MANAGE_MEMBERS)


def can_view_members(actor: Any) -> bool:
    return any(has_perm(actor, p) for p in VIEW_PERMS)


def can_work_at(actor: Any, unit: OrgUnit) -> bool:
    """A store clerk registers and serves members of their store; HQ may too."""
    return has_perm(actor, Perm.REGISTER_MEMBERS, unit) or has_perm(
        actor, Perm.MANAGE_MEMBERS, unit
    )


def require_work_at(actor: Any, unit: OrgUnit) -> None:
    if not can_work_at(actor, unit):
        raise PermissionDenied()


def require_manage(actor: Any, unit: OrgUnit) -> None:
    if not has_perm(actor, Perm.MANAGE_MEMBERS, unit):
        raise PermissionDenied()


def can_manage_tiers(actor: Any) -> bool:
    return has_perm_at_top(actor, Perm.MANAGE_MEMBERS)


def can_reveal(actor: Any, unit: OrgUnit) -> bool:
    return has_perm(actor, Perm.REVEAL_PERSONAL_DATA, unit)
