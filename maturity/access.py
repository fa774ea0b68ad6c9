"""Who may see which diagnostic or respondent page. Lookups are scoped, never fetched then checked."""

from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Membership
from maturity.models import Diagnostic, Respondent

GUEST_SESSION_KEY = "guest_respondents"


def _active_member(user, organisation_field: str):
    return Exists(
        Membership.objects.filter(
            user=user, is_active=True, organisation=OuterRef(organisation_field)
        )
    )


def diagnostic_for_member(user, pk: int, *, admin: bool = False) -> Diagnostic:
    """A diagnostic of an organisation the user is an active member (or admin) of; else 404."""
    memberships = Membership.objects.filter(
        user=user, is_active=True, organisation=OuterRef("organisation")
    )
    if admin:
        memberships = memberships.filter(role=Membership.Role.ADMIN)
    queryset = Diagnostic.objects.select_related("organisation", "questionnaire").filter(
        Exists(memberships)
    )
    return get_object_or_404(queryset, pk=pk)


def respondent_for(request, pk: int) -> Respondent:
    """The requester's own respondent: a member answering for their organisation, or a guest whose
    link (kept in the session) is still live. Anyone else's respondent is a 404."""
    mine = Q(pk__in=[])
    if request.user.is_authenticated:
        mine |= Q(user=request.user) & _active_member(request.user, "diagnostic__organisation")
    guest_ids = request.session.get(GUEST_SESSION_KEY, [])
    if guest_ids:
        mine |= Q(
            pk__in=guest_ids,
            user__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
    return get_object_or_404(Respondent.objects.with_diagnostic().filter(mine), pk=pk)
