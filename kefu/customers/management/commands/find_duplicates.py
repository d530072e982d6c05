"""`kefu find-duplicates`: run the duplicate finder now and print what it found."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kefu.customers.services_dedupe import find_duplicates


class Command(BaseCommand):
    help = "Find possible duplicate customers (same name, phone or ID number) and store the pairs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--min-score", type=float, default=None, help="0–1 (default 0.6)")
        parser.add_argument("--window", type=int, default=None, help="similar-name window")

    def handle(self, *args: Any, **options: Any) -> None:
        result = find_duplicates(
            actor=None, min_score=options["min_score"], window=options["window"]
        )
        for key in (
            "customers",
            "comparisons",
            "candidates",
            "open_pairs",
            "created",
            "updated",
            "unchanged",
            "removed",
            "skipped_dismissed",
            "common_names",
        ):
            self.stdout.write(f"{key} {getattr(result, key)}")
        for block in result.oversized_blocks:
            self.stdout.write(f"oversized_block {block['code']} {block['key']} {block['size']}")
        self.stdout.write(f"seconds {result.seconds:.3f}")
