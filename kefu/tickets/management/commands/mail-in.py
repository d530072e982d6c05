# ruff: noqa: N999
"""`kefu mail-in`: the hyphenated name of `mail_in` (see mail_in.py)."""

from kefu.tickets.management.commands.mail_in import Command

__all__ = ["Command"]
