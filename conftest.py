"""Shared pytest fixtures: actors in a small organisation, API clients."""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API

from kefu.core.tests.fixtures import *  # noqa: E402,F403


def pytest_addoption(parser: Any) -> None:
    parser.addoption(
        "--crash-cycles",
        type=int,
        default=None,
        help="kill cycles for the crash-harness test (default 3, or env KEFU_CRASH_CYCLES)",
    )
