"""Periodic toolbox task (scheduled by CELERY_BEAT_SCHEDULE in config/settings.py). Thin and
idempotent: it claims the entries it announces before e-mailing, so a retry or a second run
sends nothing twice."""

from celery import shared_task

from common.task_options import TASK_OPTIONS
from toolbox.services import curation


@shared_task(name="toolbox.send_stale_digest", **TASK_OPTIONS)
def send_stale_digest() -> int:
    """E-mail CRESS admins the toolbox entries that became stale (not reviewed for 12 months)."""
    return curation.send_stale_digest()
