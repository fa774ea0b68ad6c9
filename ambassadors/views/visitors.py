"""Registration without an account: a visitor's request and their personal link."""

from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from accounts import security
from ambassadors.forms import VisitorRegistrationForm
from ambassadors.models import Event, Registration, VisitorLink
from ambassadors.services import events as event_services
from ambassadors.services.shared import CommunityError
from ambassadors.views.events import visible_event, waitlist_position


def event_register_visitor(request, pk):
    """Visitors without an account, to public events: a name and an e-mail address, then a
    link to confirm (rate-limited per client address and per address written to). People
    logged in register in one click from the event page."""
    event = visible_event(request, pk)
    if request.user.is_authenticated:
        return redirect(event.get_absolute_url())
    form = VisitorRegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            email = form.cleaned_data["email"]
            if not security.email_action_allowed(request, "event_visitor", email):
                form.add_error(
                    None,
                    _(
                        "Beaucoup d'inscriptions ont été demandées depuis votre connexion ou pour cette adresse e-mail en peu de temps. Réessayez dans une heure : votre saisie est conservée."
                    ),
                )
                status = 429
            else:
                try:
                    event_services.register_visitor(
                        event_id=event.pk, name=form.cleaned_data["name"], email=email
                    )
                except CommunityError as exc:
                    form.add_error(None, str(exc))
                else:
                    response = TemplateResponse(
                        request,
                        "ambassadors/visitor_request_sent.html",
                        {
                            "event": event,
                            "email": email,
                            "hours": event_services.VISITOR_CONFIRMATION_HOURS,
                        },
                    )
                    add_never_cache_headers(response)  # it shows the address
                    return response
    return TemplateResponse(
        request,
        "ambassadors/visitor_register.html",
        {
            "event": event,
            "form": form,
            "seats_left": max(event.capacity - event.confirmed_count, 0),
        },
        status=status,
    )


def _invalid_link(request, reason: str, *, event: Event | None = None, status: int = 410):
    return TemplateResponse(
        request,
        "ambassadors/visitor_link_invalid.html",
        {"reason": reason, "event": event},
        status=status,
    )


def _unknown_link(request):
    return _invalid_link(
        request,
        _(
            "Ce lien n'existe pas, ou plus : les inscriptions sans compte sont effacées un mois après l'événement. Vérifiez que vous l'avez copié en entier."
        ),
        status=404,
    )


def visitor_confirm(request, token):
    """Anyone holding a visitor's personal link (e-mailed to them): confirms the registration
    with a button, since mail scanners open links and must not confirm for them."""
    registration = VisitorLink.registration_for(token)
    if registration is None:
        return _unknown_link(request)
    event = registration.event
    if request.method == "POST":
        try:
            event_services.confirm_visitor(registration_id=registration.pk)
        except CommunityError as exc:
            return _invalid_link(request, str(exc), event=event)
        return redirect("ambassadors:visitor_registration", token=token)
    if registration.status != Registration.Status.PENDING:
        return redirect("ambassadors:visitor_registration", token=token)
    if event.is_cancelled or event.is_past:
        return _invalid_link(
            request, _("Les inscriptions à cet événement sont fermées."), event=event
        )
    if registration.is_confirmation_expired:
        return _invalid_link(
            request,
            _(
                "Le délai pour confirmer est passé : rien n'a été réservé. Inscrivez-vous à nouveau depuis la page de l'événement."
            ),
            event=event,
        )
    return TemplateResponse(
        request,
        "ambassadors/visitor_confirm.html",
        {"event": event, "registration": registration, "token": token},
    )


def visitor_registration(request, token):
    """Anyone holding a visitor's personal link: the registration's state (the online link
    once a place is held) and a button to cancel it."""
    registration = VisitorLink.registration_for(token)
    if registration is None:
        return _unknown_link(request)
    event = registration.event
    error = None
    if request.method == "POST":
        try:
            event_services.cancel_visitor(registration_id=registration.pk)
        except CommunityError as exc:
            error = str(exc)
        else:
            return redirect("ambassadors:visitor_registration", token=token)
    return TemplateResponse(
        request,
        "ambassadors/visitor_registration.html",
        {
            "event": event,
            "registration": registration,
            "position": waitlist_position(registration),
            "token": token,
            "error": error,
        },
        status=400 if error else 200,
    )
