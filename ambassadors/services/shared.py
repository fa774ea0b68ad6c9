"""What every community service uses: the error shown to the user, absolute links for
e-mails, the CRESS admins' addresses."""

from django.conf import settings

from accounts.models import User


class CommunityError(Exception):
    """A community rule was broken; the message is for the user."""


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def cress_admin_emails() -> list[str]:
    return list(
        User.objects.filter(is_cress_admin=True, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
    )
