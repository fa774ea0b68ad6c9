"""Periodic consent and audit tasks (scheduled in config/celery.py). Thin and idempotent."""

from celery import shared_task
from django.db import OperationalError

from advisers import services

_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": 60,
    "max_retries": 5,
    "time_limit": 300,
    "soft_time_limit": 240,
}


@shared_task(name="advisers.send_consent_reminders", **_OPTIONS)
def send_consent_reminders() -> int:
    """Remind admins and advisers of consents ending within two weeks; close expired ones."""
    return services.send_expiry_reminders()


@shared_task(name="advisers.purge_access_logs", **_OPTIONS)
def purge_access_logs() -> int:
    """Delete access-log entries older than twelve months."""
    return services.purge_logs()
