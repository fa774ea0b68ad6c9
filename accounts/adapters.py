from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from accounts.tasks import send_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        # Rendered here (templates need the request), sent by a task that retries on SMTP errors.
        # Without django.contrib.sites, allauth's templates still expect current_site.
        site = SimpleNamespace(
            name=settings.SITE_NAME, domain=settings.SITE_URL.split("://", 1)[-1]
        )
        context = {"site_name": settings.SITE_NAME, "current_site": site, **context}
        message = self.render_mail(template_prefix, email, context)
        send_email.delay(to=list(message.to), subject=message.subject, body=message.body)
