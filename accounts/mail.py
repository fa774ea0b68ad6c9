"""The one way the apps send an e-mail from their services.

Rendered now (in the person's language, with what the transaction sees), handed to the e-mail
task only once the transaction commits: a rolled-back change never sends a stray message, and
the task retries on SMTP or network errors through Celery (in-process on the embedded default).
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from accounts.tasks import send_email


def send_after_commit(
    *,
    to: Iterable[str],
    subject: str,
    template: str = "",
    context: dict | None = None,
    body: str = "",
) -> None:
    """E-mail `to` (empty addresses left out; nobody left, nothing sent) once the current
    transaction commits, at once outside one. The text is `template` rendered with
    `context`, the site's name and address, or `body` as it is."""
    recipients = [address for address in to if address]
    if not recipients:
        return
    if template:
        body = render_to_string(
            template,
            {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **(context or {})},
        )
    subject = str(subject)  # a lazy translation cannot cross to the task
    transaction.on_commit(lambda: send_email.delay(to=recipients, subject=subject, body=body))
