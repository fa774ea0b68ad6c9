from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from accounts.tasks import send_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        # Rendered here (templates need the request), sent by a task that retries on SMTP errors.
        message = self.render_mail(template_prefix, email, {"site_name": settings.SITE_NAME, **context})
        send_email.delay(to=list(message.to), subject=message.subject, body=message.body)
