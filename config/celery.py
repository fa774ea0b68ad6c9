"""Celery application. Settings come from Django settings (CELERY_* names)."""

import os

from celery import Celery

from common.task_options import TASK_OPTIONS

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("boussole")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="config.ping", **TASK_OPTIONS)
def ping(value: int) -> dict:
    """Round-trip check used by the health page and the CI worker test."""
    return {"pong": value * 2}


# Periodic tasks (run by `celery -A config beat`), in Europe/Paris time (CELERY_TIMEZONE).
from celery.schedules import crontab  # noqa: E402

app.conf.beat_schedule = {
    "ambassadors-event-reminders": {
        "task": "ambassadors.send_event_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    "ambassadors-expiry-reminders": {
        "task": "ambassadors.send_expiry_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    "ambassadors-escalate-unanswered-requests": {
        "task": "ambassadors.escalate_unanswered_requests",
        "schedule": crontab(hour="9-18", minute=15),
    },
    # Visitors registered to events without an account (ambassadors.services.events), every hour:
    # unconfirmed requests deleted past their deadline, names and addresses removed a month
    # after the event.
    "ambassadors-purge-visitor-registrations": {
        "task": "ambassadors.purge_visitor_registrations",
        "schedule": crontab(minute=50),
    },
    "advisers-consent-reminders": {
        "task": "advisers.send_consent_reminders",
        "schedule": crontab(hour=8, minute=45),
    },
    "advisers-purge-access-logs": {
        "task": "advisers.purge_access_logs",
        "schedule": crontab(hour=3, minute=30),
    },
    # RGPD retention (accounts.rgpd): warn at 23 months of inactivity, delete at 24.
    "accounts-warn-inactive-accounts": {
        "task": "accounts.warn_inactive_accounts",
        "schedule": crontab(hour=4, minute=0),
    },
    "accounts-delete-inactive-accounts": {
        "task": "accounts.delete_inactive_accounts",
        "schedule": crontab(hour=4, minute=20),
    },
    # Toolbox entries not reviewed for 12 months: one digest to CRESS admins, Monday mornings.
    "toolbox-stale-digest": {
        "task": "toolbox.send_stale_digest",
        "schedule": crontab(day_of_week="mon", hour=8, minute=0),
    },
    "accounts-purge-login-attempts": {
        "task": "accounts.purge_login_attempts",
        "schedule": crontab(hour=4, minute=40),
    },
}
