"""`kefu demo` steps of the customers app (found by autodiscovery)."""

from __future__ import annotations

from kefu.core.demo.registry import DemoContext, register_demo_step


@register_demo_step("customer_duplicates", order=210)
def customer_duplicates(ctx: DemoContext) -> dict[str, int]:
    """Near-duplicate customers, then one duplicate finder run (after the tickets step)."""
    from kefu.customers.demo_duplicates import write_duplicates

    return write_duplicates(ctx)
