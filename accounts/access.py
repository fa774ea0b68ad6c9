"""Who may see what. Every view calls one of these; lookups are scoped, never fetched then checked."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404

from accounts.models import Membership, User

# Whoever sends the request: a person logged in, or not (Django's AnonymousUser).
Requester = User | AnonymousUser
# A view function, as the access decorators take and return it.
View = Callable[..., HttpResponseBase]


class CressOnly(PermissionDenied):
    """A page of the CRESS team, refused to someone else: the refusal page says whose page it
    is rather than sending the person to their organisation's admins (templates/403.html)."""


class OrganisationAdminsOnly(PermissionDenied):
    """A page of an organisation's admins, refused to one of its other members."""


def cress_admin_required(view: View) -> View:
    """Logged-in CRESS admins only; anyone else logged in gets 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not (user.is_authenticated and user.is_cress_admin):
            raise CressOnly
        return view(request, *args, **kwargs)

    return wrapper


def membership_for(user: Requester, organisation_pk: int, *, admin: bool = False) -> Membership:
    """The requester's active membership in an organisation.

    Not a member: 404, the same answer as for an organisation that does not exist.
    A member where an admin is needed: 403.
    """
    membership = get_object_or_404(
        Membership.objects.select_related("organisation"),
        organisation_id=organisation_pk,
        user=user,
        is_active=True,
    )
    if admin and membership.role != Membership.Role.ADMIN:
        raise OrganisationAdminsOnly
    return membership
