"""Enumerations of the revisits app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanKind(models.TextChoices):
    AFTER_RESOLUTION = "after_resolution", _("After a ticket is resolved")
    KEY_ACCOUNTS = "key_accounts", _("Key accounts and top distributors")
    RANDOM_SAMPLE = "random_sample", _("Random sample of customers")
    LAPSED_MEMBERS = "lapsed_members", _("Lapsed members")
    CAMPAIGN = "campaign", _("Holiday or promotion campaign")


class AssignStrategy(models.TextChoices):
    LEAST_OPEN = "least_open", _("Fewest open tasks")
    ROUND_ROBIN = "round_robin", _("Round robin")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("To call")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    UNREACHABLE = "unreachable", _("Unreachable")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)


class Outcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    REFUSED = "refused", _("Refused")


RETRY_OUTCOMES = (Outcome.NO_ANSWER, Outcome.BUSY)


class Result(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    AVERAGE = "average", _("Average")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class QuestionKind(models.TextChoices):
    RATING = "rating", _("Rating 1–5")
    CHOICE = "choice", _("Choice")
    TEXT = "text", _("Text")


class ScriptPurpose(models.TextChoices):
    AFTER_SERVICE = "after_service", _("After service")
    COMPLAINT = "complaint", _("Complaint follow-up")
    CARE = "care", _("Customer care")
    MEMBER = "member", _("Member win-back")
    CAMPAIGN = "campaign", _("Campaign")
