"""CRESS space: applications, validations, fiches to moderate, community figures."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import cress_admin_required
from ambassadors.forms import DecisionForm, ModerationForm
from ambassadors.models import Ambassador, Resource, SupportRequest
from ambassadors.services import applications, contact, figures
from ambassadors.services.shared import CommunityError


@cress_admin_required
def cress(request):
    """CRESS admins: applications and renewals, fiches to review, ambassadors, community figures."""
    pending = (
        Ambassador.objects.filter(
            Q(status=Ambassador.Status.PENDING) | Q(renewal_requested_at__isnull=False)
        )
        .select_related("user", "organisation")
        .order_by("applied_at")
    )
    active = Ambassador.objects.active().select_related("user").order_by("valid_until")
    return TemplateResponse(
        request,
        "ambassadors/cress.html",
        {
            "pending": pending,
            "active": active,
            "resources": Resource.objects.filter(status=Resource.Status.PENDING).for_list(),
            "unanswered": SupportRequest.objects.filter(
                status=SupportRequest.Status.SENT, escalated_at__isnull=False
            ).select_related("organisation", "ambassador"),
            "figures": figures.community_figures(),
        },
    )


@cress_admin_required
@require_POST
def application_decide(request, pk):
    """CRESS admins approve or reject an application or a renewal."""
    ambassador = get_object_or_404(Ambassador, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez de valider ou de refuser."))
        return redirect("ambassadors:cress")
    try:
        applications.decide_application(
            ambassador=ambassador,
            approve=form.cleaned_data["decision"] == "accept",
            by=request.user,
            message=form.cleaned_data["message"],
        )
    except CommunityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("La décision est enregistrée et envoyée par e-mail."))
    return redirect("ambassadors:cress")


@cress_admin_required
@require_POST
def ambassador_withdraw(request, pk):
    """CRESS admins withdraw a validation."""
    ambassador = get_object_or_404(Ambassador, pk=pk)
    try:
        applications.withdraw(
            ambassador=ambassador, by=request.user, message=request.POST.get("message", "")[:1000]
        )
    except CommunityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("La validation est retirée."))
    return redirect("ambassadors:cress")


@cress_admin_required
@require_POST
def resource_moderate(request, pk):
    """CRESS admins publish or reject a fiche pratique."""
    resource = get_object_or_404(Resource, pk=pk)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez de publier ou de refuser."))
        return redirect("ambassadors:cress")
    contact.moderate_resource(
        resource=resource,
        publish=form.cleaned_data["decision"] == "publish",
        by=request.user,
        message=form.cleaned_data["message"],
    )
    messages.success(request, _("La fiche est traitée."))
    return redirect("ambassadors:cress")
