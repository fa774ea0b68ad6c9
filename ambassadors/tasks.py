"""Periodic community tasks (scheduled in config/celery.py). Thin and idempotent: each one claims
the rows it handles before e-mailing, so a retry or a second run sends nothing twice."""

from celery import shared_task

from ambassadors.services import applications, events, support
from common.task_options import TASK_OPTIONS


@shared_task(name="ambassadors.send_event_reminders", **TASK_OPTIONS)
def send_event_reminders() -> int:
    """E-mail people registered to an event that takes place tomorrow."""
    return events.send_event_reminders()


@shared_task(name="ambassadors.send_expiry_reminders", **TASK_OPTIONS)
def send_expiry_reminders() -> int:
    """E-mail ambassadors whose validation ends within a month."""
    return applications.send_expiry_reminders()


@shared_task(name="ambassadors.escalate_unanswered_requests", **TASK_OPTIONS)
def escalate_unanswered_requests() -> int:
    """Tell CRESS admins about support requests left unanswered."""
    return support.escalate_unanswered()


@shared_task(name="ambassadors.purge_visitor_registrations", **TASK_OPTIONS)
def purge_visitor_registrations() -> dict[str, int]:
    """Delete visitors' unconfirmed registrations past their deadline; remove visitors' names
    and addresses a month after their event (RGPD retention)."""
    return events.purge_visitor_registrations()
