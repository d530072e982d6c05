# ruff: noqa: N999
"""`kefu find-duplicates`: the hyphenated name of `find_duplicates` (see find_duplicates.py)."""

from kefu.customers.management.commands.find_duplicates import Command

__all__ = ["Command"]
