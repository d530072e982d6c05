"""Domain errors of the revisits app (stable codes)."""

from kefu.core.errors import Conflict, ValidationFailed


class TaskClosed(Conflict):
    code = "revisit_task_closed"


class BadAnswers(ValidationFailed):
    code = "revisit_bad_answers"


class BadPlan(ValidationFailed):
    code = "revisit_bad_plan"
