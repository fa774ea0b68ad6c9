"""Community pages: directory and profiles, events, support requests, fiches pratiques, CRESS space.

Each view's docstring says who may see it; objects are fetched through querysets scoped to the
requester, so another person's object answers 404 like one that does not exist.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import security
from accounts.access import cress_admin_required, membership_for
from accounts.models import Organisation
from ambassadors import ratelimit
from ambassadors.filters import DirectoryFilter, EventFilter, ResourceFilter
from ambassadors.forms import (
    ApplicationForm,
    AttendanceForm,
    ChooseForm,
    ContactForm,
    DecisionForm,
    EventForm,
    ModerationForm,
    ResourceForm,
    RespondForm,
    SupportRequestForm,
    VisitorRegistrationForm,
)
from ambassadors.ics import events_calendar
from ambassadors.models import (
    Ambassador,
    Event,
    Registration,
    Resource,
    SupportRequest,
    VisitorLink,
)
from ambassadors.services import applications, contact, figures, support
from ambassadors.services import events as event_services
from ambassadors.services.shared import CommunityError
from common.text import render_markdown

PAGE_SIZE = 24
CONTACT_LIMIT_PER_HOUR = 5
CONTACT_LIMIT_PER_IP_PER_DAY = 30


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _own_profile(user) -> Ambassador | None:
    if not user.is_authenticated:
        return None
    return Ambassador.objects.filter(user=user).first()


# --- Directory and profiles -----------------------------------------------------------------------


def directory(request):
    """Everyone: validated ambassadors who chose a public profile."""
    filterset = DirectoryFilter(request.GET or None, queryset=Ambassador.objects.for_directory())
    page = _page(request, filterset.qs)
    template = "ambassadors/directory.html"
    if request.htmx:
        template += "#list"
    return TemplateResponse(
        request,
        template,
        {"filter": filterset, "page": page, "query": _query_without_page(request)},
    )


def ambassador_detail(request, pk):
    """Everyone: the public profile of a validated ambassador (never their e-mail address)."""
    ambassador = get_object_or_404(Ambassador.objects.for_directory(), pk=pk)
    events = list(
        Event.objects.visible_to(request.user)
        .upcoming()
        .not_cancelled()
        .filter(organiser_id=ambassador.user_id)[:5]
    )
    resources = list(
        Resource.objects.published().for_list().filter(author_id=ambassador.user_id)[:5]
    )
    return TemplateResponse(
        request,
        "ambassadors/ambassador_detail.html",
        {
            "ambassador": ambassador,
            "bio": render_markdown(ambassador.bio),
            "events": events,
            "resources": resources,
        },
    )


@login_required
def ambassador_contact(request, pk):
    """Logged-in people write to a listed ambassador through the platform (rate-limited)."""
    ambassador = get_object_or_404(Ambassador.objects.for_directory(), pk=pk)
    form = ContactForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        allowed = ratelimit.hit(
            f"contact:user:{request.user.pk}", limit=CONTACT_LIMIT_PER_HOUR, period=3600
        ) and ratelimit.hit(
            f"contact:ip:{ratelimit.client_ip(request)}",
            limit=CONTACT_LIMIT_PER_IP_PER_DAY,
            period=86400,
        )
        if allowed:
            contact.contact_ambassador(
                ambassador=ambassador, sender=request.user, message=form.cleaned_data["message"]
            )
            messages.success(
                request,
                _("Votre message est envoyé à %(name)s, qui vous répondra par e-mail.")
                % {"name": ambassador.public_name},
            )
            return redirect(ambassador.get_absolute_url())
        form.add_error(
            None,
            _(
                "Vous avez envoyé beaucoup de messages en peu de temps. Réessayez dans une heure : votre texte est conservé ci-dessous."
            ),
        )
        status = 429
    elif request.method == "POST":
        status = 400
    return TemplateResponse(
        request,
        "ambassadors/contact.html",
        {"ambassador": ambassador, "form": form},
        status=status,
    )


# --- Applications and own space -------------------------------------------------------------------


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
    return TemplateResponse(
        request,
        "ambassadors/application_form.html",
        {"form": form, "profile": profile},
        status=400 if form.errors else 200,
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


# --- Events ---------------------------------------------------------------------------------------


def events(request):
    """Everyone: public events; people with an account also see members-only events."""
    filterset = EventFilter(request.GET, queryset=Event.objects.visible_to(request.user).for_list())
    page = _page(request, filterset.qs)
    mine = {}
    if request.user.is_authenticated and page.object_list:
        mine = dict(
            Registration.objects.active()
            .filter(user=request.user, event__in=[e.pk for e in page.object_list])
            .values_list("event_id", "status")
        )
    for event in page.object_list:
        event.my_status = mine.get(event.pk, "")
    template = "ambassadors/events.html"
    if request.htmx:
        template += "#list"
    return TemplateResponse(
        request,
        template,
        {
            "filter": filterset,
            "page": page,
            "past": filterset.is_past,
            "query": _query_without_page(request),
            "can_organise": event_services.can_organise(request.user),
        },
    )


def events_feed(request):
    """Everyone: an iCal feed of public events (the last 30 days and everything to come)."""
    since = timezone.now() - timedelta(days=30)
    events_ = Event.objects.filter(audience=Event.Audience.PUBLIC, ends_at__gte=since).order_by(
        "starts_at"
    )[:500]
    response = HttpResponse(
        events_calendar(events_, name=_("Événements de la communauté")),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="agenda-communaute.ics"'
    return response


def _visible_event(request, pk) -> Event:
    return get_object_or_404(
        Event.objects.visible_to(request.user).select_related("organiser").with_counts(), pk=pk
    )


def _waitlist_position(registration: Registration | None) -> int | None:
    if registration is None or registration.status != Registration.Status.WAITLISTED:
        return None
    return (
        Registration.objects.filter(event_id=registration.event_id)
        .waitlisted()
        .filter(
            Q(queued_at__lt=registration.queued_at)
            | Q(queued_at=registration.queued_at, pk__lt=registration.pk)
        )
        .count()
        + 1
    )


def event_detail(request, pk):
    """Everyone for public events; people with an account for members-only events. Visitors
    without an account register to public events with their name and e-mail address."""
    event = _visible_event(request, pk)
    registration = None
    if request.user.is_authenticated:
        registration = Registration.objects.active().filter(event=event, user=request.user).first()
    is_organiser = request.user.is_authenticated and (
        event.organiser_id == request.user.pk or request.user.is_cress_admin
    )
    return TemplateResponse(
        request,
        "ambassadors/event_detail.html",
        {
            "event": event,
            "description": render_markdown(event.description),
            "registration": registration,
            "position": _waitlist_position(registration),
            "is_organiser": is_organiser,
            "seats_left": max(event.capacity - event.confirmed_count, 0),
            "visitor_form": (
                VisitorRegistrationForm()
                if not request.user.is_authenticated and event.audience == Event.Audience.PUBLIC
                else None
            ),
        },
    )


def event_ics(request, pk):
    """Same rule as the event page: an .ics file to import into a calendar."""
    event = _visible_event(request, pk)
    response = HttpResponse(
        events_calendar([event], name=event.title), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="evenement-{event.pk}.ics"'
    return response


@login_required
@require_POST
def event_register(request, pk):
    """Logged-in people who may see the event register; a full event puts them on the waiting list."""
    event = _visible_event(request, pk)
    try:
        registration = event_services.register(event_id=event.pk, user=request.user)
    except CommunityError as exc:
        messages.error(request, str(exc))
    else:
        if registration.status == Registration.Status.CONFIRMED:
            messages.success(request, _("Vous êtes inscrit·e. Un e-mail de confirmation arrive."))
        else:
            messages.warning(
                request,
                _(
                    "L'événement est complet : vous êtes sur la liste d'attente. Si une place se libère, vous serez inscrit·e automatiquement et prévenu·e par e-mail."
                ),
            )
    return redirect(event.get_absolute_url())


@login_required
@require_POST
def event_unregister(request, pk):
    """Logged-in people cancel their own registration."""
    event = _visible_event(request, pk)
    try:
        event_services.cancel_registration(event_id=event.pk, user=request.user)
    except CommunityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Votre inscription est annulée."))
    return redirect(event.get_absolute_url())


# --- Registration without an account --------------------------------------------------------------


def event_register_visitor(request, pk):
    """Visitors without an account, to public events: a name and an e-mail address, then a
    link to confirm (rate-limited per client address and per address written to). People
    logged in register in one click from the event page."""
    event = _visible_event(request, pk)
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
            "position": _waitlist_position(registration),
            "token": token,
            "error": error,
        },
        status=400 if error else 200,
    )


def _organised_event(request, pk) -> Event:
    """Events the requester organises (CRESS admins: all events)."""
    queryset = Event.objects.select_related("organiser")
    if not request.user.is_cress_admin:
        queryset = queryset.filter(organiser=request.user)
    return get_object_or_404(queryset, pk=pk)


@login_required
def event_create(request):
    """Validated ambassadors and CRESS admins."""
    if not event_services.can_organise(request.user):
        raise PermissionDenied
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        event = form.save(commit=False)
        event.organiser = request.user
        event_services.save_event(event=event)
        messages.success(request, _("L'événement est publié."))
        return redirect(event.get_absolute_url())
    return TemplateResponse(
        request,
        "ambassadors/event_form.html",
        {"form": form, "event": None},
        status=400 if form.errors else 200,
    )


@login_required
def event_edit(request, pk):
    """The event's organiser and CRESS admins."""
    event = _organised_event(request, pk)
    if event.is_cancelled:
        messages.error(request, _("Un événement annulé ne peut plus être modifié."))
        return redirect(event.get_absolute_url())
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        promoted = event_services.save_event(event=form.save(commit=False))
        messages.success(request, _("L'événement est enregistré."))
        if promoted:
            messages.info(
                request,
                ngettext(
                    "%(n)d personne de la liste d'attente a obtenu une place.",
                    "%(n)d personnes de la liste d'attente ont obtenu une place.",
                    len(promoted),
                )
                % {"n": len(promoted)},
            )
        return redirect(event.get_absolute_url())
    return TemplateResponse(
        request,
        "ambassadors/event_form.html",
        {"form": form, "event": event},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def event_cancel(request, pk):
    """The event's organiser and CRESS admins; registrants are told by e-mail."""
    event = _organised_event(request, pk)
    try:
        event_services.cancel_event(event=event)
    except CommunityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("L'événement est annulé ; les inscrit·es sont prévenu·es."))
    return redirect(event.get_absolute_url())


@login_required
def event_attendance(request, pk):
    """The event's organiser and CRESS admins: registrants, waiting list, attendance."""
    event = _organised_event(request, pk)
    registrations = list(
        event.registrations.active().select_related("user").order_by("status", "queued_at", "pk")
    )
    if request.method == "POST":
        if not event.is_past:
            messages.error(request, _("La présence se note une fois l'événement commencé."))
        else:
            form = AttendanceForm(request.POST)
            present = set(form.cleaned_data["present"]) if form.is_valid() else set()
            count = event_services.mark_attendance(event=event, present_ids=present)
            messages.success(
                request,
                ngettext(
                    "Présences enregistrées : %(n)d participant·e.",
                    "Présences enregistrées : %(n)d participant·es.",
                    count,
                )
                % {"n": count},
            )
        return redirect("ambassadors:event_attendance", pk=event.pk)
    return TemplateResponse(
        request,
        "ambassadors/event_attendance.html",
        {
            "event": event,
            "confirmed": [r for r in registrations if r.status == Registration.Status.CONFIRMED],
            "waitlisted": [r for r in registrations if r.status == Registration.Status.WAITLISTED],
        },
    )


# --- Support requests -----------------------------------------------------------------------------


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
    context = {"support_request": support_request, "is_member": is_member}
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


# --- Fiches pratiques -----------------------------------------------------------------------------


def resources(request):
    """Everyone: published fiches pratiques, searchable and filtered by dimension and tool."""
    filterset = ResourceFilter(
        request.GET or None, queryset=Resource.objects.published().for_list()
    )
    page = _page(request, filterset.qs)
    template = "ambassadors/resources.html"
    if request.htmx:
        template += "#list"
    return TemplateResponse(
        request,
        template,
        {
            "filter": filterset,
            "page": page,
            "query": _query_without_page(request),
            "can_share": event_services.can_organise(request.user),
        },
    )


def resource_detail(request, pk):
    """Everyone for published fiches; the author and CRESS admins before publication."""
    resource = get_object_or_404(
        Resource.objects.visible_to(request.user).select_related("author"), pk=pk
    )
    return TemplateResponse(
        request,
        "ambassadors/resource_detail.html",
        {"resource": resource, "body": render_markdown(resource.body)},
    )


def resource_pdf(request, pk):
    """Same rule as the fiche: its PDF, read from private storage."""
    resource = get_object_or_404(Resource.objects.visible_to(request.user), pk=pk)
    if not resource.pdf:
        raise Http404
    try:
        handle = resource.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{resource.slug_hint}.pdf",
        content_type="application/pdf",
    )


@login_required
def resource_create(request):
    """Validated ambassadors and CRESS admins share a fiche; CRESS admins review it."""
    if not event_services.can_organise(request.user):
        raise PermissionDenied
    form = ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        resource = contact.submit_resource(resource=form.save(commit=False), author=request.user)
        messages.success(
            request, _("Merci ! Votre fiche sera publiée après relecture par la CRESS.")
        )
        return redirect(resource.get_absolute_url())
    return TemplateResponse(
        request,
        "ambassadors/resource_form.html",
        {"form": form, "resource": None},
        status=400 if form.errors else 200,
    )


@login_required
def resource_edit(request, pk):
    """The fiche's author (sent back to review) and CRESS admins."""
    queryset = Resource.objects.all()
    if not request.user.is_cress_admin:
        queryset = queryset.filter(author=request.user)
    resource = get_object_or_404(queryset, pk=pk)
    form = ResourceForm(request.POST or None, request.FILES or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        resource = form.save(commit=False)
        if request.user.is_cress_admin:
            resource.save()
        else:
            contact.submit_resource(resource=resource, author=request.user)
        messages.success(request, _("La fiche est enregistrée."))
        return redirect(resource.get_absolute_url())
    return TemplateResponse(
        request,
        "ambassadors/resource_form.html",
        {"form": form, "resource": resource},
        status=400 if form.errors else 200,
    )


# --- CRESS space ----------------------------------------------------------------------------------


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
