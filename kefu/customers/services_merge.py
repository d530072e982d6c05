"""Merging duplicate customers into one (统一客户名称).

Every relation that points at Customer is found generically (`_meta.get_fields`), so a later
app's foreign key (members, revisits, orders …) moves without editing this module. Where a
unique constraint that includes the foreign key would collide (a phone both customers have,
a tag on both), the merged side's row is deleted first. The merged names stay as aliases; a
CustomerMerge row keeps a snapshot of each merged customer and the moved counts, so the
merge can be explained afterwards. The audit entry holds ids and counts only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from kefu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from kefu.core.models import User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm, scope_for
from kefu.core.services.audit import record_audit
from kefu.customers.models import (
    Customer,
    CustomerAlias,
    CustomerMerge,
    CustomerPhone,
    DuplicatePair,
)
from kefu.customers.names import name_key

MAX_MERGED = 20
FILLED_FIELDS = ("email", "id_number", "address", "account_manager_id", "source", "source_unit_id")
GRADE_ORDER = "ABCD"  # A is best
SNAPSHOT_FIELDS = (
    "id",
    "name",
    "kind",
    "unit_id",
    "grade",
    "is_key_account",
    "email",
    "id_number",
    "address",
    "source",
    "credit_level",
    "credit_score",
    "account_manager_id",
    "notes",
)


def merge_customers(
    *,
    actor: User,
    survivor: Customer,
    merged: list[Customer],
    reasons: dict[str, Any] | list[Any] | None = None,
) -> CustomerMerge:
    """Merge `merged` into `survivor`; afterwards nothing points at a merged id."""
    merged_ids = [c.pk for c in merged]
    _check_input(survivor.pk, merged_ids)
    with transaction.atomic():
        locked = _lock(actor, [survivor.pk, *merged_ids])
        keep, gone = locked[survivor.pk], [locked[pk] for pk in merged_ids]
        snapshots = _snapshots(gone)
        if reasons is None:
            reasons = _pair_reasons([survivor.pk, *merged_ids])
        moved = _move_relations(keep, merged_ids)
        _fill_fields(keep, gone)
        record = CustomerMerge.objects.create(
            survivor=keep,
            merged_ids=merged_ids,
            snapshots=snapshots,
            moved=moved,
            reasons=reasons,
            actor=actor,
        )
        CustomerAlias.objects.bulk_create(
            [
                CustomerAlias(
                    customer=keep,
                    name=c.name,
                    name_key=name_key(c.name, c.kind),
                    old_customer_id=c.pk,
                    merge=record,
                )
                for c in gone
            ]
        )
        Customer.objects.filter(pk__in=merged_ids).delete()
        record_audit(
            actor=actor,
            action="customer.merge",
            obj=keep,
            unit=keep.unit,
            changes={"merged_ids": merged_ids, "moved": moved, "merge_id": record.pk},
        )
    return record


def _check_input(survivor_id: int, merged_ids: list[int]) -> None:
    if not merged_ids:
        raise ValidationFailed(details={"from": _("Choose at least one customer to merge.")})
    if len(merged_ids) > MAX_MERGED:
        raise ValidationFailed(
            details={"from": _("Merge at most %(n)d customers at once.") % {"n": MAX_MERGED}}
        )
    if survivor_id in merged_ids:
        raise ValidationFailed(
            code="merge_into_itself",
            details={"from": _("A customer cannot be merged into itself.")},
        )
    if len(set(merged_ids)) != len(merged_ids):
        raise ValidationFailed(details={"from": _("A customer is listed twice.")})


def _pair_reasons(ids: list[int]) -> dict[str, Any]:
    """The finder's evidence between the customers being merged (kept with the merge)."""
    pairs = DuplicatePair.objects.filter(customer_a_id__in=ids, customer_b_id__in=ids)
    return {
        "pairs": [
            {"customer_ids": [a, b], "score": value, "reasons": why}
            for a, b, value, why in pairs.order_by("id").values_list(
                "customer_a_id", "customer_b_id", "score", "reasons"
            )
        ]
    }


def _lock(actor: User, ids: list[int]) -> dict[int, Customer]:
    """Lock the customers (in id order, against deadlocks); 404 for any out of scope."""
    rows = {
        c.pk: c
        for c in Customer.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .order_by("pk")
        .select_related("unit")
    }
    scope = scope_for(actor)
    if len(rows) != len(set(ids)) or not all(scope.sees_path(c.unit.path) for c in rows.values()):
        raise NotFound()
    if not all(has_perm(actor, Perm.MERGE_CUSTOMERS, c.unit) for c in rows.values()):
        raise PermissionDenied()
    if any(c.erased_at is not None for c in rows.values()):
        raise Conflict(
            _("A customer whose personal data was erased cannot be merged."),
            code="customer_erased",
        )
    return rows


def customer_relations() -> list[models.ForeignObjectRel]:
    """Every foreign key (or one-to-one) from any model to Customer, hidden ones included
    (related_name="+", auto-created many-to-many tables)."""
    return [
        rel
        for rel in Customer._meta.get_fields(include_hidden=True)
        if isinstance(rel, models.ForeignObjectRel) and not rel.many_to_many and rel.field.concrete
    ]


def _move_relations(keep: Customer, merged_ids: list[int]) -> dict[str, int]:
    DuplicatePair.objects.filter(
        Q(customer_a_id__in=merged_ids) | Q(customer_b_id__in=merged_ids)
    ).delete()
    had_primary = CustomerPhone.objects.filter(customer=keep, is_primary=True).exists()
    moved: dict[str, int] = {}
    for rel in customer_relations():
        model, fk = rel.related_model, rel.field
        if model is DuplicatePair:
            continue
        manager = model._base_manager
        _drop_collisions(manager, fk, keep.pk, merged_ids)
        if model is CustomerPhone and had_primary:
            manager.filter(customer_id__in=merged_ids).update(is_primary=False)
        count = manager.filter(**{f"{fk.attname}__in": merged_ids}).update(**{fk.attname: keep.pk})
        if count:
            label = model._meta.label_lower
            moved[label] = moved.get(label, 0) + count
    return moved


def _unique_sets(
    model: type[models.Model], fk: models.Field[Any, Any]
) -> Iterable[tuple[list[str], Q | None]]:
    """(field attnames, condition) of each unique rule on `model` that includes `fk`."""
    opts = model._meta

    def attname(name: str) -> str:
        found = opts.get_field(name)
        assert isinstance(found, models.Field)
        return found.attname

    rules: list[tuple[list[str], Q | None]] = []
    if fk.unique:
        rules.append(([fk.attname], None))
    for names in opts.unique_together:
        rules.append(([attname(n) for n in names], None))
    for constraint in opts.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            attnames = [attname(n) for n in constraint.fields]
            rules.append((attnames, constraint.condition))
    return [(names, cond) for names, cond in rules if fk.attname in names]


def _drop_collisions(
    manager: models.Manager[Any], fk: models.Field[Any, Any], keep_id: int, merged_ids: list[int]
) -> None:
    """Delete merged-side rows whose unique key the survivor (or an earlier merged customer)
    already holds, so moving the rest cannot violate the constraint."""
    order = {pk: i for i, pk in enumerate([keep_id, *merged_ids])}
    for names, condition in _unique_sets(manager.model, fk):
        others = [n for n in names if n != fk.attname]
        qs = manager.filter(**{f"{fk.attname}__in": list(order)})
        if condition is not None:
            qs = qs.filter(condition)
        rows = sorted(qs.values_list("pk", fk.attname, *others), key=lambda r: (order[r[1]], r[0]))
        taken: set[tuple[Any, ...]] = set()
        drop: list[Any] = []
        for pk, owner, *rest in rows:
            key = tuple(rest)
            if any(v is None for v in key):
                continue  # NULLs never collide
            if key in taken and owner != keep_id:
                drop.append(pk)
            taken.add(key)
        if drop:
            manager.filter(pk__in=drop).delete()


def _fill_fields(keep: Customer, gone: list[Customer]) -> None:
    """Empty survivor fields take the first merged customer's value; the better grade and
    the key-account flag win."""
    changed: list[str] = []
    for attname in FILLED_FIELDS:
        if getattr(keep, attname):
            continue
        value = next((getattr(c, attname) for c in gone if getattr(c, attname)), None)
        if value:
            setattr(keep, attname, value)
            changed.append(attname)
    best = min([keep.grade, *(c.grade for c in gone)], key=_grade_rank)
    if best != keep.grade:
        keep.grade = best
        changed.append("grade")
    if not keep.is_key_account and any(c.is_key_account for c in gone):
        keep.is_key_account = True
        changed.append("is_key_account")
    if changed:
        keep.version += 1
        keep.save(update_fields=[*changed, "version", "updated_at"])


def _grade_rank(grade: str) -> int:
    return GRADE_ORDER.index(grade) if grade in GRADE_ORDER else len(GRADE_ORDER)


def _snapshots(gone: list[Customer]) -> list[dict[str, Any]]:
    phones: dict[int, list[str]] = {}
    for customer_id, number in CustomerPhone.objects.filter(
        customer_id__in=[c.pk for c in gone]
    ).values_list("customer_id", "number"):
        phones.setdefault(customer_id, []).append(number)
    out = []
    for c in gone:
        row = {f: getattr(c, f) for f in SNAPSHOT_FIELDS}
        row["created_at"] = c.created_at.isoformat()
        row["phones"] = phones.get(c.pk, [])
        out.append(row)
    return out
