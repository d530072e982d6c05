"""`kefu demo --seed S --scale N [--if-empty]`: build a believable demo company."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from kefu.core.choices import Via
from kefu.core.context import Origin, origin
from kefu.core.demo.logins import existing_logins, login_block
from kefu.core.demo.registry import DEMO_PASSWORD, run_demo
from kefu.core.errors import DomainError
from kefu.core.models import OrgUnit


class Command(BaseCommand):
    help = (
        "Fill an empty database with a demo company: headquarters, regions, stores, "
        "departments, staff in every role and demo logins. Same seed, same company."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="1 ≈ 4 regions, 16 stores/sites, 65 people; N multiplies (max 1000).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but print the logins) when the database already has units.",
        )
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000", help="The address printed for users."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale = options["scale"]
        if not 1 <= scale <= 1000:
            raise CommandError("--scale must be between 1 and 1000.")
        with origin(Origin(via=Via.COMMAND)):
            if OrgUnit.objects.exists():
                if not options["if_empty"]:
                    raise CommandError(
                        "The database already has organisation units. The demo needs an empty "
                        "database (use --if-empty to skip quietly)."
                    )
                self.stdout.write("The database already has data: no demo data generated.")
            else:
                self._generate(options["seed"], scale, options["verbosity"])
            self.stdout.write(login_block(url=options["url"], logins=existing_logins()))

    def _generate(self, seed: int, scale: int, verbosity: int) -> None:
        started = time.perf_counter()
        try:
            ctx = run_demo(seed=seed, scale=scale, password_hash=make_password(DEMO_PASSWORD))
        except (IntegrityError, DomainError) as exc:
            raise CommandError(
                f"The demo data clashes with data already in the database ({exc}). "
                "Use an empty database."
            ) from exc
        counts = ", ".join(f"{value} {key}" for key, value in ctx.counts.items())
        self.stdout.write(
            f"Demo company (seed {seed}, scale {scale}): {counts} "
            f"in {time.perf_counter() - started:.1f}s."
        )
        if verbosity >= 2:
            for name, seconds in ctx.timings.items():
                self.stdout.write(f"  {name}: {seconds:.2f}s")
