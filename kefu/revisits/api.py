"""Revisits API."""

from ninja import Router

router = Router(tags=["revisits"])
