# ruff: noqa: N999
"""`kefu reindex-tickets`: the hyphenated name of `reindex_tickets` (see reindex_tickets.py)."""

from kefu.tickets.management.commands.reindex_tickets import Command

__all__ = ["Command"]
