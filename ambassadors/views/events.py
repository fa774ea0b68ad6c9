"""Events: lists, pages and calendars, registration with an account, the organiser's tools."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ambassadors.filters import EventFilter
from ambassadors.forms import AttendanceForm, EventForm, VisitorRegistrationForm
from ambassadors.ics import events_calendar
from ambassadors.models import Event, Registration
from ambassadors.services import events as event_services
from ambassadors.services.shared import CommunityError
from ambassadors.views.shared import paginate, query_without_page
from common.text import render_markdown
from common.views import form_page


def events(request):
    """Everyone: public events; people with an account also see members-only events."""
    filterset = EventFilter(request.GET, queryset=Event.objects.visible_to(request.user).for_list())
    page = paginate(request, filterset.qs)
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
            "query": query_without_page(request),
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


def visible_event(request, pk) -> Event:
    return get_object_or_404(
        Event.objects.visible_to(request.user).select_related("organiser").with_counts(), pk=pk
    )


def waitlist_position(registration: Registration | None) -> int | None:
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
    event = visible_event(request, pk)
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
            "position": waitlist_position(registration),
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
    event = visible_event(request, pk)
    response = HttpResponse(
        events_calendar([event], name=event.title), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="evenement-{event.pk}.ics"'
    return response


@login_required
@require_POST
def event_register(request, pk):
    """Logged-in people who may see the event register; a full event puts them on the waiting list."""
    event = visible_event(request, pk)
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
    event = visible_event(request, pk)
    try:
        event_services.cancel_registration(event_id=event.pk, user=request.user)
    except CommunityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Votre inscription est annulée."))
    return redirect(event.get_absolute_url())


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
    return form_page(request, "ambassadors/event_form.html", {"form": form, "event": None})


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
    return form_page(request, "ambassadors/event_form.html", {"form": form, "event": event})


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
