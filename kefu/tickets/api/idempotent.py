"""Idempotency-Key for the ticket writes of the API (create has its own path in intake).

`respond_once` runs an endpoint's write and the rendering of its answer through
services.idempotency.run_once when the request carries a key: the key row, the write and
the stored answer commit together; a retry gets the stored status and body with
`Idempotent-Replayed: true` (the first answer says `false`, as create does)."""

import json
from collections.abc import Callable
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema, Status
from ninja.params import functions as params
from ninja.responses import NinjaJSONEncoder

from kefu.core.api_common import actor_of
from kefu.tickets.models import Ticket
from kefu.tickets.services import idempotency

IdempotencyKey = Annotated[
    str | None,
    params.Header(
        None,
        alias="Idempotency-Key",
        description="Optional, 1–200 characters. A retry with the same key and the same "
        "request gets the first answer (header Idempotent-Replayed: true) and writes nothing; "
        "the same key with another request answers 409 idempotency_key_reused.",
    ),
]

Write = Callable[[], tuple[int, Schema]]


def _jsonable(out: Schema) -> Any:
    """The body exactly as ninja renders it (NinjaJSONEncoder: datetimes to milliseconds)."""
    return json.loads(json.dumps(out.model_dump(), cls=NinjaJSONEncoder))


def respond_once(
    request: HttpRequest,
    response: HttpResponse,
    *,
    key: str | None,
    operation: str,
    ticket: Ticket,
    body: dict[str, Any],
    write: Write,
) -> Any:
    """Run `write` (it returns the status and the answer Schema) at most once per key."""
    if not key:
        status, out = write()
        return Status(status, out)
    first: list[Schema] = []

    def perform() -> idempotency.Answer:
        status, out = write()
        first.append(out)
        return idempotency.Answer(status=status, body=_jsonable(out))

    answer = idempotency.run_once(
        actor=actor_of(request),
        key=key,
        operation=operation,
        ticket=ticket,
        request=body,
        perform=perform,
    )
    response["Idempotent-Replayed"] = "true" if answer.replayed else "false"
    if not answer.replayed:
        return Status(answer.status, first[0])
    from kefu.api import api  # the one NinjaAPI renders the stored body as it did the first

    if isinstance(answer.body, dict) and "version" in answer.body and "number" in answer.body:
        response["ETag"] = f'"{answer.body["version"]}"'
    response.status_code = answer.status
    return api.create_response(request, answer.body, temporal_response=response)
