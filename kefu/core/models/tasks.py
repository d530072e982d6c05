from __future__ import annotations

from django.db import models


class ScheduleSlot(models.Model):
    """One row per periodic job per time slot: the first worker to insert it enqueues the job,
    so any number of workers on any number of hosts run each slot exactly once."""

    name = models.CharField(max_length=100)
    slot_start = models.DateTimeField()
    enqueued_at = models.DateTimeField(auto_now_add=True)
    worker = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "slot_start"], name="core_scheduleslot_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot_start}"


class WorkerHeartbeat(models.Model):
    worker_id = models.CharField(max_length=100, unique=True)
    hostname = models.CharField(max_length=100)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.worker_id
