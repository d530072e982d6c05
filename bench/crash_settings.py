"""Settings for the processes the crash harness starts (`kefu serve`, `kefu worker`).

kefu's own settings, plus short timers so that a kill cycle of a few seconds exercises the
recovery paths: the SLA scan and the outbox sweep every KEFU_CRASH_TICK_SECONDS (instead of
every minute), outbox and task leases of a few seconds, a retry backoff of a second. Nothing
else differs from production. Used through DJANGO_SETTINGS_MODULE=bench.crash_settings.
"""

from __future__ import annotations

from datetime import timedelta

from django.apps import AppConfig

from kefu.env import env_int
from kefu.settings import *  # noqa: F403
from kefu.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.crash_settings.CrashHarnessConfig"]

KEFU_CRASH_TICK_SECONDS = env_int("KEFU_CRASH_TICK_SECONDS", 2)
KEFU_NOTIFY_LEASE_SECONDS = env_int("KEFU_CRASH_LEASE_SECONDS", 3)
KEFU_TASK_LEASE_SECONDS = env_int("KEFU_CRASH_LEASE_SECONDS", 3)
KEFU_NOTIFY_RETRY_BASE_SECONDS = 1
KEFU_NOTIFY_RETRY_MAX_SECONDS = 4
KEFU_NOTIFY_HTTP_TIMEOUT = 5


class CrashHarnessConfig(AppConfig):
    """Re-registers the SLA scan and the outbox sweep on a short period."""

    name = "bench"
    label = "crash_harness"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kefu.core.schedule import register_periodic
        from kefu.notifications.tasks import sweep_outbox
        from kefu.sla.tasks import sla_scan

        every = timedelta(seconds=KEFU_CRASH_TICK_SECONDS)
        register_periodic("sla.scan", sla_scan, every=every)
        register_periodic("notifications.sweep", sweep_outbox, every=every)
