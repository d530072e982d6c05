"""`kefu demo` is a list of steps that apps contribute.

An app adds its demo data (customers, tickets …) without touching core: in
`kefu/<app>/demo.py` (found by autodiscovery, as the admin finds `admin.py`)::

    from kefu.core.demo.registry import DemoContext, register_demo_step

    @register_demo_step("tickets", order=200)
    def tickets(ctx: DemoContext) -> dict[str, int]:
        fake, rng = ctx.faker("tickets"), ctx.rng("tickets")   # seeded for this step
        company = ctx.company                                     # units, staff by role …
        ...
        return {"tickets": n}                                     # counts for the summary

Steps run in `order` (core uses 0–99), all in one transaction. Each step draws from its own
seeded Faker/Random, so adding a step never changes what the other steps generate. At
large scales (`ctx.bulk`) steps should write with bulk_create; otherwise through services.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.module_loading import autodiscover_modules
from faker import Faker

from kefu.core.services.audit import record_audit

if TYPE_CHECKING:
    from kefu.core.demo.company import DemoCompany
    from kefu.core.models import User

DEMO_PASSWORD = "kefu-demo-2026"
DEMO_AUDIT_ACTION = "demo.generate"  # also marks a database that holds demo logins
BULK_ABOVE_SCALE = 5

StepFunc = Callable[["DemoContext"], dict[str, int] | None]


@dataclass(frozen=True)
class DemoStep:
    name: str
    func: StepFunc
    order: int


@dataclass
class DemoContext:
    seed: int
    scale: int
    bulk: bool
    password_hash: str
    actor: User | None = None
    company: DemoCompany | None = None
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    _fakers: dict[str, Faker] = field(default_factory=dict, repr=False)

    def faker(self, stream: str) -> Faker:
        """A zh_CN Faker seeded for (seed, stream)."""
        if stream not in self._fakers:
            fake = Faker("zh_CN")
            fake.seed_instance(f"kefu-demo:{self.seed}:{stream}")
            self._fakers[stream] = fake
        return self._fakers[stream]

    def rng(self, stream: str) -> random.Random:
        return random.Random(f"kefu-demo:{self.seed}:{stream}:rng")

    def require_company(self) -> DemoCompany:
        if self.company is None:
            raise ImproperlyConfigured("This demo step needs the core company step first.")
        return self.company


_steps: dict[str, DemoStep] = {}
_logins: list[str] = []
_discovered = False


def register_demo_step(name: str, *, order: int) -> Callable[[StepFunc], StepFunc]:
    def decorator(func: StepFunc) -> StepFunc:
        existing = _steps.get(name)
        if existing is not None and existing.func.__qualname__ != func.__qualname__:
            raise ImproperlyConfigured(f"Demo step {name!r} is already registered.")
        _steps[name] = DemoStep(name, func, order)
        return func

    return decorator


def unregister_demo_step(name: str) -> None:
    _steps.pop(name, None)


def register_demo_login(username: str) -> None:
    """A username printed in the demo's login block (password DEMO_PASSWORD)."""
    if username not in _logins:
        _logins.append(username)


def demo_login_usernames() -> list[str]:
    _discover()
    return list(_logins)


def demo_steps() -> list[DemoStep]:
    _discover()
    return sorted(_steps.values(), key=lambda s: (s.order, s.name))


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("demo")
        _discovered = True


def run_demo(
    *,
    seed: int,
    scale: int,
    password_hash: str,
    bulk: bool | None = None,
    last_order: int | None = None,
) -> DemoContext:
    """Run every registered step (up to `last_order`, when given) in one transaction;
    returns the context with counts."""
    if not 1 <= scale <= 1000:
        raise ValueError("scale must be between 1 and 1000")
    ctx = DemoContext(
        seed=seed,
        scale=scale,
        bulk=scale > BULK_ABOVE_SCALE if bulk is None else bulk,
        password_hash=password_hash,
    )
    with transaction.atomic():
        for step in demo_steps():
            if last_order is not None and step.order > last_order:
                continue
            started = time.perf_counter()
            counts = step.func(ctx) or {}
            ctx.timings[step.name] = time.perf_counter() - started
            for key, value in counts.items():
                ctx.counts[key] = ctx.counts.get(key, 0) + value
        record_audit(
            actor=None,
            action=DEMO_AUDIT_ACTION,
            object_type="demo",
            changes={"seed": seed, "scale": scale, "counts": ctx.counts},
        )
    return ctx
