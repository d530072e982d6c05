"""Shared pytest fixtures: actors in a small organisation, API clients."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API

from kefu.core.tests.fixtures import *  # noqa: E402,F403
