"""`kefu sla-scan`: the hyphenated name of `sla_scan` (see sla_scan.py)."""  # noqa: N999

from kefu.sla.management.commands.sla_scan import Command

__all__ = ["Command"]
