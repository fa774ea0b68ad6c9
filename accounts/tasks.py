from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    max_retries=5,
    acks_late=True,
    time_limit=60,
    soft_time_limit=50,
)
def send_email(*, to: list[str], subject: str, body: str) -> int:
    """Send one plain-text e-mail. Retried on SMTP/network errors."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
