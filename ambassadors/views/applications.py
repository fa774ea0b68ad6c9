"""Applications and own space: applying, renewing, a person's community page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ambassadors.forms import ApplicationForm
from ambassadors.models import Ambassador, Event, Registration, Resource, SupportRequest
from ambassadors.services import applications
from ambassadors.services import events as event_services
from ambassadors.services.shared import CommunityError
from common.views import form_page


def _own_profile(user) -> Ambassador | None:
    if not user.is_authenticated:
        return None
    return Ambassador.objects.filter(user=user).first()


@login_required
def apply(request):
    """Logged-in people apply to become an ambassador, or edit their application or profile."""
    profile = _own_profile(request.user)
    form = ApplicationForm(request.POST or None, instance=profile, user=request.user)
    if request.method == "POST" and form.is_valid():
        ambassador = form.save(commit=False)
        ambassador.user = request.user
        if profile is None or profile.status in {
            Ambassador.Status.REJECTED,
            Ambassador.Status.WITHDRAWN,
        }:
            applications.submit_application(ambassador=ambassador)
            messages.success(
                request,
                _("Votre candidature est envoyée : la CRESS vous répondra par e-mail."),
            )
        else:
            ambassador.save()
            messages.success(request, _("Votre profil d'ambassadeur·rice est enregistré."))
        return redirect("ambassadors:my_space")
    return form_page(
        request, "ambassadors/application_form.html", {"form": form, "profile": profile}
    )


@login_required
@require_POST
def renew(request):
    """Validated ambassadors ask the CRESS to renew their validation for a year."""
    profile = get_object_or_404(Ambassador, user=request.user)
    try:
        applications.request_renewal(ambassador=profile)
    except CommunityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Votre demande de renouvellement est transmise à la CRESS."))
    return redirect("ambassadors:my_space")


@login_required
def my_space(request):
    """Logged-in people: their application or profile, requests received, events, fiches."""
    user = request.user
    profile = Ambassador.objects.filter(user=user).select_related("organisation").first()
    now = timezone.now()
    context = {
        "profile": profile,
        "can_organise": event_services.can_organise(user),
        "registrations": list(
            Registration.objects.active()
            .filter(user=user, event__ends_at__gt=now)
            .select_related("event")
            .order_by("event__starts_at")
        ),
        "organised": list(
            Event.objects.filter(organiser=user).upcoming().with_counts()
            if event_services.can_organise(user) or profile
            else []
        ),
        "received": list(SupportRequest.objects.received_by(user)[:50]) if profile else [],
        "resources": list(Resource.objects.filter(author=user).for_list()),
    }
    return TemplateResponse(request, "ambassadors/my_space.html", context)
