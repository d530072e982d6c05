"""The SLA part of a customer's personal data (registered in SlaConfig.ready): the staff
alerts about the customer's tickets quote the ticket's title, so erasure masks them too.
Nothing is exported: the alerts are staff notices, not data about the customer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

from kefu.sla.models import Alert

if TYPE_CHECKING:
    from kefu.customers.models import Customer
    from kefu.customers.personal_data_registry import Redactor, Rows


def export_sla(customer: Customer) -> dict[str, Rows]:
    return {}


def erase_sla(customer: Customer, redactor: Redactor) -> dict[str, int]:
    changed = []
    for alert in Alert.objects.filter(ticket__customer_id=customer.pk).order_by("id"):
        text = redactor.text(alert.text)
        if text != alert.text:
            alert.text = text
            changed.append(alert)
    Alert.objects.bulk_update(changed, ["text"], batch_size=500)
    return {"sla_alerts": len(changed)}


def register() -> None:
    from kefu.customers.personal_data_registry import register_personal_data_provider

    register_personal_data_provider(
        "sla", gettext_lazy("SLA alerts"), exporter=export_sla, eraser=erase_sla, order=70
    )
