"""Authorisation matrix rows for the instance's files (see tests/test_authorisation_matrix.py):
the same for everyone, logged in or not."""

from identity.models import InstanceIdentity
from tests.authz import Row, everyone

LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 2"><rect width="4" height="2"/></svg>'
)


def with_logo(cast) -> dict:
    """An identity with a logo, made on first use (no URL argument)."""
    InstanceIdentity.objects.update_or_create(pk=1, defaults={"logo_svg": LOGO})
    return {}


ROWS = {
    "identity_css": Row(everyone()),
    "identity_favicon": Row(everyone()),
    "identity_favicon_ico": Row(everyone(302)),
    "identity_logo": Row(everyone(), kwargs=with_logo),
}
