"""Abuse limits shared by the apps: the client address and the per-organisation rate limits.

Counters live in Django's cache (Redis in production, shared by every process), through
allauth's rate limiter, so all limits are configured together in ACCOUNT_RATE_LIMITS.
"""

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from allauth.core.internal import ratelimit as limits
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def client_ip(request) -> str | None:
    """The client address every limit counts: allauth's rate limits (through the adapter),
    django-axes (AXES_CLIENT_IP_CALLABLE) and the apps' own limits.

    REMOTE_ADDR, or behind the proxy (BEHIND_TLS_PROXY) the X-Forwarded-For entry its last
    trusted proxy appended, as allauth reads it (ALLAUTH_TRUSTED_PROXY_COUNT). None when there
    is no usable address (axes also asks on logout, where a request may carry none).
    """
    try:
        return get_adapter().get_client_ip(request)
    except PermissionDenied:
        return None


def email_action_allowed(request, action: str, email: str) -> bool:
    """Count one `action` (a key of ACCOUNT_RATE_LIMITS: "event_visitor"…) made without an
    account for an e-mail address: False once the limit per client address ("ip") or per
    address written to ("key", hashed in the counter's name) is reached."""
    return ratelimit.consume(request, action=action, key=f"email:{email.strip().lower()}")


def invitation_allowed(request, organisation_pk: int) -> bool:
    """Count one invitation (of members or of guest respondents) sent by the requester for
    the organisation; False once the per-person or per-organisation limit is reached."""
    return ratelimit.consume(request, action="invite", key=f"organisation:{organisation_pk}")


def invitation_limit_message() -> str:
    return _("Vous avez envoyé beaucoup d'invitations en peu de temps. Réessayez dans une heure.")


def organisation_action_allowed(request, action: str, organisation_pk: int) -> bool:
    """Count one `action` (a key of ACCOUNT_RATE_LIMITS: "support_request", "roadmap_pdf"…)
    by the requester for the organisation; False once the per-person or per-organisation
    limit is reached."""
    return ratelimit.consume(request, action=action, key=f"organisation:{organisation_pk}")


def address_allowed(request, action: str) -> bool:
    """Count one request for `action` (a key of ACCOUNT_RATE_LIMITS with per-"ip" rates) from
    the client address, reads included: allauth's public consume() leaves GET requests alone,
    its implementation counts them when asked (limit_get)."""
    return limits.consume(request, app="allauth.account", action=action, limit_get=True) is not None


def address_blocked(request, action: str) -> bool:
    """Whether the client address has used up `action` (per-"ip" rates), without counting
    this request: for limits that count failures only, checked before the attempt."""
    return (
        limits.consume(request, app="allauth.account", action=action, limit_get=True, dry_run=True)
        is None
    )


def retry_after(action: str) -> int:
    """Seconds a client refused for `action` waits at most: the longest window of its rates."""
    rates = limits.get_rates(app="allauth.account", action=action)
    return int(max((rate.duration for rate in rates), default=60))


def login_username(request, credentials: dict | None) -> str | None:
    """The e-mail a login attempt is for, as django-axes counts it (AXES_USERNAME_CALLABLE).

    allauth authenticates with `email=`, axes' own signals with the form field `login`: both
    lead to the same lower-cased address, so failures and the reset on success meet.
    """
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("login")
    if not value and request is not None:
        value = getattr(request, "POST", {}).get("login")
    return value.strip().lower() if isinstance(value, str) and value.strip() else None
