"""Community work that spans models or has side effects. Each change is atomic; e-mails leave
after the commit, through the e-mail task, so a rollback never sends a stray message.

Functions for other apps: `weakest_dimensions` (seam to the diagnostic), `ambassadors_near_each`
(roadmap actions).
"""

from datetime import datetime, time, timedelta
from statistics import median

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import territories
from accounts.mail import send_after_commit
from accounts.models import Organisation, User
from ambassadors.matching import rank_ambassadors
from ambassadors.models import (
    Ambassador,
    Dimension,
    Event,
    Registration,
    Resource,
    SupportRequest,
    VisitorLink,
)
from ambassadors.querysets import json_has

# A request nobody answered after this many days is brought to the CRESS admins' attention.
ESCALATION_DAYS = 5
# Ambassadors are reminded this many days before their validation expires.
RENEWAL_NOTICE_DAYS = 30


class CommunityError(Exception):
    """A community rule was broken; the message is for the user."""


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _cress_admin_emails() -> list[str]:
    return list(
        User.objects.filter(is_cress_admin=True, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
    )


# --- Seams for other apps -------------------------------------------------------------------------


def weakest_dimensions(organisation: Organisation) -> list[str]:
    """Dimension codes of the organisation's latest completed diagnostic, weakest first
    (the diagnostic's "priorities"), or [] before any diagnostic is completed."""
    from maturity.models import ResultSnapshot

    snapshot = (
        ResultSnapshot.objects.filter(
            diagnostic__organisation=organisation, diagnostic__status="completed"
        )
        .order_by("-diagnostic__completed_at")
        .only("data")
        .first()
    )
    if snapshot is None:
        return []
    scored = [d for d in snapshot.data.get("dimensions", []) if d.get("score") is not None]
    return [d["code"] for d in sorted(scored, key=lambda d: (d["score"], d["code"]))][:3]


def ambassadors_near_each(
    organisation: Organisation, dimension_codes: list[str], limit: int = 3
) -> dict[str, list[Ambassador]]:
    """Listed ambassadors with expertise on each dimension (a roadmap's actions), those covering
    the organisation's département first, then its région. One query for all of them."""
    codes = sorted(set(dimension_codes))
    if not codes:
        return {}
    any_dimension = Q()
    for code in codes:
        any_dimension |= json_has("expertise_dimensions", code)
    candidates = list(
        Ambassador.objects.listed()
        .filter(any_dimension)
        .filter(
            json_has("departements", organisation.departement)
            | json_has("regions", organisation.region or "-")
        )
        .only(
            "pk",
            "public_name",
            "departements",
            "regions",
            "expertise_dimensions",
            "expertise_tools",
            "status",
            "valid_until",
        )
    )
    near = {}
    for code in codes:
        ranked = rank_ambassadors(
            [a for a in candidates if code in (a.expertise_dimensions or [])],
            departement=organisation.departement,
            region=organisation.region,
            weak_dimensions=[],
            topics=[code],
        )
        near[code] = [ambassador for ambassador, _score, _reasons in ranked[:limit]]
    return near


# --- Applications ---------------------------------------------------------------------------------


@transaction.atomic
def submit_application(*, ambassador: Ambassador) -> Ambassador:
    """A new application, or a refused/withdrawn one sent again: pending, CRESS admins told."""
    ambassador.status = Ambassador.Status.PENDING
    ambassador.applied_at = timezone.now()
    ambassador.valid_until = None
    ambassador.save()
    send_after_commit(
        to=_cress_admin_emails(),
        subject=_("Nouvelle candidature d'ambassadeur·rice : %s") % ambassador.public_name,
        template="ambassadors/email/application_received.txt",
        context={"ambassador": ambassador, "url": _absolute(reverse("ambassadors:cress"))},
    )
    return ambassador


@transaction.atomic
def request_renewal(*, ambassador: Ambassador) -> Ambassador:
    if ambassador.status != Ambassador.Status.APPROVED:
        raise CommunityError(_("Seul un profil validé peut être renouvelé."))
    if ambassador.renewal_requested_at:
        raise CommunityError(_("Votre demande de renouvellement est déjà enregistrée."))
    ambassador.renewal_requested_at = timezone.now()
    ambassador.save(update_fields=["renewal_requested_at"])
    send_after_commit(
        to=_cress_admin_emails(),
        subject=_("Renouvellement d'ambassadeur·rice à valider : %s") % ambassador.public_name,
        template="ambassadors/email/application_received.txt",
        context={
            "ambassador": ambassador,
            "renewal": True,
            "url": _absolute(reverse("ambassadors:cress")),
        },
    )
    return ambassador


@transaction.atomic
def decide_application(
    *, ambassador: Ambassador, approve: bool, by: User, message: str = ""
) -> Ambassador:
    ambassador = (
        Ambassador.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=ambassador.pk)
    )
    renewal = ambassador.renewal_requested_at is not None
    if ambassador.status != Ambassador.Status.PENDING and not renewal:
        raise CommunityError(_("Cette candidature a déjà été traitée."))
    if approve:
        ambassador.approve(by=by, message=message)
    else:
        if not renewal:
            ambassador.status = Ambassador.Status.REJECTED
        ambassador.renewal_requested_at = None
        ambassador.decided_at = timezone.now()
        ambassador.decided_by = by
        ambassador.decision_message = message
    ambassador.save()
    send_after_commit(
        to=[ambassador.user.email],
        subject=(
            _("Vous êtes ambassadeur·rice du numérique")
            if approve
            else _("Votre candidature d'ambassadeur·rice")
        ),
        template="ambassadors/email/application_decided.txt",
        context={
            "ambassador": ambassador,
            "approved": approve,
            "message": message,
            "url": _absolute(reverse("ambassadors:my_space")),
        },
    )
    return ambassador


@transaction.atomic
def withdraw(*, ambassador: Ambassador, by: User, message: str = "") -> Ambassador:
    """A CRESS admin withdraws a validation: the profile leaves the directory at once."""
    ambassador = (
        Ambassador.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=ambassador.pk)
    )
    if ambassador.status != Ambassador.Status.APPROVED:
        raise CommunityError(_("Ce profil n'est pas validé."))
    ambassador.status = Ambassador.Status.WITHDRAWN
    ambassador.valid_until = None
    ambassador.renewal_requested_at = None
    ambassador.decided_at = timezone.now()
    ambassador.decided_by = by
    ambassador.decision_message = message
    ambassador.save()
    send_after_commit(
        to=[ambassador.user.email],
        subject=_("Votre validation d'ambassadeur·rice est retirée"),
        template="ambassadors/email/application_withdrawn.txt",
        context={"ambassador": ambassador, "message": message},
    )
    return ambassador


def send_expiry_reminders(*, today=None) -> int:
    """Remind ambassadors whose validation ends within RENEWAL_NOTICE_DAYS. Once per period."""
    today = today or timezone.localdate()
    due = (
        Ambassador.objects.active(today)
        .filter(
            valid_until__lte=today + timedelta(days=RENEWAL_NOTICE_DAYS),
            renewal_requested_at__isnull=True,
        )
        .exclude(renewal_reminder_sent_for=F("valid_until"))
        .select_related("user")
    )
    sent = 0
    for ambassador in due:
        with transaction.atomic():
            claimed = (
                Ambassador.objects.filter(pk=ambassador.pk)
                .exclude(renewal_reminder_sent_for=ambassador.valid_until)
                .update(renewal_reminder_sent_for=ambassador.valid_until)
            )
            if claimed:
                send_after_commit(
                    to=[ambassador.user.email],
                    subject=_("Votre validation d'ambassadeur·rice arrive à échéance"),
                    template="ambassadors/email/expiry_reminder.txt",
                    context={
                        "ambassador": ambassador,
                        "url": _absolute(reverse("ambassadors:my_space")),
                    },
                )
                sent += 1
    return sent


# --- Events ---------------------------------------------------------------------------------------

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


def cress_queue_counts() -> dict[str, int]:
    """What waits for a CRESS admin in the community: applications and renewals, fiches to
    review, support requests nobody answered in time. Three counts."""
    return {
        "applications": Ambassador.objects.filter(
            Q(status=Ambassador.Status.PENDING) | Q(renewal_requested_at__isnull=False)
        ).count(),
        "fiches": Resource.objects.filter(status=Resource.Status.PENDING).count(),
        "unanswered": SupportRequest.objects.filter(
            status=SupportRequest.Status.SENT, escalated_at__isnull=False
        ).count(),
    }


def _event_context(event: Event) -> dict:
    return {"event": event, "url": _absolute(event.get_absolute_url())}


def _visitor_urls(registration: Registration) -> dict:
    """A new personal link, for one e-mail to a visitor: to confirm, and to see or cancel."""
    token = VisitorLink.new(registration)
    return {
        "confirm_url": _absolute(reverse("ambassadors:visitor_confirm", args=[token])),
        "manage_url": _absolute(reverse("ambassadors:visitor_registration", args=[token])),
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


@transaction.atomic
def save_event(*, event: Event) -> list[Registration]:
    """Create or update an event; a raised capacity promotes people from the waiting list."""
    if event.pk:
        Event.objects.select_for_update().filter(pk=event.pk).first()
    event.save()
    return _fill_from_waitlist(event) if event.pk else []


@transaction.atomic
def cancel_event(*, event: Event) -> int:
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


# --- Support requests -----------------------------------------------------------------------------


@transaction.atomic
def create_support_request(
    *, organisation: Organisation, user: User, request: SupportRequest
) -> SupportRequest:
    request.organisation = organisation
    request.created_by = user
    request.status = SupportRequest.Status.DRAFT
    request.weak_dimensions = weakest_dimensions(organisation)
    request.save()
    return request


def suggestions(support_request: SupportRequest, limit: int = 10):
    """Ranked ambassadors for a request (matching.rank_ambassadors over listed ambassadors)."""
    organisation = support_request.organisation
    candidates = (
        Ambassador.objects.listed()
        .exclude(user_id=support_request.created_by_id)
        .select_related("organisation")
    )
    ranked = rank_ambassadors(
        candidates,
        departement=organisation.departement,
        region=organisation.region,
        weak_dimensions=support_request.weak_dimensions,
        topics=support_request.topics,
        tools=support_request.tools,
        labels={code: str(label) for code, label in Dimension.choices},
    )
    return ranked[:limit]


@transaction.atomic
def choose_ambassador(*, support_request: SupportRequest, ambassador_id: int) -> SupportRequest:
    support_request = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    if not support_request.can_choose:
        raise CommunityError(_("Cette demande a déjà été envoyée."))
    # The directory's rule: a profile hidden from it cannot be written to either.
    ambassador = Ambassador.objects.listed().select_related("user").filter(pk=ambassador_id).first()
    if ambassador is None:
        raise CommunityError(
            _(
                "Cette personne ne figure plus dans l'annuaire des ambassadeur·rices (validation expirée ou retirée, ou profil masqué) : choisissez quelqu'un d'autre."
            )
        )
    if ambassador.user_id == support_request.created_by_id:
        raise CommunityError(_("Vous ne pouvez pas vous adresser la demande à vous-même."))
    support_request.ambassador = ambassador
    support_request.status = SupportRequest.Status.SENT
    support_request.sent_at = timezone.now()
    support_request.answered_at = None
    support_request.response_message = ""
    support_request.escalated_at = None
    support_request.save()
    send_after_commit(
        to=[ambassador.user.email],
        subject=_("Demande d'accompagnement de %s") % support_request.organisation.name,
        template="ambassadors/email/request_sent.txt",
        context={
            "support_request": support_request,
            "url": _absolute(support_request.get_absolute_url()),
        },
    )
    return support_request


@transaction.atomic
def respond(*, support_request: SupportRequest, accept: bool, message: str = "") -> SupportRequest:
    support_request = (
        SupportRequest.objects.select_for_update(of=("self",))
        .select_related("created_by", "ambassador")
        .get(pk=support_request.pk)
    )
    if support_request.status != SupportRequest.Status.SENT:
        raise CommunityError(_("Cette demande n'attend pas de réponse."))
    support_request.status = (
        SupportRequest.Status.ACCEPTED if accept else SupportRequest.Status.DECLINED
    )
    support_request.answered_at = timezone.now()
    support_request.response_message = message
    support_request.save()
    if support_request.created_by:
        send_after_commit(
            to=[support_request.created_by.email],
            subject=(
                _("%s accepte votre demande") if accept else _("%s ne peut pas vous accompagner")
            )
            % support_request.ambassador.public_name,
            template="ambassadors/email/request_answered.txt",
            context={
                "support_request": support_request,
                "accepted": accept,
                "url": _absolute(support_request.get_absolute_url()),
            },
        )
    return support_request


@transaction.atomic
def close_request(*, support_request: SupportRequest) -> SupportRequest:
    if support_request.status == SupportRequest.Status.CLOSED:
        raise CommunityError(_("Cette demande est déjà clôturée."))
    support_request.status = SupportRequest.Status.CLOSED
    support_request.closed_at = timezone.now()
    support_request.save(update_fields=["status", "closed_at"])
    return support_request


def escalate_unanswered(*, now=None) -> int:
    """Requests left without an answer for ESCALATION_DAYS: CRESS admins get one e-mail."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            SupportRequest.objects.select_for_update()
            .filter(
                status=SupportRequest.Status.SENT,
                sent_at__lte=now - timedelta(days=ESCALATION_DAYS),
                escalated_at__isnull=True,
            )
            .order_by("sent_at")
        )
        if not due:
            return 0
        SupportRequest.objects.filter(pk__in=[r.pk for r in due]).update(escalated_at=now)
        details = list(
            SupportRequest.objects.filter(pk__in=[r.pk for r in due])
            .select_related("organisation", "ambassador")
            .order_by("sent_at")
        )
        send_after_commit(
            to=_cress_admin_emails(),
            subject=ngettext(
                "%d demande d'accompagnement sans réponse",
                "%d demandes d'accompagnement sans réponse",
                len(details),
            )
            % len(details),
            template="ambassadors/email/requests_escalated.txt",
            context={
                "requests": details,
                "days": ESCALATION_DAYS,
                "url": _absolute(reverse("ambassadors:cress")),
            },
        )
    return len(due)


# --- Contact and resources ------------------------------------------------------------------------


def contact_ambassador(*, ambassador: Ambassador, sender: User, message: str) -> None:
    """The platform relays a message; the ambassador's address stays hidden, the sender's is given
    so they can answer."""
    send_after_commit(
        to=[ambassador.user.email],
        subject=_("Message de %s via la Boussole") % sender.display_name,
        template="ambassadors/email/contact.txt",
        context={"ambassador": ambassador, "sender": sender, "message": message},
    )


@transaction.atomic
def submit_resource(*, resource: Resource, author: User) -> Resource:
    resource.author = author
    resource.status = Resource.Status.PENDING
    resource.published_at = None
    resource.save()
    send_after_commit(
        to=_cress_admin_emails(),
        subject=_("Fiche pratique à relire : %s") % resource.title,
        template="ambassadors/email/resource_submitted.txt",
        context={"resource": resource, "url": _absolute(reverse("ambassadors:cress"))},
    )
    return resource


@transaction.atomic
def moderate_resource(
    *, resource: Resource, publish: bool, by: User, message: str = ""
) -> Resource:
    resource.status = Resource.Status.PUBLISHED if publish else Resource.Status.REJECTED
    resource.published_at = timezone.now() if publish else None
    resource.moderated_by = by
    resource.moderation_message = message
    resource.save()
    if resource.author:
        send_after_commit(
            to=[resource.author.email],
            subject=(_("Votre fiche est publiée : %s") if publish else _("Votre fiche : %s"))
            % resource.title,
            template="ambassadors/email/resource_moderated.txt",
            context={
                "resource": resource,
                "published": publish,
                "message": message,
                "url": _absolute(resource.get_absolute_url()),
            },
        )
    return resource


# --- Figures for CRESS admins ---------------------------------------------------------------------


def community_figures(*, now=None) -> dict:
    """Ambassadors by département, events held, attendance, requests and delay to answer."""
    from accounts.territories import departement_name

    now = now or timezone.now()
    by_departement: dict[str, int] = {}
    for departements in Ambassador.objects.active().values_list("departements", flat=True):
        for code in departements:
            by_departement[code] = by_departement.get(code, 0) + 1
    held = Event.objects.not_cancelled().filter(ends_at__lte=now)
    attendance = Registration.objects.filter(
        event__in=held, status=Registration.Status.CONFIRMED
    ).aggregate(
        registered=Count("pk"),
        marked=Count("pk", filter=Q(attended__isnull=False)),
        attended=Count("pk", filter=Q(attended=True)),
    )
    requests = SupportRequest.objects.exclude(sent_at=None)
    delays = [
        (answered - sent).total_seconds() / 3600
        for sent, answered in requests.exclude(answered_at=None).values_list(
            "sent_at", "answered_at"
        )
    ]
    counts = requests.aggregate(
        opened=Count("pk"),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        accepted=Count(
            "pk", filter=Q(status__in=["accepted", "closed"], answered_at__isnull=False)
        ),
        waiting=Count("pk", filter=Q(status="sent")),
    )
    return {
        "ambassadors_total": Ambassador.objects.active().count(),
        "by_departement": sorted(
            ((code, departement_name(code), n) for code, n in by_departement.items()),
            key=lambda row: (-row[2], row[0]),
        ),
        "events_held": held.count(),
        "attendance": attendance,
        "attendance_rate": (
            round(100 * attendance["attended"] / attendance["marked"])
            if attendance["marked"]
            else None
        ),
        "requests": counts,
        "median_delay_hours": round(median(delays), 1) if delays else None,
    }
