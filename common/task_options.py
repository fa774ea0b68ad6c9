"""The options every Celery task of the platform starts from (DESIGN: tasks retry and are
idempotent). A task overrides only what its work needs, with `task_options(...)`."""

from django.db import OperationalError

TASK_OPTIONS = {
    # Acknowledged when done: a task whose worker died is delivered again.
    "acks_late": True,
    # A database briefly unreachable or locked is worth another try, later and later.
    "autoretry_for": (OperationalError,),
    "retry_backoff": 60,
    "max_retries": 5,
    # Killed after five minutes; warned a minute before so that it can stop cleanly.
    "time_limit": 300,
    "soft_time_limit": 240,
}


def task_options(**overrides) -> dict:
    """TASK_OPTIONS with a task's own values, e.g. a shorter time limit for an e-mail."""
    return {**TASK_OPTIONS, **overrides}
