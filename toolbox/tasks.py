"""Periodic toolbox task (scheduled by CELERY_BEAT_SCHEDULE in config/settings.py). Thin and
idempotent: it claims the entries it announces before e-mailing, so a retry or a second run
sends nothing twice."""

from celery import shared_task
from django.db import OperationalError

from toolbox import services


@shared_task(
    name="toolbox.send_stale_digest",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=5,
    time_limit=300,
    soft_time_limit=240,
)
def send_stale_digest() -> int:
    """E-mail CRESS admins the toolbox entries that became stale (not reviewed for 12 months)."""
    return services.send_stale_digest()
