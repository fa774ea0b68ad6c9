"""Who may see which diagnostic or respondent page. Lookups are scoped, never fetched then checked."""

from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.access import View, membership_for
from accounts.models import Membership, Organisation, User
from maturity.models import Diagnostic, Respondent

GUEST_SESSION_KEY = "guest_respondents"


def _active_member(user: User, organisation_field: str) -> Exists:
    return Exists(
        Membership.objects.filter(
            user=user, is_active=True, organisation=OuterRef(organisation_field)
        )
    )


def diagnostic_for_member(user: User, pk: int, *, admin: bool = False) -> Diagnostic:
    """A diagnostic of an organisation the user is an active member of (else 404); where an
    admin is needed, a plain member gets 403, as on the organisation's own admin pages."""
    queryset = Diagnostic.objects.select_related("organisation", "questionnaire").filter(
        _active_member(user, "organisation")
    )
    diagnostic = get_object_or_404(queryset, pk=pk)
    if admin:
        membership_for(user, diagnostic.organisation_id, admin=True)
    return diagnostic


def member_of(request: HttpRequest, organisation_pk: int) -> Membership:
    """The requester's active membership of an organisation, as accounts.access.membership_for
    gives it (404 for anyone else), taken from the memberships a whole page loads anyway for
    its header (request.organisations): no query of its own."""
    context = getattr(request, "organisations", None)
    if context is None or not request.user.is_authenticated:
        return membership_for(request.user, organisation_pk)
    memberships: list[Membership] = context.memberships
    for membership in memberships:
        if membership.organisation_id == organisation_pk:
            return membership
    raise Http404


def respondent_required(view: View) -> View:
    """Respondent pages: guests come through their link; anyone else must log in first."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated and not request.session.get(GUEST_SESSION_KEY):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def respondent_for(request: HttpRequest, pk: int, *, page: bool = True) -> Respondent:
    """The requester's own respondent: a member answering for their organisation, or a guest whose
    link (kept in the session) is still live. Anyone else's respondent is a 404.

    For a whole page, whose header loads the requester's active memberships anyway
    (request.organisations), a member's lookup is scoped by their organisations and takes the
    organisation from there: the query joins neither the organisation nor the user. A partial
    (page=False: autosave) checks the membership inside the one query instead, and leaves the
    organisation unloaded."""
    conditions: list[Q] = []
    organisations: dict[int, Organisation] = {}
    guest_ids = request.session.get(GUEST_SESSION_KEY, [])
    if request.user.is_authenticated:
        context = getattr(request, "organisations", None) if page else None
        if context is None and guest_ids:
            conditions.append(
                Q(user=request.user) & Q(_active_member(request.user, "diagnostic__organisation"))
            )
        elif context is None:
            # Joined rather than EXISTS, which is dearer to build and plan: one row at most, a
            # person having one membership per organisation. (Not beside the guests' branch:
            # OR-ed, the join would repeat a guest's row once per member.)
            conditions.append(
                Q(
                    user=request.user,
                    diagnostic__organisation__memberships__user=request.user,
                    diagnostic__organisation__memberships__is_active=True,
                )
            )
        else:
            organisations = {m.organisation_id: m.organisation for m in context.memberships}
            if organisations:
                conditions.append(
                    Q(user=request.user, diagnostic__organisation_id__in=list(organisations))
                )
    if guest_ids:
        conditions.append(
            Q(
                pk__in=guest_ids,
                user__isnull=True,
                revoked_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
        )
    if not conditions:
        raise Http404
    mine = conditions[0] if len(conditions) == 1 else conditions[0] | conditions[1]
    queryset = Respondent.objects.for_answering(
        with_organisation=page and bool(guest_ids or not organisations)
    )
    respondent = get_object_or_404(queryset.filter(mine), pk=pk)
    # A respondent with a user matched Q(user=request.user): the requester is logged in.
    if respondent.user_id is not None and request.user.is_authenticated:
        respondent.user = request.user
    diagnostic = respondent.diagnostic
    if diagnostic.organisation_id in organisations:
        diagnostic.organisation = organisations[diagnostic.organisation_id]
    return respondent
