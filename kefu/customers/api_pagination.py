"""Customer list pagination, the shape of GET /tickets: {"items", "count", "next_after"};
limit/offset, or a keyset `after` cursor (the previous page's `next_after`, a customer id)
that stays fast however deep the page."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase


class CustomerPagination(PaginationBase):
    class Input(Schema):
        limit: int = Field(25, ge=1, le=200)
        offset: int = Field(0, ge=0, le=1_000_000)
        after: int | None = Field(None, ge=1, le=2**62)

    class Output(Schema):
        items: list[Any]
        count: int
        next_after: str | None = None

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Input, request: HttpRequest, **params: Any
    ) -> Any:
        count = queryset.count()
        if pagination.after is not None:  # the selector orders by -id
            page = queryset.filter(pk__lt=pagination.after)
        else:
            page = queryset[pagination.offset :]
        items = list(page[: pagination.limit + 1])
        more = len(items) > pagination.limit
        items = items[: pagination.limit]
        return {
            "items": items,
            "count": count,
            "next_after": str(items[-1].pk) if items and more else None,
        }
