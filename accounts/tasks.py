from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from common.task_options import TASK_OPTIONS, task_options


@shared_task(
    **task_options(
        autoretry_for=(SMTPException, OSError), retry_backoff=30, time_limit=60, soft_time_limit=50
    )
)
def send_email(*, to: list[str], subject: str, body: str) -> int:
    """Send one plain-text e-mail. Retried on SMTP/network errors."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)


# --- RGPD retention (scheduled in config/celery.py) -----------------------------------------
# Each run does what is due and nothing twice: a missed day is caught up by the next one, and
# a retry after a database error is safe. Accounts are walked one by one: up to ten minutes.
RGPD_OPTIONS = task_options(time_limit=600, soft_time_limit=540)


@shared_task(name="accounts.warn_inactive_accounts", **RGPD_OPTIONS)
def warn_inactive_accounts() -> int:
    from accounts import rgpd

    return rgpd.warn_inactive_accounts()


@shared_task(name="accounts.delete_inactive_accounts", **RGPD_OPTIONS)
def delete_inactive_accounts() -> int:
    from accounts import rgpd

    return rgpd.delete_inactive_accounts()


@shared_task(name="accounts.purge_login_attempts", **TASK_OPTIONS)
def purge_login_attempts() -> int:
    from accounts import rgpd

    return rgpd.purge_login_attempts()
