"""Notifications API: the outbox (list, detail, retry), templates, opt-outs and the
caller's in-app notifications."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from kefu.core.api_common import ERRORS, actor_of
from kefu.core.errors import NotFound
from kefu.notifications import selectors
from kefu.notifications.schemas import (
    MAX_ID,
    InAppFilter,
    InAppPage,
    MarkReadIn,
    MarkReadOut,
    OptOutFilter,
    OptOutIn,
    OptOutOut,
    OptOutPage,
    OutboxDetailOut,
    OutboxFilter,
    OutboxPage,
    Paging,
    TemplateIn,
    TemplateOut,
)
from kefu.notifications.services import retry_message
from kefu.notifications.services_manage import (
    mark_read,
    opt_in,
    opt_out,
    require_configure,
    save_template,
)

router = Router(tags=["notifications"])


def _page(qs: Any, paging: Paging) -> dict[str, Any]:
    return {
        "items": list(qs[paging.offset : paging.offset + paging.limit]),
        "count": qs.count(),
    }


@router.get("/outbox", response={200: OutboxPage, **ERRORS})
def list_outbox(request: HttpRequest, filters: Query[OutboxFilter], paging: Query[Paging]) -> Any:
    """Outbound messages in the caller's scope, newest first (needs settings.configure)."""
    qs = selectors.outbox_messages(
        actor_of(request),
        status=filters.status,
        channel=filters.channel,
        customer_id=filters.customer,
    )
    return _page(qs, paging)


@router.get("/outbox/{message_id}", response={200: OutboxDetailOut, **ERRORS})
def get_outbox(request: HttpRequest, message_id: int) -> Any:
    if not 0 < message_id <= MAX_ID:
        raise NotFound()
    return selectors.outbox_message(actor_of(request), message_id)


@router.post("/outbox/{message_id}/retry", response={200: OutboxDetailOut, **ERRORS})
def retry_outbox(request: HttpRequest, message_id: int) -> Any:
    """Queue a failed or cancelled message again (409 otherwise)."""
    actor = actor_of(request)
    if not 0 < message_id <= MAX_ID:
        raise NotFound()
    message = selectors.outbox_message(actor, message_id)
    retry_message(actor=actor, message_id=message.pk)
    return selectors.outbox_message(actor, message_id)


def _template(key: str) -> Any:
    row = selectors.template_row(key)
    return row.__dict__


@router.get("/templates/{key}", response={200: TemplateOut, **ERRORS})
def get_template(request: HttpRequest, key: str) -> Any:
    """A template as it applies now (the edited version, else the built-in default)."""
    require_configure(actor_of(request))
    return _template(key)


@router.put("/templates/{key}", response={200: TemplateOut, **ERRORS})
def put_template(request: HttpRequest, key: str, payload: TemplateIn) -> Any:
    """Replace a template's text (422 when it does not render in the sandbox)."""
    save_template(actor=actor_of(request), key=key, **payload.dict())
    return _template(key)


@router.get("/opt-outs", response={200: OptOutPage, **ERRORS})
def list_opt_outs(request: HttpRequest, filters: Query[OptOutFilter], paging: Query[Paging]) -> Any:
    qs = selectors.opt_outs(actor_of(request), customer_id=filters.customer_id)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    return _page(qs, paging)


def _customer(request: HttpRequest, customer_id: int) -> Any:
    from kefu.core.selectors.scope import restrict_to_scope
    from kefu.customers.models import Customer

    qs = restrict_to_scope(Customer.objects.select_related("unit"), actor_of(request))
    customer = qs.filter(pk=customer_id).first()
    if customer is None:
        raise NotFound()
    return customer


@router.post("/opt-outs", response={201: OptOutOut, **ERRORS})
def create_opt_out(request: HttpRequest, payload: OptOutIn) -> Any:
    """Stop messages to a customer on a channel (idempotent); queued ones are withdrawn."""
    customer = _customer(request, payload.customer_id)
    row = opt_out(
        actor=actor_of(request), customer=customer, channel=payload.channel, reason=payload.reason
    )
    return Status(201, row)


@router.delete("/opt-outs", response={204: None, **ERRORS})
def delete_opt_out(request: HttpRequest, filters: Query[OptOutIn]) -> Any:
    """Allow a channel again: `?customer_id=…&channel=…` (404 when there was no opt-out)."""
    customer = _customer(request, filters.customer_id)
    if not opt_in(actor=actor_of(request), customer=customer, channel=filters.channel):
        raise NotFound()
    return Status(204, None)


@router.get("/inapp", response={200: InAppPage, **ERRORS})
def list_inapp(request: HttpRequest, filters: Query[InAppFilter], paging: Query[Paging]) -> Any:
    """The caller's own in-app notifications, newest first."""
    actor = actor_of(request)
    page = _page(selectors.inapp_for(actor, unread_only=filters.unread), paging)
    return {**page, "unread": selectors.unread_count(actor)}


@router.post("/inapp/read", response={200: MarkReadOut, **ERRORS})
def read_inapp(request: HttpRequest, payload: MarkReadIn) -> Any:
    """Mark the given notifications (all unread ones without `ids`) read."""
    return {"marked": mark_read(actor=actor_of(request), ids=payload.ids)}
