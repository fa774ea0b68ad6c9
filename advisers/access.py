"""Who may read what as an adviser. Lookups are scoped, never fetched then checked: an
organisation without a live consent for the requester is a 404, like one that does not exist."""

from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404

from accounts.access import Requester, View
from accounts.models import Organisation
from advisers.models import Consent


def adviser_required(view: View) -> View:
    """Logged-in approved advisers only; anyone else logged in gets 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not (user.is_authenticated and user.is_adviser):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def consented_organisations(user: Requester) -> QuerySet[Organisation]:
    """Organisations that granted the user a live consent (none for anyone else)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        Exists(Consent.objects.live().filter(adviser=user, organisation=OuterRef("pk")))
    )


def consented_organisation(user: Requester, org_pk: int) -> Organisation:
    """The organisation, only while it grants the user a live consent; else 404 at once
    (revocation and expiry take effect on the next request, nothing is cached)."""
    return get_object_or_404(consented_organisations(user), pk=org_pk)
