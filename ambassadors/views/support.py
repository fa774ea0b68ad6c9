"""Support requests: asking, choosing an ambassador, answering, closing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import security
from accounts.access import membership_for
from accounts.models import Organisation
from ambassadors import tool_names
from ambassadors.forms import ChooseForm, RespondForm, SupportRequestForm
from ambassadors.models import SupportRequest
from ambassadors.services import support
from ambassadors.services.shared import CommunityError


@login_required
def request_list(request, pk):
    """Members of the organisation: its support requests."""
    membership = membership_for(request.user, pk)
    requests = SupportRequest.objects.of_organisation(membership.organisation)
    return TemplateResponse(
        request,
        "ambassadors/request_list.html",
        {"organisation": membership.organisation, "support_requests": requests},
    )


@login_required
def request_create(request, pk):
    """Members of the organisation ask for help; the next page suggests ambassadors."""
    membership = membership_for(request.user, pk)
    form = SupportRequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if security.organisation_action_allowed(request, "support_request", pk):
            support_request = support.create_support_request(
                organisation=membership.organisation,
                user=request.user,
                request=form.save(commit=False),
            )
            return redirect(support_request.get_absolute_url())
        form.add_error(
            None,
            _(
                "Vous avez écrit beaucoup de demandes en peu de temps. Réessayez plus tard : votre texte est conservé ci-dessous."
            ),
        )
        status = 429
    elif form.errors:
        status = 400
    return TemplateResponse(
        request,
        "ambassadors/request_form.html",
        {"form": form, "organisation": membership.organisation},
        status=status,
    )


def _organisation_request(user, pk) -> SupportRequest:
    """A request of one of the requester's organisations."""
    return get_object_or_404(
        SupportRequest.objects.filter(organisation__in=Organisation.objects.of_user(user))
        .select_related("organisation", "ambassador", "created_by")
        .distinct(),
        pk=pk,
    )


@login_required
def request_detail(request, pk):
    """Members of the requesting organisation; the chosen ambassador sees only what is shared."""
    support_request = get_object_or_404(
        SupportRequest.objects.visible_to(request.user).select_related(
            "organisation", "ambassador", "created_by"
        ),
        pk=pk,
    )
    is_member = any(
        m.organisation_id == support_request.organisation_id
        for m in request.organisations.memberships
    )
    context = {
        "support_request": support_request,
        "is_member": is_member,
        "tools": tool_names.named(support_request.tools),
    }
    if is_member and support_request.can_choose:
        context["suggestions"] = support.suggestions(support_request)
    return TemplateResponse(request, "ambassadors/request_detail.html", context)


@login_required
@require_POST
def request_choose(request, pk):
    """Members of the requesting organisation send the request to the ambassador they choose."""
    support_request = _organisation_request(request.user, pk)
    form = ChooseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un·e ambassadeur·rice dans la liste."))
        return redirect(support_request.get_absolute_url())
    if not security.organisation_action_allowed(
        request, "support_request_send", support_request.organisation_id
    ):
        messages.error(
            request,
            _(
                "Vous avez envoyé beaucoup de demandes en peu de temps. Réessayez plus tard : cette demande reste enregistrée, prête à être envoyée."
            ),
        )
        return redirect(support_request.get_absolute_url())
    try:
        support_request = support.choose_ambassador(
            support_request=support_request, ambassador_id=form.cleaned_data["ambassador"]
        )
    except CommunityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Votre demande est envoyée à %(name)s.")
            % {"name": support_request.ambassador.public_name},
        )
    return redirect(support_request.get_absolute_url())


@login_required
@require_POST
def request_respond(request, pk):
    """The ambassador the request was sent to accepts or declines it."""
    support_request = get_object_or_404(SupportRequest.objects.received_by(request.user), pk=pk)
    form = RespondForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez d'accepter ou de décliner la demande."))
        return redirect(support_request.get_absolute_url())
    try:
        support.respond(
            support_request=support_request,
            accept=form.cleaned_data["decision"] == "accept",
            message=form.cleaned_data["message"],
        )
    except CommunityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Votre réponse est transmise à l'organisation."))
    return redirect(support_request.get_absolute_url())


@login_required
@require_POST
def request_close(request, pk):
    """Members of the requesting organisation close a request."""
    support_request = _organisation_request(request.user, pk)
    try:
        support.close_request(support_request=support_request)
    except CommunityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("La demande est clôturée."))
    return redirect("ambassadors:request_list", pk=support_request.organisation_id)
