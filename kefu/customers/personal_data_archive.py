"""The archive's own part of a customer's personal data (registered in CustomersConfig.ready):
the customer row, phones, contacts, addresses, aliases, tags, credit history and merges."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy

from kefu.customers.models import (
    Address,
    Contact,
    CreditChange,
    Customer,
    CustomerAlias,
    CustomerMerge,
    CustomerPhone,
    CustomerTag,
    DuplicatePair,
)
from kefu.customers.names import name_key
from kefu.customers.personal_data_registry import Redactor, Rows

ERASED_NAME = "已注销客户 #{id}"
CUSTOMER_FIELDS = (
    "id",
    "kind",
    "name",
    "unit__name",
    "grade",
    "is_key_account",
    "source",
    "credit_level",
    "credit_score",
    "email",
    "id_number",
    "address",
    "notes",
    "created_at",
    "updated_at",
    "erased_at",
)


def export_archive(customer: Customer) -> dict[str, Rows]:
    c = customer.pk
    return {
        "customer": list(Customer.objects.filter(pk=c).values(*CUSTOMER_FIELDS)),
        "phones": list(
            CustomerPhone.objects.filter(customer_id=c)
            .order_by("-is_primary", "id")
            .values("number", "label", "is_primary")
        ),
        "contacts": list(
            Contact.objects.filter(customer_id=c).values(
                "name", "title", "phone", "email", "is_primary", "notes", "created_at"
            )
        ),
        "addresses": list(
            Address.objects.filter(customer_id=c).values(
                "label", "province", "city", "district", "detail", "postcode", "is_default"
            )
        ),
        "aliases": list(
            CustomerAlias.objects.filter(customer_id=c)
            .order_by("id")
            .values("name", "old_customer_id", "created_at")
        ),
        "tags": list(
            CustomerTag.objects.filter(customer_id=c).order_by("tag__name").values("tag__name")
        ),
        "credit_history": list(
            CreditChange.objects.filter(customer_id=c).values(
                "effective_on", "old_level", "new_level", "old_score", "new_score", "reason"
            )
        ),
        "merges": list(
            CustomerMerge.objects.filter(survivor_id=c)
            .order_by("id")
            .values("id", "merged_ids", "created_at")
        ),
    }


def erase_archive(customer: Customer, redactor: Redactor) -> dict[str, int]:
    """Blank the row's personal fields, delete phones, contacts, addresses, aliases and tag
    links; credit reasons and merge records keep only what is not personal."""
    c = customer.pk
    counts: dict[str, int] = {
        "phones": CustomerPhone.objects.filter(customer_id=c).delete()[0],
        "contacts": Contact.objects.filter(customer_id=c).delete()[0],
        "addresses": Address.objects.filter(customer_id=c).delete()[0],
        "aliases": CustomerAlias.objects.filter(customer_id=c).delete()[0],
        "tags": CustomerTag.objects.filter(customer_id=c).delete()[0],
        "duplicate_pairs": DuplicatePair.objects.filter(
            Q(customer_a_id=c) | Q(customer_b_id=c)
        ).delete()[0],
    }
    changes = list(CreditChange.objects.filter(customer_id=c))
    for change in changes:
        change.reason = redactor.text(change.reason) or "-"
    CreditChange.objects.bulk_update(changes, ["reason"])
    counts["credit_history"] = len(changes)
    merges = list(CustomerMerge.objects.filter(survivor_id=c))
    for merge in merges:
        merge.snapshots = [{"id": _snapshot_id(s)} for s in merge.snapshots]
        merge.reasons = redactor.data(merge.reasons)
    CustomerMerge.objects.bulk_update(merges, ["snapshots", "reasons"])
    counts["merges"] = len(merges)
    customer.name = ERASED_NAME.format(id=c)
    customer.name_key = name_key(customer.name, customer.kind)
    customer.email = customer.id_number = customer.address = customer.notes = ""
    customer.save(update_fields=["name", "name_key", "email", "id_number", "address", "notes"])
    counts["customer"] = 1
    return counts


def _snapshot_id(snapshot: Any) -> Any:
    return snapshot.get("id") if isinstance(snapshot, dict) else None


def register() -> None:
    from kefu.core.templatetags.kefu_labels import register_action_labels
    from kefu.customers.personal_data_registry import register_personal_data_provider

    register_action_labels({"personal_data.erase": gettext_lazy("Erased personal data")})
    register_personal_data_provider(
        "archive",
        gettext_lazy("Customer archive"),
        exporter=export_archive,
        eraser=erase_archive,
        order=10,
    )
