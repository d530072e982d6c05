"""Personal data on request: a customer's full copy (GET …/personal-data, JSON or xlsx) and
erasure (POST …/erase). Thin: the services check permissions and write the audit log."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from kefu.core.api_common import ERRORS, actor_of
from kefu.core.exports import XLSX_MIME, xlsx_filename
from kefu.customers import selectors
from kefu.customers.services.personal_data import erase_personal_data, export_personal_data
from kefu.customers.services.personal_data_xlsx import personal_data_workbook

router = Router(tags=["customers"])


class PersonalDataPartOut(Schema):
    key: str
    label: str
    tables: dict[str, list[dict[str, Any]]]
    counts: dict[str, int]


class PersonalDataOut(Schema):
    customer_id: int
    generated_at: str
    erased: bool
    parts: list[PersonalDataPartOut]


class EraseIn(Schema):
    reason: str = Field(max_length=500)
    confirm_name: str = Field(max_length=200)


class EraseOut(Schema):
    customer_id: int
    name: str
    erased_at: str
    counts: dict[str, dict[str, int]]


@router.get(
    "/{int:customer_id}/personal-data",
    response={200: PersonalDataOut, **ERRORS},
    summary="A customer's personal data (everything kefu holds about them, unmasked)",
)
def personal_data(request: HttpRequest, customer_id: int) -> Any:
    """Needs `personal_data.export`; every copy is logged (parts and row counts, no values)."""
    actor = actor_of(request)
    customer = selectors.get_customer(actor, customer_id)
    return export_personal_data(actor=actor, customer=customer)


@router.get(
    "/{int:customer_id}/personal-data.xlsx",
    response=ERRORS,
    summary="The same copy as an xlsx workbook (a summary sheet, then one sheet per table)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The workbook",
                "content": {XLSX_MIME: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def personal_data_xlsx(request: HttpRequest, customer_id: int) -> HttpResponse:
    actor = actor_of(request)
    customer = selectors.get_customer(actor, customer_id)
    document = export_personal_data(actor=actor, customer=customer)
    response = HttpResponse(personal_data_workbook(document), content_type=XLSX_MIME)
    name = xlsx_filename(f"personal-data-{customer_id}")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.post(
    "/{int:customer_id}/erase",
    response={200: EraseOut, **ERRORS},
    summary="Erase a customer's personal data on request (tickets kept, anonymised)",
)
def erase(request: HttpRequest, customer_id: int, payload: EraseIn) -> Any:
    """Needs `personal_data.erase`. `confirm_name` must be the customer's current full name
    (400 `confirm_name_mismatch` otherwise); a second erase is 409 `customer_erased`."""
    actor = actor_of(request)
    customer = selectors.get_customer(actor, customer_id)
    counts = erase_personal_data(
        actor=actor, customer=customer, reason=payload.reason, confirm_name=payload.confirm_name
    )
    assert customer.erased_at is not None
    return {
        "customer_id": customer.pk,
        "name": customer.name,
        "erased_at": customer.erased_at.isoformat(),
        "counts": counts,
    }
