"""Adviser accounts: a person asks for one, a CRESS admin approves or rejects it.

The URLs keep the paths and names they had in accounts (advisers.account_urls, included at
the site's root): /profil/conseiller/ and /cress/conseillers/<id>/. The CRESS space that
lists the requests gathers several apps, so it lives in config.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import cress_admin_required
from accounts.forms import DecisionForm
from advisers import services
from advisers.forms import AdviserRequestForm
from advisers.models import AdviserProfile


@login_required
def adviser_request(request):
    """Logged-in people ask for a DLA adviser account; a CRESS admin approves it."""
    existing = AdviserProfile.objects.filter(user=request.user).first()
    if existing and existing.status != AdviserProfile.Status.REJECTED:
        messages.info(request, _("Votre demande de compte conseiller·e est déjà enregistrée."))
        return redirect("profile")
    form = AdviserRequestForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        profile = form.save(commit=False)
        profile.user = request.user
        profile.status = AdviserProfile.Status.PENDING
        profile.save()
        messages.success(
            request,
            _("Votre demande est envoyée : un·e administrateur·rice de la CRESS va la vérifier."),
        )
        return redirect("profile")
    return TemplateResponse(request, "advisers/adviser_request.html", {"form": form})


@cress_admin_required
@require_POST
def cress_adviser_decide(request, profile_pk):
    """CRESS admins approve or reject an adviser account request."""
    profile = get_object_or_404(AdviserProfile, pk=profile_pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "accept"
        services.decide_adviser(
            profile=profile, approve=approve, by=request.user, message=form.cleaned_data["message"]
        )
        messages.success(
            request,
            _("Le compte conseiller·e est validé.") if approve else _("La demande est refusée."),
        )
    else:
        messages.error(request, _("Choisissez d'accepter ou de refuser."))
    return redirect("cress_dashboard")
