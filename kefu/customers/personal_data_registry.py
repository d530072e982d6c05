"""Plug-in providers of a customer's personal data (个人信息): each app exports and erases
its own part, so the customers app never imports the others (like sections.py).

    from kefu.customers.personal_data_registry import register_personal_data_provider
    register_personal_data_provider(
        "tickets", gettext_lazy("Tickets"), exporter=export_tickets, eraser=erase_tickets
    )

`exporter(customer)` returns {table: [row dict, ...]} with every value unmasked (the
tables become the sheets of the xlsx copy, so table names are unique across providers).
`eraser(customer, redactor)` runs inside erase_personal_data's transaction, before the
archive itself is blanked: it clears or masks the part's personal fields and returns
{table: rows changed}. `redactor.text(s)` masks the customer's known values and any
phone, ID number or e-mail inside free text. Every eraser sees the customer's values as
they were: the redactor is built before the first eraser runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.utils.functional import Promise

if TYPE_CHECKING:
    from kefu.customers.models import Customer


class Redactor(Protocol):
    def text(self, value: str) -> str: ...

    def data(self, value: Any) -> Any: ...


Rows = Sequence[Mapping[str, Any]]
Exporter = Callable[["Customer"], dict[str, Rows]]
Eraser = Callable[["Customer", Redactor], dict[str, int]]
KnownValues = Callable[["Customer"], Iterable[str]]


@dataclass(frozen=True)
class PersonalDataProvider:
    key: str
    label: str | Promise
    exporter: Exporter
    eraser: Eraser
    order: int = 100
    known_values: KnownValues | None = None


_PROVIDERS: dict[str, PersonalDataProvider] = {}


def register_personal_data_provider(
    key: str,
    label: str | Promise,
    exporter: Exporter,
    eraser: Eraser,
    *,
    order: int = 100,
    known_values: KnownValues | None = None,
) -> None:
    """Add (or replace, by key) one part of a customer's personal data. `known_values`
    returns the part's own names, phones and addresses of the customer (a ticket's contact
    name, a member's phone) so that erasure masks them in every part's free text."""
    _PROVIDERS[key] = PersonalDataProvider(key, label, exporter, eraser, order, known_values)


def unregister_personal_data_provider(key: str) -> None:
    _PROVIDERS.pop(key, None)


def personal_data_providers() -> list[PersonalDataProvider]:
    return sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.key))
