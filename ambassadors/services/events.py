"""Events: who may organise, what is coming, registrations, places, the waiting list and
visitors without an account, attendance and reminders."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import territories
from accounts.mail import send_after_commit
from accounts.models import User
from ambassadors.models import Event, Registration, VisitorLink
from ambassadors.services.shared import CommunityError, absolute_url

# A visitor without an account confirms their registration within this delay (or before the
# event starts, if sooner); until then nothing is held.
VISITOR_CONFIRMATION_HOURS = 48
# Visitors' names and addresses are removed this many days after their event has ended; the
# registrations stay, anonymous, in the attendance figures.
VISITOR_RETENTION_DAYS = 30


def can_organise(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_cress_admin:
        return True
    profile = getattr(user, "ambassador_profile", None)
    return bool(profile and profile.is_active)


def next_events(user, limit: int = 3) -> list[Event]:
    """The next events the person may see, soonest first (the home page): one query."""
    events = Event.objects.visible_to(user).upcoming().not_cancelled()
    shown = ("pk", "title", "kind", "starts_at", "ends_at", "location", "departement", "audience")
    return list(events.only(*shown)[:limit])


def upcoming_near(user, departements, limit: int = 3) -> list[Event]:
    """The next events the person may see in these départements or beside them (a member's
    home page: their organisations' départements), soonest first: one query."""
    codes = set(departements)
    for code in list(codes):
        codes.update(territories.neighbours(code))
    if not codes:
        return []
    events = Event.objects.visible_to(user).upcoming().not_cancelled()
    shown = ("pk", "title", "kind", "starts_at", "ends_at", "location", "departement", "audience")
    return list(events.filter(departement__in=sorted(codes)).only(*shown)[:limit])


def _event_context(event: Event) -> dict:
    return {"event": event, "url": absolute_url(event.get_absolute_url())}


def _visitor_urls(registration: Registration) -> dict:
    """A new personal link, for one e-mail to a visitor: to confirm, and to see or cancel."""
    token = VisitorLink.new(registration)
    return {
        "confirm_url": absolute_url(reverse("ambassadors:visitor_confirm", args=[token])),
        "manage_url": absolute_url(reverse("ambassadors:visitor_registration", args=[token])),
    }


def _registration_context(registration: Registration) -> dict:
    """Every registration e-mail: the event and, for a visitor, their own link to cancel
    (account holders cancel from the event page)."""
    manage_url = _visitor_urls(registration)["manage_url"] if registration.is_visitor else ""
    return {**_event_context(registration.event), "manage_url": manage_url}


def _mail_registration(registration: Registration, *, subject: str, template: str) -> None:
    send_after_commit(
        to=[registration.recipient],
        subject=subject,
        template=f"ambassadors/email/{template}.txt",
        context=_registration_context(registration),
    )


def _check_open(event: Event, now) -> None:
    if event.is_cancelled:
        raise CommunityError(_("Cet événement est annulé : les inscriptions sont fermées."))
    if event.starts_at <= now:
        raise CommunityError(_("Cet événement a déjà eu lieu : les inscriptions sont fermées."))


def _hold_a_place(event: Event, registration: Registration, now) -> None:
    """A place if one is left, else the back of the waiting list; told by e-mail."""
    full = event.registrations.confirmed().count() >= event.capacity
    registration.status = Registration.Status.WAITLISTED if full else Registration.Status.CONFIRMED
    registration.queued_at = now
    registration.expires_at = None
    registration.confirmed_at = None if full else now
    registration.cancelled_at = None
    registration.attended = None
    registration.reminder_sent_at = None
    registration.save()
    _mail_registration(
        registration,
        subject=(
            _("Liste d'attente : %s") % event.title
            if full
            else _("Inscription confirmée : %s") % event.title
        ),
        template="registration_waitlisted" if full else "registration_confirmed",
    )


def register(*, event_id: int, user: User) -> Registration:
    """A place if one is left, else the waiting list. The event row is locked, so simultaneous
    registrations are served one after the other and capacity is never exceeded."""
    now = timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event_id)
        _check_open(event, now)
        registration = Registration.objects.filter(event=event, user=user).first()
        if registration and registration.status == Registration.Status.CONFIRMED:
            raise CommunityError(_("Vous êtes déjà inscrit·e à cet événement."))
        if registration and registration.status == Registration.Status.WAITLISTED:
            raise CommunityError(_("Vous êtes déjà sur la liste d'attente de cet événement."))
        registration = registration or Registration(event=event, user=user)
        registration.user = user
        _hold_a_place(event, registration, now)
    return registration


def register_visitor(*, event_id: int, name: str, email: str) -> None:
    """A visitor without an account asks for a place: nothing is held until they confirm
    through the link e-mailed to them. Whatever the address, an e-mail goes to it and the page
    says so, so that nobody learns from the page who is registered: an address already
    registered receives its own link again instead of a second registration."""
    email = email.strip().lower()
    now = timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event_id)
        _check_open(event, now)
        if event.audience != Event.Audience.PUBLIC:
            raise CommunityError(_("Cet événement est réservé aux personnes qui ont un compte."))
        registration = Registration.objects.filter(event=event, user=None, email=email).first()
        if registration and registration.status in {
            Registration.Status.CONFIRMED,
            Registration.Status.WAITLISTED,
        }:
            send_after_commit(
                to=[email],
                subject=_("Vous êtes déjà inscrit·e : %s") % event.title,
                template="ambassadors/email/visitor_already_registered.txt",
                context={
                    **_registration_context(registration),
                    "registration": registration,
                    "with_account": False,
                },
            )
            return
        if Registration.objects.active().filter(event=event, user__email__iexact=email).exists():
            send_after_commit(
                to=[email],
                subject=_("Vous êtes déjà inscrit·e : %s") % event.title,
                template="ambassadors/email/visitor_already_registered.txt",
                context={
                    **_event_context(event),
                    "manage_url": "",
                    "registration": None,
                    "with_account": True,
                },
            )
            return
        # A first request, or one asked again (a lost e-mail, an expired or cancelled one).
        registration = registration or Registration(event=event, email=email)
        registration.name = name.strip()
        registration.status = Registration.Status.PENDING
        registration.expires_at = min(
            now + timedelta(hours=VISITOR_CONFIRMATION_HOURS), event.starts_at
        )
        registration.queued_at = now
        registration.confirmed_at = None
        registration.cancelled_at = None
        registration.attended = None
        registration.reminder_sent_at = None
        registration.save()
        send_after_commit(
            to=[email],
            subject=_("Confirmez votre inscription : %s") % event.title,
            template="ambassadors/email/visitor_confirm.txt",
            context={
                **_event_context(event),
                **_visitor_urls(registration),
                "registration": registration,
            },
        )


def confirm_visitor(*, registration_id: int) -> Registration:
    """The visitor opened their link and confirmed: a place, or the waiting list, as for
    anyone, queued from now. Confirming again changes nothing."""
    now = timezone.now()
    with transaction.atomic():
        event_id = Registration.objects.values_list("event_id", flat=True).get(pk=registration_id)
        event = Event.objects.select_for_update().get(pk=event_id)
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        registration.event = event
        if registration.status in {
            Registration.Status.CONFIRMED,
            Registration.Status.WAITLISTED,
        }:
            return registration
        if registration.status == Registration.Status.CANCELLED:
            raise CommunityError(
                _("Cette inscription a été annulée. Pour venir, inscrivez-vous à nouveau.")
            )
        _check_open(event, now)
        if registration.expires_at <= now:
            raise CommunityError(
                _(
                    "Le délai pour confirmer est passé : rien n'a été réservé. Inscrivez-vous à nouveau depuis la page de l'événement."
                )
            )
        _hold_a_place(event, registration, now)
    return registration


def _fill_from_waitlist(event: Event) -> list[Registration]:
    """Promote waiting people, first come first served, while places are free. Event row locked."""
    free = event.capacity - event.registrations.confirmed().count()
    if free <= 0 or event.is_cancelled or event.is_past:
        return []
    promoted = list(
        Registration.objects.select_for_update(of=("self",))
        .filter(event=event)
        .waitlisted()
        .select_related("user")[:free]
    )
    now = timezone.now()
    for registration in promoted:
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at"])
        registration.event = event
        _mail_registration(
            registration,
            subject=_("Une place s'est libérée : %s") % event.title,
            template="registration_promoted",
        )
    return promoted


def _cancel(event: Event, registration: Registration) -> list[Registration]:
    if event.is_past:
        raise CommunityError(_("Cet événement a déjà eu lieu."))
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    return _fill_from_waitlist(event)


def cancel_registration(*, event_id: int, user: User) -> list[Registration]:
    """Cancel one's own registration; a freed place goes to the first person waiting."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event_id)
        registration = (
            Registration.objects.select_for_update().filter(event=event, user=user).active().first()
        )
        if registration is None:
            raise CommunityError(_("Vous n'êtes pas inscrit·e à cet événement."))
        return _cancel(event, registration)


def cancel_visitor(*, registration_id: int) -> list[Registration]:
    """A visitor cancels through their link (a request not yet confirmed too); a freed place
    goes to the first person waiting."""
    with transaction.atomic():
        event_id = Registration.objects.values_list("event_id", flat=True).get(pk=registration_id)
        event = Event.objects.select_for_update().get(pk=event_id)
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        if registration.status == Registration.Status.CANCELLED:
            raise CommunityError(_("Cette inscription est déjà annulée."))
        return _cancel(event, registration)


def save_event(*, event: Event) -> list[Registration]:
    """Create or update an event; a raised capacity promotes people from the waiting list."""
    with transaction.atomic():
        if event.pk:
            Event.objects.select_for_update().filter(pk=event.pk).first()
        event.save()
        return _fill_from_waitlist(event) if event.pk else []


def cancel_event(*, event: Event) -> int:
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.is_cancelled:
            raise CommunityError(_("Cet événement est déjà annulé."))
        event.cancelled_at = timezone.now()
        event.save(update_fields=["cancelled_at"])
        registrations = list(event.registrations.active().select_related("user").order_by("pk"))
        # One e-mail each: registrants never see each other's addresses.
        for registration in registrations:
            registration.event = event
            _mail_registration(
                registration,
                subject=_("Événement annulé : %s") % event.title,
                template="event_cancelled",
            )
        return len(registrations)


@transaction.atomic
def mark_attendance(*, event: Event, present_ids: set[int]) -> int:
    """The organiser ticks who came; confirmed registrations not ticked are marked absent."""
    confirmed = event.registrations.confirmed()
    confirmed.filter(pk__in=present_ids).update(attended=True)
    confirmed.exclude(pk__in=present_ids).update(attended=False)
    return confirmed.filter(attended=True).count()


def send_event_reminders(*, now=None) -> int:
    """E-mail everyone with a place at an event that starts tomorrow (Paris time). Each
    registration is claimed before its e-mail leaves, so a rerun sends nothing twice."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    tz = timezone.get_current_timezone()
    start = datetime.combine(tomorrow, time.min, tzinfo=tz)
    end = datetime.combine(tomorrow + timedelta(days=1), time.min, tzinfo=tz)
    due = (
        Registration.objects.confirmed()
        .filter(
            event__starts_at__gte=start,
            event__starts_at__lt=end,
            event__cancelled_at__isnull=True,
            reminder_sent_at__isnull=True,
        )
        .select_related("event", "user")
        .order_by("pk")
    )
    sent = 0
    for registration in due:
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if claimed:
                _mail_registration(
                    registration,
                    subject=_("Rappel : %s demain") % registration.event.title,
                    template="event_reminder",
                )
                sent += 1
    return sent


def purge_visitor_registrations(*, now=None) -> dict[str, int]:
    """Visitors' personal data kept no longer than needed: a registration never confirmed is
    deleted once its deadline has passed; VISITOR_RETENTION_DAYS after an event has ended, its
    visitors' names and addresses are removed, with their links (the rows stay, anonymous, in
    the attendance figures). Idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        _total, deleted = Registration.objects.filter(
            user=None, status=Registration.Status.PENDING, expires_at__lte=now
        ).delete()
        ended = Registration.objects.filter(
            user=None,
            anonymised_at=None,
            event__ends_at__lte=now - timedelta(days=VISITOR_RETENTION_DAYS),
        )
        VisitorLink.objects.filter(registration__in=ended).delete()
        anonymised = ended.update(name="", email="", anonymised_at=now)
    return {"expired": deleted.get(Registration._meta.label, 0), "anonymised": anonymised}
