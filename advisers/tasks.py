"""Periodic consent and audit tasks (scheduled in config/celery.py). Thin and idempotent."""

from celery import shared_task

from advisers import services
from common.task_options import TASK_OPTIONS


@shared_task(name="advisers.send_consent_reminders", **TASK_OPTIONS)
def send_consent_reminders() -> int:
    """Remind admins and advisers of consents ending within two weeks; close expired ones."""
    return services.send_expiry_reminders()


@shared_task(name="advisers.purge_access_logs", **TASK_OPTIONS)
def purge_access_logs() -> int:
    """Delete access-log entries older than twelve months."""
    return services.purge_logs()
