"""Ticket list pagination: limit/offset with a total count, or a keyset `after` cursor
(pass the previous page's `next_after`) that stays fast however deep the page."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from kefu.tickets.selectors import after_cursor, ticket_cursor

# A text search counts its matches up to this many (every match would be visited to count
# them all: 25 ms of a 60 ms search for a common two-character word at a million tickets).
SEARCH_COUNT_CAP = 1000


class TicketPagination(PaginationBase):
    class Input(Schema):
        limit: int = Field(25, ge=1, le=200)
        offset: int = Field(0, ge=0)
        after: str = Field("", max_length=64)

    class Output(Schema):
        items: list[Any]
        count: int
        next_after: str | None = None
        # False when a text search matched more than SEARCH_COUNT_CAP tickets: `count` is
        # then that cap ("1,000+"), not the total
        count_exact: bool = True

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Input, request: HttpRequest, **params: Any
    ) -> Any:
        searching = bool(request.GET.get("q") or request.GET.get("text"))
        # a common word matches tens of thousands: a search counts up to the cap only
        count = (
            queryset.order_by()[: SEARCH_COUNT_CAP + 1].count() if searching else queryset.count()
        )
        exact = count <= SEARCH_COUNT_CAP or not searching
        count = count if exact else SEARCH_COUNT_CAP
        page = after_cursor(queryset, pagination.after) if pagination.after else queryset
        if not pagination.after:
            page = page[pagination.offset :]
        items = list(page[: pagination.limit + 1])
        more = len(items) > pagination.limit
        items = items[: pagination.limit]
        return {
            "items": items,
            "count": count,
            "next_after": ticket_cursor(items[-1]) if items and more else None,
            "count_exact": exact,
        }
