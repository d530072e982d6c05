"""Writing the audit log. Called inside the caller's transaction, so the audit row commits
or rolls back together with the change it describes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Model

from kefu.core.context import current_origin
from kefu.core.logging import scrub
from kefu.core.models import AuditEvent

if TYPE_CHECKING:
    from kefu.core.models import OrgUnit, User


def record_audit(
    *,
    actor: User | None,
    action: str,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    unit: OrgUnit | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    origin = current_origin()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or _repr(obj)
    actor_label = ""
    if actor is not None and getattr(actor, "pk", None):
        actor_label = actor.display_name or actor.username
    return AuditEvent.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_label=actor_label or "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=scrub(object_repr)[:200],
        unit=unit,
        changes=_scrubbed(changes or {}),
        ip=origin.ip,
        via=origin.via,
        request_id=origin.request_id,
    )


def _repr(obj: Model) -> str:
    """A model may say how the log names it (`audit_repr()`: an id or number, no name)."""
    audit_repr = getattr(obj, "audit_repr", None)
    return str(audit_repr() if callable(audit_repr) else obj)[:200]


def _scrubbed(value: Any) -> Any:
    """Mobile numbers, ID numbers and e-mails in the log's texts are masked
    (kefu.core.logging.scrub): an erased customer's data must not survive in the log."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: _scrubbed(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrubbed(v) for v in value]
    return value


def diff_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """{"field": [old, new]} for every field whose value changed (values made JSON-safe)."""
    out: dict[str, Any] = {}
    for key, new in after.items():
        old = before.get(key)
        if old != new:
            out[key] = [_jsonable(old), _jsonable(new)]
    return out


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value)


def record_personal_data_access(
    *,
    actor: User | None,
    kind: str,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    unit: OrgUnit | None = None,
    fields: list[str] | None = None,
    rows: int | None = None,
) -> AuditEvent:
    """Log who revealed (kind="reveal") or exported (kind="export") personal data.

    Only field names and row counts are recorded — never the personal data itself."""
    if kind not in {"reveal", "export"}:
        raise ValueError(f"unknown personal-data access kind: {kind}")
    changes: dict[str, Any] = {}
    if fields:
        changes["fields"] = sorted(fields)
    if rows is not None:
        changes["rows"] = rows
    return record_audit(
        actor=actor,
        action=f"personal_data.{kind}",
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        unit=unit,
        changes=changes,
    )
