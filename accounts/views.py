"""Organisations, memberships, invitations, profile and the RGPD pages.

Each view says who may see it in its first lines: a decorator or a scoped lookup from accounts.access.
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import rgpd, security, services
from accounts.access import membership_for
from accounts.forms import (
    AccountDeleteForm,
    DecisionForm,
    InvitationForm,
    JoinRequestForm,
    OrganisationEraseForm,
    OrganisationForm,
    ProfileForm,
    RoleForm,
)
from accounts.middleware import CURRENT_ORGANISATION_KEY
from accounts.models import Invitation, JoinRequest, Membership, Organisation
from common.views import form_page


@login_required
def organisation_create(request):
    """Any logged-in person may register an organisation; they become its first admin. A page
    of this site that sent them here first (`next`, in the query string the form posts back
    to) gets them back."""
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.register_organisation(
            user=request.user, organisation=form.save(commit=False)
        )
        request.session[CURRENT_ORGANISATION_KEY] = organisation.pk
        messages.success(
            request,
            _("L'organisation « %(name)s » est inscrite. Vous en êtes administrateur·rice.")
            % {"name": organisation.name},
        )
        next_url = request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            # Not redirect(): a "next" without a slash would be taken for a view name.
            return HttpResponseRedirect(next_url)
        return redirect("organisation_detail", pk=organisation.pk)
    return TemplateResponse(
        request, "accounts/organisation_form.html", {"form": form, "creating": True}
    )


@login_required
def organisation_join_request(request, siren):
    """Any logged-in person who is not a member may ask an organisation's admins for access,
    from its SIREN (the registration form links here when the SIREN is already registered)."""
    organisation = get_object_or_404(Organisation, siren=siren)
    if Membership.objects.filter(
        user=request.user, organisation=organisation, is_active=True
    ).exists():
        return redirect("organisation_detail", pk=organisation.pk)
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_join(
                user=request.user, organisation=organisation, message=form.cleaned_data["message"]
            )
        except services.MembershipError as exc:
            messages.warning(request, str(exc))
        else:
            messages.success(
                request,
                _("Votre demande a été envoyée aux administrateur·rices de « %(name)s ».")
                % {"name": organisation.name},
            )
        return redirect("home")
    return TemplateResponse(
        request, "accounts/join_request_form.html", {"form": form, "organisation": organisation}
    )


@login_required
def organisation_detail(request, pk):
    """Members of the organisation."""
    membership = membership_for(request.user, pk)
    request.session[CURRENT_ORGANISATION_KEY] = membership.organisation_id
    return TemplateResponse(
        request,
        "accounts/organisation_detail.html",
        {"membership": membership, "organisation": membership.organisation},
    )


@login_required
def organisation_edit(request, pk):
    """Admins of the organisation. A page of this site that sent them here (`next`: the
    diagnostic's profile part, which shows the record) gets them back."""
    membership = membership_for(request.user, pk, admin=True)
    form = OrganisationForm(request.POST or None, instance=membership.organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Les informations de l'organisation sont enregistrées."))
        next_url = request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return HttpResponseRedirect(next_url)
        return redirect("organisation_detail", pk=pk)
    return TemplateResponse(
        request,
        "accounts/organisation_form.html",
        {"form": form, "creating": False, "organisation": membership.organisation},
    )


def _members_context(membership: Membership, invitation_form: InvitationForm) -> dict:
    """The members page: who is in; for admins also pending invitations and join requests."""
    organisation = membership.organisation
    context = {
        "membership": membership,
        "organisation": organisation,
        "memberships": Membership.objects.filter(organisation=organisation).for_members_page(),
        "invitation_form": invitation_form,
    }
    if membership.is_admin:
        context["invitations"] = organisation.invitations.pending().select_related("invited_by")
        context["join_requests"] = organisation.join_requests.filter(
            status=JoinRequest.Status.PENDING
        ).select_related("user")
    return context


@login_required
def organisation_members(request, pk):
    """Members see who is in the organisation; admins also manage members, invitations, requests."""
    membership = membership_for(request.user, pk)
    context = _members_context(membership, InvitationForm())
    return TemplateResponse(request, "accounts/organisation_members.html", context)


@login_required
@require_POST
def invitation_create(request, pk):
    """Admins of the organisation."""
    membership = membership_for(request.user, pk, admin=True)
    form = InvitationForm(request.POST)
    status = 400
    if form.is_valid() and not security.invitation_allowed(request, pk):
        form.add_error(None, security.invitation_limit_message())
        status = 429
    elif form.is_valid():
        try:
            services.invite(
                organisation=membership.organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
        except services.MembershipError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(
                request,
                _("Invitation envoyée à %(email)s (valable 7 jours).")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("organisation_members", pk=pk)
    return TemplateResponse(
        request,
        "accounts/organisation_members.html",
        _members_context(membership, form),
        status=status,
    )


@login_required
@require_POST
def invitation_revoke(request, pk, invitation_pk):
    """Admins of the organisation; the invitation must belong to it."""
    membership = membership_for(request.user, pk, admin=True)
    invitation = get_object_or_404(
        Invitation, pk=invitation_pk, organisation=membership.organisation
    )
    services.revoke_invitation(invitation=invitation)
    messages.success(
        request, _("L'invitation à %(email)s est annulée.") % {"email": invitation.email}
    )
    return redirect("organisation_members", pk=pk)


@login_required
@require_POST
def membership_role(request, pk, membership_pk):
    """Admins of the organisation change a member's role."""
    membership = membership_for(request.user, pk, admin=True)
    target = get_object_or_404(
        Membership.objects.select_related("user"),
        pk=membership_pk,
        organisation=membership.organisation,
    )
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ce rôle n'existe pas."))
    else:
        try:
            services.change_role(membership=target, role=form.cleaned_data["role"], by=request.user)
        except services.MembershipError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Le rôle de %(name)s est modifié.") % {"name": target.user.display_name}
            )
    return redirect("organisation_members", pk=pk)


@login_required
@require_POST
def membership_remove(request, pk, membership_pk):
    """Admins of the organisation remove a member (deactivated, kept for history)."""
    membership = membership_for(request.user, pk, admin=True)
    target = get_object_or_404(
        Membership.objects.select_related("user"),
        pk=membership_pk,
        organisation=membership.organisation,
    )
    try:
        services.deactivate_membership(membership=target, by=request.user)
    except services.MembershipError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(name)s ne fait plus partie de l'organisation.")
            % {"name": target.user.display_name},
        )
    return redirect("organisation_members", pk=pk)


@login_required
@require_POST
def organisation_leave(request, pk):
    """Members leave an organisation themselves."""
    membership = membership_for(request.user, pk)
    try:
        services.deactivate_membership(membership=membership, by=request.user)
    except services.MembershipError as exc:
        messages.error(request, str(exc))
        return redirect("organisation_members", pk=pk)
    request.session.pop(CURRENT_ORGANISATION_KEY, None)
    messages.success(
        request, _("Vous avez quitté « %(name)s ».") % {"name": membership.organisation.name}
    )
    return redirect("home")


@login_required
@require_POST
def join_request_decide(request, pk, request_pk):
    """Admins of the organisation accept or decline a request to join it."""
    membership = membership_for(request.user, pk, admin=True)
    join_request = get_object_or_404(
        JoinRequest, pk=request_pk, organisation=membership.organisation
    )
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide_join_request(
                join_request=join_request,
                accept=form.cleaned_data["decision"] == "accept",
                by=request.user,
            )
        except services.MembershipError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("La demande est traitée."))
    return redirect("organisation_members", pk=pk)


def invitation_accept(request, token):
    """Anyone holding the link sees the invitation; accepting needs the invited address's account."""
    invitation = Invitation.lookup(token)
    if invitation is None:
        return TemplateResponse(
            request,
            "accounts/invitation_invalid.html",
            {
                "reason": _(
                    "Ce lien d'invitation n'existe pas. Vérifiez que vous l'avez copié en entier."
                )
            },
            status=404,
        )
    if not invitation.is_usable:
        if invitation.accepted_at:
            reason = _("Cette invitation a déjà été utilisée.")
        elif invitation.revoked_at:
            reason = _("Cette invitation a été annulée ou remplacée par une plus récente.")
        else:
            reason = _(
                "Cette invitation a expiré. Demandez à un·e administrateur·rice de l'organisation de vous en envoyer une nouvelle."
            )
        return TemplateResponse(
            request,
            "accounts/invitation_invalid.html",
            {"reason": reason, "invitation": invitation},
            status=410,
        )
    error = None
    if request.method == "POST" and request.user.is_authenticated:
        try:
            membership = services.accept_invitation(invitation=invitation, user=request.user)
        except services.MembershipError as exc:
            error = str(exc)
        else:
            request.session[CURRENT_ORGANISATION_KEY] = membership.organisation_id
            messages.success(
                request, _("Bienvenue dans « %(name)s » !") % {"name": invitation.organisation.name}
            )
            return redirect("organisation_detail", pk=membership.organisation_id)
    return TemplateResponse(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_POST
def switch_organisation(request):
    """Logged-in people switch among their own organisations only."""
    organisation_id = request.POST.get("organisation", "")
    # isascii: "²" is a digit to Python; 18 digits: beyond, no id exists (and the database
    # would overflow).
    if not (organisation_id.isascii() and organisation_id.isdigit()) or len(organisation_id) > 18:
        messages.error(request, _("Choisissez une de vos organisations."))
        return redirect("home")
    membership = membership_for(request.user, int(organisation_id))
    request.session[CURRENT_ORGANISATION_KEY] = membership.organisation_id
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        # Not redirect(): a "next" without a slash would be taken for a view name.
        return HttpResponseRedirect(next_url)
    return redirect("organisation_detail", pk=membership.organisation_id)


@login_required
def profile(request):
    """The logged-in person's own profile."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Votre profil est enregistré."))
        return redirect("profile")
    # The advisers app's profile, read through the reverse relation (the authentication
    # backend loads it with the user): accounts sits below that app and never imports it.
    adviser_profile = getattr(request.user, "adviser_profile", None)
    return TemplateResponse(
        request, "accounts/profile.html", {"form": form, "adviser_profile": adviser_profile}
    )


# --- RGPD: export and erasure -------------------------------------------------------------------


def _zip_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def organisation_export(request, pk):
    """Admins of the organisation download all its data (zip of JSON and CSV)."""
    membership = membership_for(request.user, pk, admin=True)
    stamp = timezone.localdate().isoformat()
    return _zip_response(
        rgpd.export_organisation(membership.organisation),
        f"boussole-organisation-{membership.organisation.pk}-{stamp}.zip",
    )


@login_required
def organisation_erase(request, pk):
    """Admins of the organisation erase it, after typing its name."""
    membership = membership_for(request.user, pk, admin=True)
    organisation = membership.organisation
    form = OrganisationEraseForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        name = organisation.name
        rgpd.erase_organisation(organisation)
        request.session.pop(CURRENT_ORGANISATION_KEY, None)
        messages.success(
            request,
            _("L'organisation « %(name)s » et toutes ses données ont été supprimées.")
            % {"name": name},
        )
        return redirect("home")
    return form_page(
        request,
        "accounts/organisation_erase.html",
        {"organisation": organisation, "form": form, "membership": membership},
    )


@login_required
def account_export(request):
    """The logged-in person downloads their own data (zip of JSON and CSV)."""
    stamp = timezone.localdate().isoformat()
    return _zip_response(rgpd.export_account(request.user), f"boussole-mon-compte-{stamp}.zip")


@login_required
def account_delete(request):
    """The logged-in person deletes their own account, after typing their password."""
    blockers = rgpd.deletion_blockers(request.user)
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and not blockers and form.is_valid():
        try:
            rgpd.delete_account(request.user)
        except rgpd.RgpdError as exc:
            form.add_error(None, str(exc))
        else:
            logout(request)
            messages.success(request, _("Votre compte et vos données ont été supprimés."))
            return redirect("home")
    return TemplateResponse(
        request,
        "accounts/account_delete.html",
        {
            "form": form,
            "blockers": blockers,
            "erased_organisations": rgpd.sole_member_organisations(request.user),
        },
        status=400 if (form.errors or (request.method == "POST" and blockers)) else 200,
    )
