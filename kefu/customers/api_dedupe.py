"""Duplicate finder and merge API: GET /customers/duplicates, POST /customers/{id}/merge."""

from ninja import Router

router = Router(tags=["customers"])
