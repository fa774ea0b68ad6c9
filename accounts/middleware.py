import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from accounts.models import Membership

CURRENT_ORGANISATION_KEY = "current_organisation_id"


class SessionTimeoutMiddleware:
    """Ends sessions after inactivity and after an absolute lifetime (ASVS 7.3)."""

    # Refresh the activity stamp at most once a minute, to avoid a session write per request.
    TOUCH_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault("auth_started_at", now)
            last = session.get("last_activity_at", now)
            if (
                now - last > settings.SESSION_IDLE_TIMEOUT
                or now - started > settings.SESSION_ABSOLUTE_TIMEOUT
            ):
                logout(request)
                messages.info(
                    request, _("Votre session a expiré : reconnectez-vous pour continuer.")
                )
            elif now - last >= self.TOUCH_EVERY or "last_activity_at" not in session:
                session["last_activity_at"] = now
        return self.get_response(request)


class OrganisationContext:
    """The requester's active memberships and the one they work on now. One query, on first use."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def memberships(self) -> list[Membership]:
        if not self.request.user.is_authenticated:
            return []
        return list(
            Membership.objects.active()
            .filter(user=self.request.user)
            .select_related("organisation")
            .order_by("organisation__name")
        )

    @cached_property
    def current(self) -> Membership | None:
        wanted = self.request.session.get(CURRENT_ORGANISATION_KEY)
        for membership in self.memberships:
            if membership.organisation_id == wanted:
                return membership
        return self.memberships[0] if self.memberships else None


class CurrentOrganisationMiddleware:
    """request.organisations: an OrganisationContext (lazy: unused, it costs no query)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organisations = OrganisationContext(request)
        return self.get_response(request)
