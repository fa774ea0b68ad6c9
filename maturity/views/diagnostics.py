"""An organisation's diagnostics: starting one, following it, inviting members and guests
(guests' personal links). Each view says who may see it; lookups go through maturity.access."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import membership_for
from accounts.security import invitation_allowed, invitation_limit_message
from maturity import hooks, qr, services
from maturity.access import GUEST_SESSION_KEY, diagnostic_for_member
from maturity.forms import GuestInviteForm, MemberInviteForm
from maturity.models import Diagnostic, Respondent
from maturity.structure import structure_for


@login_required
def organisation_diagnostics(request, org_pk):
    """Members of the organisation: its diagnostics, past and in progress."""
    membership = membership_for(request.user, org_pk)
    diagnostics = (
        Diagnostic.objects.filter(organisation=membership.organisation)
        .select_related("questionnaire", "snapshot")
        .prefetch_related(
            Prefetch("respondents", queryset=Respondent.objects.select_related("user"))
        )
    )
    return TemplateResponse(
        request,
        "maturity/organisation_diagnostics.html",
        {
            "membership": membership,
            "organisation": membership.organisation,
            "diagnostics": diagnostics,
        },
    )


@login_required
@require_POST
def diagnostic_start(request, org_pk):
    """Members of the organisation start a diagnostic (or join the one in progress)."""
    membership = membership_for(request.user, org_pk)
    try:
        _diagnostic, respondent = services.start_diagnostic(
            organisation=membership.organisation, user=request.user
        )
    except services.DiagnosticError as exc:
        messages.error(request, str(exc))
        return redirect("maturity:organisation_diagnostics", org_pk=org_pk)
    return redirect("maturity:respondent_home", pk=respondent.pk)


@login_required
def diagnostic_detail(request, pk):
    """Members of the organisation: who answers, progress; admins invite and complete."""
    diagnostic = diagnostic_for_member(request.user, pk)
    membership = membership_for(request.user, diagnostic.organisation_id)
    respondents = list(diagnostic.respondents.select_related("user").prefetch_related("answers"))
    structure = structure_for(diagnostic.questionnaire)
    rows = []
    for respondent in respondents:
        answers = {a.question_id: a for a in respondent.answers.all()}
        rows.append(
            (respondent, services.overall_progress(services.section_progress(structure, answers)))
        )
    context = {
        "diagnostic": diagnostic,
        "membership": membership,
        "rows": rows,
        "my_respondent": next((r for r in respondents if r.user_id == request.user.pk), None),
        # Pages of higher apps about this diagnostic (a workshop with the team).
        "extra_links": hooks.diagnostic_links(diagnostic, membership),
    }
    if membership.is_admin and not diagnostic.is_completed:
        context["member_form"] = MemberInviteForm(
            organisation=diagnostic.organisation,
            exclude_users=[r.user_id for r in respondents if r.user_id],
        )
        context["guest_form"] = GuestInviteForm()
    return TemplateResponse(request, "maturity/diagnostic_detail.html", context)


@login_required
@require_POST
def invite_member(request, pk):
    """Admins of the organisation ask a member to answer too."""
    diagnostic = diagnostic_for_member(request.user, pk, admin=True)
    form = MemberInviteForm(request.POST, organisation=diagnostic.organisation)
    if form.is_valid():
        try:
            services.add_member_respondent(
                diagnostic=diagnostic, membership=form.cleaned_data["membership"], by=request.user
            )
        except services.DiagnosticError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("La personne est invitée à répondre."))
    else:
        messages.error(request, _("Choisissez un·e membre de l'organisation."))
    return redirect("maturity:diagnostic_detail", pk=pk)


# Guests' links just made, kept in the session of the admin who made them so that the page
# after can show them to copy: only their hash is stored, the clear link exists nowhere else.
FRESH_GUEST_LINKS_KEY = "fresh_guest_links"
FRESH_GUEST_LINKS_KEPT = 20


def _keep_guest_link(request, respondent_pk: int, url: str) -> None:
    links = {k: v for k, v in request.session.get(FRESH_GUEST_LINKS_KEY, {}).items()}
    links.pop(str(respondent_pk), None)
    links[str(respondent_pk)] = url
    request.session[FRESH_GUEST_LINKS_KEY] = dict(list(links.items())[-FRESH_GUEST_LINKS_KEPT:])


def _forget_guest_link(request, respondent_pk: int) -> None:
    links = request.session.get(FRESH_GUEST_LINKS_KEY, {})
    if str(respondent_pk) in links:
        request.session[FRESH_GUEST_LINKS_KEY] = {
            k: v for k, v in links.items() if k != str(respondent_pk)
        }


def _guest_of(diagnostic, respondent_pk: int) -> Respondent:
    return get_object_or_404(Respondent, pk=respondent_pk, diagnostic=diagnostic, user__isnull=True)


@login_required
@require_POST
def invite_guest(request, pk):
    """Admins of the organisation invite a guest (board member, volunteer) by a personal link,
    e-mailed to them or passed on by the admin: the next page shows it to copy."""
    diagnostic = diagnostic_for_member(request.user, pk, admin=True)
    form = GuestInviteForm(request.POST)
    if form.is_valid() and not invitation_allowed(request, diagnostic.organisation_id):
        form.add_error(None, invitation_limit_message())
    elif form.is_valid():
        try:
            respondent, url = services.invite_guest(
                diagnostic=diagnostic, by=request.user, **form.cleaned_data
            )
        except services.DiagnosticError as exc:
            messages.error(request, str(exc))
        else:
            _keep_guest_link(request, respondent.pk, url)
            if respondent.email:
                messages.success(
                    request,
                    _("Un lien personnel a été envoyé à %(email)s.") % {"email": respondent.email},
                )
            else:
                messages.success(
                    request,
                    _("Le lien personnel de %(name)s est prêt : transmettez-le-lui.")
                    % {"name": respondent.display_name},
                )
            return redirect("maturity:guest_link", pk=pk, respondent_pk=respondent.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("maturity:diagnostic_detail", pk=pk)


@login_required
def guest_link(request, pk, respondent_pk):
    """Admins of the organisation: a guest's link to copy and its QR code, while the session
    of the admin who made it lasts; after that, a new link can be made."""
    diagnostic = diagnostic_for_member(request.user, pk, admin=True)
    respondent = _guest_of(diagnostic, respondent_pk)
    url = request.session.get(FRESH_GUEST_LINKS_KEY, {}).get(str(respondent.pk))
    live = respondent.guest_link_is_live and not diagnostic.is_completed
    context = {"diagnostic": diagnostic, "respondent": respondent, "live": live, "url": None}
    if url and live:
        context["url"] = url
        context["qr"] = qr.svg(
            url,
            title=_("QR code du lien personnel de %(name)s") % {"name": respondent.display_name},
        )
    return TemplateResponse(request, "maturity/guest_link.html", context)


@login_required
@require_POST
def renew_guest_link(request, pk, respondent_pk):
    """Admins of the organisation make a new link for a guest; the former one stops working."""
    diagnostic = diagnostic_for_member(request.user, pk, admin=True)
    respondent = _guest_of(diagnostic, respondent_pk)
    if not invitation_allowed(request, diagnostic.organisation_id):
        messages.error(request, invitation_limit_message())
        return redirect("maturity:guest_link", pk=pk, respondent_pk=respondent.pk)
    try:
        url = services.renew_guest_link(respondent, by=request.user)
    except services.DiagnosticError as exc:
        messages.error(request, str(exc))
    else:
        _keep_guest_link(request, respondent.pk, url)
        messages.success(request, _("Un nouveau lien est prêt : l’ancien ne fonctionne plus."))
    return redirect("maturity:guest_link", pk=pk, respondent_pk=respondent.pk)


@login_required
@require_POST
def revoke_guest(request, pk, respondent_pk):
    """Admins of the organisation revoke a guest's link at once."""
    diagnostic = diagnostic_for_member(request.user, pk, admin=True)
    respondent = _guest_of(diagnostic, respondent_pk)
    services.revoke_guest(respondent)
    _forget_guest_link(request, respondent.pk)
    messages.success(
        request, _("Le lien de %(name)s ne fonctionne plus.") % {"name": respondent.display_name}
    )
    return redirect("maturity:diagnostic_detail", pk=pk)


def guest_entry(request, token):
    """Anyone holding a live guest link: it opens this diagnostic only, for this respondent."""
    respondent = Respondent.for_token(token)
    if respondent is None:
        return TemplateResponse(
            request,
            "maturity/guest_invalid.html",
            {"reason": _("Ce lien n'existe pas. Vérifiez que vous l'avez copié en entier.")},
            status=404,
        )
    if not respondent.guest_link_is_live or respondent.diagnostic.is_completed:
        reason = (
            _("Ce diagnostic est terminé : merci pour votre participation.")
            if respondent.diagnostic.is_completed
            else _(
                "Ce lien a expiré ou a été désactivé. Demandez un nouveau lien à l'organisation."
            )
        )
        return TemplateResponse(
            request, "maturity/guest_invalid.html", {"reason": reason}, status=410
        )
    guests = set(request.session.get(GUEST_SESSION_KEY, []))
    guests.add(respondent.pk)
    request.session[GUEST_SESSION_KEY] = sorted(guests)
    return redirect("maturity:welcome", pk=respondent.pk)
