"""Surveys API."""

from ninja import Router

router = Router(tags=["surveys"])
