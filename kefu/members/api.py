"""Members API."""

from ninja import Router

router = Router(tags=["members"])
