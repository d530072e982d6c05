"""客户档案 list: search, filters, sortable dense table, pagination, xlsx export."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kefu.core.exports import ExportColumn, export_xlsx_response
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm, visible_units
from kefu.core.views.common import actor_of, paginate, perm_required, sort_queryset
from kefu.customers import selectors
from kefu.customers.forms import CustomerFilterForm
from kefu.customers.models import Customer
from kefu.customers.privacy import can_reveal, mask_address, mask_email, mask_id_number, mask_phone

SORT_COLUMNS = {
    "name": ("name_key", "id"),
    "grade": ("grade", "-id"),
    "credit": ("credit_score", "-id"),
    "created": ("id",),
}


def _filtered(request: HttpRequest) -> tuple[Any, CustomerFilterForm]:
    filters = CustomerFilterForm(request.GET)
    qs = selectors.list_customers(actor_of(request), **filters.selector_kwargs())
    if request.GET.get("sort"):
        qs, _sort = sort_queryset(qs, request, SORT_COLUMNS, "-created")
    return qs, filters


@perm_required(Perm.VIEW_CUSTOMERS)
def customer_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    qs, filters = _filtered(request)
    page = paginate(request, qs)
    rows = list(page.object_list)
    for c in rows:
        c.masked_phones = [mask_phone(p.number) for p in c.phones.all()]
    query = request.GET.copy()
    for key in ("page", "sort"):
        query.pop(key, None)
    export_query = request.GET.copy()
    export_query.pop("page", None)
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "filtered": any(request.GET.get(k) for k in CustomerFilterForm.FILTER_KEYS),
        "sort": request.GET.get("sort", "-created"),
        "default_sort": "-created",
        "unit_options": list(
            visible_units(actor).only("id", "name", "depth", "path").order_by("path")
        ),
        "tag_options": selectors.tag_names(),
        "can_create": has_perm(actor, Perm.EDIT_CUSTOMERS),
        "can_export": has_perm(actor, Perm.EXPORT_DATA),
        "can_merge": has_perm(actor, Perm.MERGE_CUSTOMERS),
        "export_query": export_query.urlencode(),
    }
    return render(request, "customers/customer_list.html", context)


def _export_row(customer: Customer, reveal: bool) -> dict[str, Any]:
    numbers = [p.number for p in customer.phones.all()]
    return {
        "id": customer.pk,
        "name": customer.name,
        "kind": customer.get_kind_display(),
        "grade": customer.grade,
        "key_account": customer.is_key_account,
        "unit": customer.unit.name,
        "phones": "、".join(numbers if reveal else [mask_phone(n) for n in numbers]),
        "email": customer.email if reveal else mask_email(customer.email),
        "id_number": customer.id_number if reveal else mask_id_number(customer.id_number),
        "address": customer.address if reveal else mask_address(customer.address),
        "tags": "、".join(link.tag.name for link in customer.tag_links.all()),
        "credit": customer.credit_level,
        "score": customer.credit_score,
        "source": customer.get_source_display(),
        "created": customer.created_at,
    }


EXPORT_COLUMNS = [
    ExportColumn(_("Number"), "id", 8),
    ExportColumn(_("Name"), "name", 28),
    ExportColumn(_("Kind"), "kind", 8),
    ExportColumn(_("Grade"), "grade", 6),
    ExportColumn(_("Key account"), "key_account", 8),
    ExportColumn(_("Unit"), "unit", 16),
    ExportColumn(_("Phones"), "phones", 28, personal=True),
    ExportColumn(_("Email"), "email", 24, personal=True),
    ExportColumn(_("ID card / tax number"), "id_number", 22, personal=True),
    ExportColumn(_("Address"), "address", 36, personal=True),
    ExportColumn(_("Tags"), "tags", 20),
    ExportColumn(_("Credit rating"), "credit", 8),
    ExportColumn(_("Credit score"), "score", 8),
    ExportColumn(_("Source"), "source", 10),
    ExportColumn(_("Created"), "created", 18),
]


@perm_required(Perm.VIEW_CUSTOMERS)
def customer_export(request: HttpRequest) -> HttpResponse:
    """Everything the filters match; personal columns unmasked only for actors holding both
    the reveal and the export permission (at each customer's unit)."""
    actor = actor_of(request)
    if not has_perm(actor, Perm.EXPORT_DATA):
        raise DjangoPermissionDenied
    qs, _filters = _filtered(request)
    unmasked = has_perm(actor, Perm.REVEAL_PERSONAL_DATA)

    def rows() -> Any:
        for customer in qs.iterator(chunk_size=2000):
            reveal = (
                unmasked
                and can_reveal(actor, customer)
                and has_perm(actor, Perm.EXPORT_DATA, customer.unit)
            )
            yield _export_row(customer, reveal)

    response = export_xlsx_response(
        actor=actor,
        filename="客户档案",
        sheet=_("Customers"),
        columns=EXPORT_COLUMNS,
        rows=rows(),
        object_type="customers.customer",
        masked=not unmasked,
    )
    return cast(HttpResponse, response)  # a streamed FileResponse; the shell's views type it so
