from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

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

    def get_client_ip(self, request):
        # allauth raises ImproperlyConfigured (a 500) when X-Forwarded-For has fewer entries
        # than trusted proxies: the request bypassed one of them, so its address is unknown.
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured as exc:
            raise PermissionDenied("The request did not come through every trusted proxy.") from exc
