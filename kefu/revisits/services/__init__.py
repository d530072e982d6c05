"""Revisit services: generation, calls (attempts, completion), configuration."""

from kefu.revisits.services.admin import save_plan, save_script, set_quiet_hours
from kefu.revisits.services.calls import cancel_task, complete_task, record_attempt
from kefu.revisits.services.generation import generate_all, generate_for_plan

__all__ = [
    "cancel_task",
    "complete_task",
    "generate_all",
    "generate_for_plan",
    "record_attempt",
    "save_plan",
    "save_script",
    "set_quiet_hours",
]
