"""Consents, access log, notes and recommendations: the work with rules and side effects.

Each function that writes is atomic and raises ConsentError with a French message the view
shows as is. E-mails leave after the commit, through the accounts' e-mail task.
"""

import calendar
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.mail import send_after_commit
from accounts.models import Organisation, User
from advisers.models import (
    AccessLog,
    AdviserNote,
    AdviserProfile,
    Consent,
    Recommendation,
    log_hour,
)
from common.typography import french_plain_text
from maturity.models import Diagnostic, Roadmap, RoadmapAction

REMINDER_DAYS = 14  # admins and adviser are told this long before a consent ends
LOG_RETENTION_MONTHS = 12
SEARCH_LIMIT = 20


class ConsentError(Exception):
    """A consent rule was broken; the message is for the user."""


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later, or the month's last day when it is shorter (31 → 30), on
    the local calendar: given at 00:30 on 15 October, three months end on 15 January (UTC's
    date, still the 14th, would end them on the 14th)."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _admin_emails(organisation: Organisation) -> list[str]:
    return list(organisation.active_admins().values_list("email", flat=True))


# --- Adviser accounts ---------------------------------------------------------------------------


@transaction.atomic
def decide_adviser(
    *, profile: AdviserProfile, approve: bool, by: User, message: str = ""
) -> AdviserProfile:
    """A CRESS admin approves or rejects a request for an adviser account; the person is told."""
    profile = AdviserProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    profile.status = AdviserProfile.Status.APPROVED if approve else AdviserProfile.Status.REJECTED
    profile.decided_at = timezone.now()
    profile.decided_by = by
    profile.decision_message = message
    profile.save(update_fields=["status", "decided_at", "decided_by", "decision_message"])
    if approve:
        # Organisations may have invited this adviser before the account existed: those
        # invitations become live grants now (explicit call, no signal).
        attach_invitations(profile.user)
    send_after_commit(
        to=[profile.user.email],
        subject=_("Votre demande de compte conseiller·e"),
        template="advisers/email/adviser_decided.txt",
        context={"profile": profile, "approved": approve, "message": message},
    )
    return profile


def cress_queue_counts() -> dict[str, int]:
    """What waits for a CRESS admin here: adviser account requests. One query."""
    return {"advisers": AdviserProfile.objects.pending_review().count()}


# --- Consent text -------------------------------------------------------------------------------


def consent_text(*, organisation: Organisation, adviser_label: str, expires_at: datetime) -> str:
    """The exact text an admin agrees to; stored with the consent as shown. Typographed here
    (no-break spaces, apostrophes) as every page is, so that the stored text is the one read."""
    text = _(
        "En tant qu'administrateur·rice de « %(org)s », j'autorise %(adviser)s à consulter les "
        "résultats des diagnostics et la feuille de route de l'organisation jusqu'au %(date)s. "
        "Les réponses individuelles des répondant·es ne lui sont jamais transmises. "
        "Cette personne peut écrire des avis et proposer des actions, que l'organisation retient "
        "ou écarte. Chaque consultation est enregistrée et visible par les "
        "administrateur·rices. Cet accès peut être retiré à tout moment, avec effet immédiat."
    ) % {
        "org": organisation.name,
        "adviser": adviser_label,
        "date": date_format(timezone.localtime(expires_at), "j F Y"),
    }
    return french_plain_text(text)


def adviser_label(user: User) -> str:
    profile = getattr(user, "adviser_profile", None)
    if profile is None:
        return user.display_name
    return f"{user.display_name} ({profile.structure.name})"


def _approved_adviser(email: str) -> User | None:
    user = (
        User.objects.filter(email__iexact=email)
        .select_related("adviser_profile__structure")
        .first()
    )
    return user if user is not None and user.is_adviser else None


def invitee_label(email: str) -> str:
    """Who the text names when access is given by e-mail: the approved adviser with this
    address, or the address itself (an invitation)."""
    email = email.strip().lower()
    user = _approved_adviser(email)
    return adviser_label(user) if user is not None else email


@dataclass(frozen=True)
class ConsentOffer:
    """A consent text as shown to an admin, and the signed token that lets the same text be
    recorded once they agree (the form sends it back)."""

    text: str
    expires_at: datetime
    token: str


class OfferChanged(ConsentError):
    """The text the admin saw is not the one that would be recorded (another duration, a token
    too old, a name that changed): they must see the new text and agree again."""


# Expiry dates are computed when the text is shown, so that a confirmation after midnight
# records the date that was read; a day-old page shows its text again instead.
OFFER_MAX_AGE = timedelta(hours=24)
_OFFER_SALT = "advisers.consent-offer"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def consent_offer(
    *, organisation: Organisation, adviser_label: str, months: int, now: datetime | None = None
) -> ConsentOffer:
    """The text for this organisation, adviser and duration, as of now, ready to be shown."""
    expires_at = add_months(now or timezone.now(), months)
    text = consent_text(
        organisation=organisation, adviser_label=adviser_label, expires_at=expires_at
    )
    token = signing.dumps(
        {
            "organisation": organisation.pk,
            "months": months,
            "expires_at": expires_at.isoformat(),
            "text": _digest(text),
        },
        salt=_OFFER_SALT,
        compress=True,
    )
    return ConsentOffer(text=text, expires_at=expires_at, token=token)


def _agreed(
    token: str, *, organisation: Organisation, adviser_label: str, months: int
) -> tuple[datetime, str]:
    """The expiry date and text the admin agreed to, when they are exactly those the token
    was issued with; OfferChanged otherwise."""
    try:
        data = signing.loads(token, salt=_OFFER_SALT, max_age=OFFER_MAX_AGE)
        expires_at = datetime.fromisoformat(data["expires_at"])
        text = consent_text(
            organisation=organisation, adviser_label=adviser_label, expires_at=expires_at
        )
        agreed = (
            data["organisation"] == organisation.pk
            and data["months"] == months
            and data["text"] == _digest(text)
            and expires_at > timezone.now()
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        agreed = False
    if not agreed:
        raise OfferChanged(
            _("Le texte de l'accord a changé : lisez-le ci-dessous puis donnez votre accord.")
        )
    return expires_at, text


# --- Search -------------------------------------------------------------------------------------


def search_advisers(query: str) -> list[AdviserProfile]:
    """Approved advisers by name or DLA structure (part of it) or by exact e-mail address: an
    e-mail is matched whole so the search cannot be used to list addresses."""
    query = query.strip()
    if len(query) < 2:
        return []
    condition = Q(structure__name__icontains=query) | Q(user__email__iexact=query)
    for word in query.split():
        condition |= Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word)
    return list(
        AdviserProfile.objects.filter(condition, status=AdviserProfile.Status.APPROVED)
        .select_related("user", "structure")
        .order_by("user__last_name", "user__first_name")[:SEARCH_LIMIT]
    )


# --- Granting, asking, revoking ----------------------------------------------------------------


def _close_expired(organisation: Organisation, adviser: User) -> None:
    Consent.objects.filter(
        organisation=organisation,
        adviser=adviser,
        status=Consent.Status.ACTIVE,
        expires_at__lte=timezone.now(),
    ).update(status=Consent.Status.EXPIRED)


def _text_and_expiry(
    *, organisation: Organisation, label: str, months: int, offer: str | None
) -> tuple[datetime, str]:
    if months not in (3, 6, 12):
        raise ConsentError(_("La durée est de 3, 6 ou 12 mois."))
    if offer is None:  # no one to show it to (data loading, tests): the text as of now
        expires_at = add_months(timezone.now(), months)
        return expires_at, consent_text(
            organisation=organisation, adviser_label=label, expires_at=expires_at
        )
    return _agreed(offer, organisation=organisation, adviser_label=label, months=months)


def grant(
    *, organisation: Organisation, adviser: User, months: int, by: User, offer: str | None = None
) -> Consent:
    """An admin opens access to an approved adviser. A pending request from that adviser
    becomes the grant; a live grant is replaced by the new one (a renewal).

    `offer` is the token of the text the admin agreed to (consent_offer): that very text and
    its expiry date are recorded, or OfferChanged is raised."""
    # Atomic as a block, not a decorator: mutation testing cannot reach a decorated body.
    with transaction.atomic():
        if not adviser.is_adviser:
            raise ConsentError(_("Cette personne n'a pas de compte conseiller·e validé."))
        expires_at, text = _text_and_expiry(
            organisation=organisation, label=adviser_label(adviser), months=months, offer=offer
        )
        _close_expired(organisation, adviser)
        now = timezone.now()
        current = (
            Consent.objects.select_for_update()
            .filter(
                organisation=organisation,
                adviser=adviser,
                status__in=[Consent.Status.REQUESTED, Consent.Status.ACTIVE],
            )
            .first()
        )
        if current is not None and current.status == Consent.Status.ACTIVE:
            current.status = Consent.Status.EXPIRED  # replaced by the renewal below
            current.expires_at = now
            current.save(update_fields=["status", "expires_at"])
            current = None
        consent = current or Consent(organisation=organisation, adviser=adviser)
        consent.status = Consent.Status.ACTIVE
        consent.months = months
        consent.expires_at = expires_at
        consent.granted_at = now
        consent.granted_by = by
        consent.consent_text = text
        consent.save()
        send_after_commit(
            to=[adviser.email],
            subject=_("Accès ouvert aux résultats de %(org)s") % {"org": organisation.name},
            template="advisers/email/granted.txt",
            context={
                "consent": consent,
                "url": _absolute(reverse("advisers:client", args=[organisation.pk])),
            },
        )
        return consent


def grant_by_email(
    *, organisation: Organisation, email: str, months: int, by: User, offer: str | None = None
) -> Consent:
    """Grant to an approved adviser with this address, or invite the address: once the person
    has an approved adviser account, the invitation becomes the grant (see attach_invitations).
    The text names whom invitee_label says; `offer` as for grant()."""
    with transaction.atomic():  # a block for mutation testing, as in grant
        email = email.strip().lower()
        user = _approved_adviser(email)
        if user is not None:
            return grant(organisation=organisation, adviser=user, months=months, by=by, offer=offer)
        expires_at, text = _text_and_expiry(
            organisation=organisation, label=email, months=months, offer=offer
        )
        try:
            with transaction.atomic():
                consent = Consent.objects.create(
                    organisation=organisation,
                    email=email,
                    status=Consent.Status.INVITED,
                    months=months,
                    expires_at=expires_at,
                    granted_at=timezone.now(),
                    granted_by=by,
                    consent_text=text,
                )
        except IntegrityError as exc:
            raise ConsentError(_("Cette adresse a déjà une invitation en attente.")) from exc
        send_after_commit(
            to=[email],
            subject=_("%(org)s vous invite à consulter ses résultats") % {"org": organisation.name},
            template="advisers/email/invited.txt",
            context={
                "consent": consent,
                "signup_url": _absolute(reverse("account_signup")),
                "adviser_url": _absolute(reverse("adviser_request")),
            },
        )
        return consent


def attach_invitations(user: User) -> int:
    """Turn invitations sent to the user's address into grants, once they are an approved
    adviser. The clock started when the admin invited: expiry is unchanged, and so is the text
    the admin agreed to (it names the address)."""
    if not AdviserProfile.objects.filter(user=user, status=AdviserProfile.Status.APPROVED).exists():
        return 0
    attached = 0
    for consent in Consent.objects.filter(
        status=Consent.Status.INVITED, email__iexact=user.email, expires_at__gt=timezone.now()
    ):
        try:
            with transaction.atomic():
                consent.adviser = user
                consent.status = Consent.Status.ACTIVE
                consent.save()
                attached += 1
        except IntegrityError:  # a live consent for this pair already exists: keep that one
            continue
    return attached


def request_access(*, adviser: User, siren: str, message: str) -> Consent:
    """An adviser asks an organisation, named by its SIREN, for access; its admins decide."""
    with transaction.atomic():  # a block for mutation testing, as in grant
        organisation = Organisation.objects.filter(siren=siren.strip()).first()
        if organisation is None:
            raise ConsentError(_("Aucune organisation inscrite sur la plateforme n'a ce SIREN."))
        _close_expired(organisation, adviser)
        try:
            with transaction.atomic():
                consent = Consent.objects.create(
                    organisation=organisation,
                    adviser=adviser,
                    status=Consent.Status.REQUESTED,
                    requested_at=timezone.now(),
                    request_message=message.strip()[:1000],
                )
        except IntegrityError as exc:
            raise ConsentError(
                _(
                    "Vous avez déjà un accès en cours ou une demande en attente pour cette organisation."
                )
            ) from exc
        send_after_commit(
            to=_admin_emails(organisation),
            subject=_("Demande d'accès d'un·e conseiller·e DLA"),
            template="advisers/email/requested.txt",
            context={
                "consent": consent,
                "adviser_label": adviser_label(adviser),
                "url": _absolute(reverse("advisers:consents", args=[organisation.pk])),
            },
        )
        return consent


def refuse(*, consent: Consent, by: User) -> Consent:
    with transaction.atomic():  # a block for mutation testing, as in grant
        consent = (
            Consent.objects.select_for_update(of=("self",))
            .select_related("adviser")
            .get(pk=consent.pk)
        )
        if consent.status != Consent.Status.REQUESTED:
            raise ConsentError(_("Cette demande a déjà été traitée."))
        consent.status = Consent.Status.REFUSED
        consent.refused_at = timezone.now()
        consent.refused_by = by
        consent.save(update_fields=["status", "refused_at", "refused_by"])
        send_after_commit(
            to=[consent.adviser.email],
            subject=_("Votre demande d'accès à %(org)s") % {"org": consent.organisation.name},
            template="advisers/email/refused.txt",
            context={"consent": consent},
        )
        return consent


def revoke(*, consent: Consent, by: User) -> Consent:
    """Immediate: the adviser's next request is a 404 (lookups check the status every time)."""
    with transaction.atomic():  # a block for mutation testing, as in grant
        consent = (
            Consent.objects.select_for_update(of=("self",))
            .select_related("adviser")
            .get(pk=consent.pk)
        )
        if consent.status not in (Consent.Status.ACTIVE, Consent.Status.INVITED):
            raise ConsentError(_("Cet accès n'est plus ouvert."))
        consent.status = Consent.Status.REVOKED
        consent.revoked_at = timezone.now()
        consent.revoked_by = by
        consent.save(update_fields=["status", "revoked_at", "revoked_by"])
        if consent.adviser:
            send_after_commit(
                to=[consent.adviser.email],
                subject=_("Accès retiré : %(org)s") % {"org": consent.organisation.name},
                template="advisers/email/revoked.txt",
                context={"consent": consent},
            )
        return consent


# --- Periodic work ------------------------------------------------------------------------------


def send_expiry_reminders(now: datetime | None = None) -> int:
    """Tell the admins and the adviser REMINDER_DAYS before a consent ends; once per expiry
    date (a renewal gets its own reminder), and expired consents are closed on the way."""
    now = now or timezone.now()
    Consent.objects.filter(status=Consent.Status.ACTIVE, expires_at__lte=now).update(
        status=Consent.Status.EXPIRED
    )
    Consent.objects.filter(status=Consent.Status.INVITED, expires_at__lte=now).update(
        status=Consent.Status.EXPIRED
    )
    due = (
        Consent.objects.live(now)
        .filter(expires_at__lte=now + timedelta(days=REMINDER_DAYS))
        .filter(Q(reminder_sent_for__isnull=True) | ~Q(reminder_sent_for=F("expires_at")))
        .select_related("organisation", "adviser")
    )
    sent = 0
    for consent in due:
        with transaction.atomic():
            claimed = (
                Consent.objects.filter(pk=consent.pk)
                .filter(Q(reminder_sent_for__isnull=True) | ~Q(reminder_sent_for=F("expires_at")))
                .update(reminder_sent_for=consent.expires_at)
            )
            if not claimed:
                continue
            context = {
                "consent": consent,
                "url": _absolute(reverse("advisers:consents", args=[consent.organisation_id])),
            }
            subject = _("L'accès de %(adviser)s à %(org)s se termine bientôt") % {
                "adviser": consent.adviser.display_name,
                "org": consent.organisation.name,
            }
            send_after_commit(
                to=_admin_emails(consent.organisation),
                subject=subject,
                template="advisers/email/expiry_admins.txt",
                context=context,
            )
            send_after_commit(
                to=[consent.adviser.email],
                subject=subject,
                template="advisers/email/expiry_adviser.txt",
                context=context,
            )
            sent += 1
    return sent


def purge_logs(now: datetime | None = None) -> int:
    """Delete access-log entries older than LOG_RETENTION_MONTHS."""
    limit = add_months(now or timezone.now(), -LOG_RETENTION_MONTHS)
    deleted, _by_model = AccessLog.objects.filter(at__lt=limit).delete()
    return deleted


# --- Access log ---------------------------------------------------------------------------------


def log_access(adviser: User, organisation_ids, what: str) -> None:
    """Record that the adviser read these organisations' data (one insert for all). The hour's
    first reading is kept: the rows the unique constraint refuses are already there."""
    now = timezone.now()
    hour = log_hour(now)
    name = adviser_label(adviser)
    AccessLog.objects.bulk_create(
        [
            AccessLog(
                organisation_id=pk, adviser=adviser, adviser_name=name, what=what, at=now, hour=hour
            )
            for pk in organisation_ids
        ],
        ignore_conflicts=True,
    )


# --- Notes and recommendations ------------------------------------------------------------------


def latest_diagnostic(organisation: Organisation) -> Diagnostic | None:
    return (
        Diagnostic.objects.filter(organisation=organisation, status=Diagnostic.Status.COMPLETED)
        .select_related("questionnaire", "snapshot")
        .order_by("-completed_at", "-pk")
        .first()
    )


def dimension_titles(diagnostic: Diagnostic | None) -> dict[str, str]:
    snapshot = getattr(diagnostic, "snapshot", None) if diagnostic else None
    if snapshot is None:
        return {}
    return {d["code"]: d["title"] for d in snapshot.data.get("dimensions", [])}


@transaction.atomic
def save_note(
    *, organisation: Organisation, adviser: User, dimension: str, text: str
) -> AdviserNote | None:
    """Write, change or (with an empty text) remove the adviser's note on one dimension."""
    titles = dimension_titles(latest_diagnostic(organisation))
    if dimension not in titles:
        raise ConsentError(_("Cette dimension n'existe pas dans le dernier diagnostic."))
    text = text.strip()
    if not text:
        AdviserNote.objects.filter(
            organisation=organisation, adviser=adviser, dimension=dimension
        ).delete()
        return None
    note, _created = AdviserNote.objects.update_or_create(
        organisation=organisation,
        adviser=adviser,
        dimension=dimension,
        defaults={"text": text[:4000], "adviser_name": adviser_label(adviser)},
    )
    return note


def save_notes(*, organisation: Organisation, adviser: User, notes: dict[str, str]) -> int:
    """Write, change or remove the adviser's notes on several dimensions at once: all of them
    or none (one transaction). Returns how many notes changed."""
    with transaction.atomic():
        titles = dimension_titles(latest_diagnostic(organisation))
        if any(dimension not in titles for dimension in notes):
            raise ConsentError(_("Cette dimension n'existe pas dans le dernier diagnostic."))
        current = dict(
            AdviserNote.objects.filter(
                organisation=organisation, adviser=adviser, dimension__in=list(notes)
            ).values_list("dimension", "text")
        )
        changed = 0
        for dimension, text in notes.items():
            if text.strip()[:4000] == current.get(dimension, ""):
                continue
            save_note(organisation=organisation, adviser=adviser, dimension=dimension, text=text)
            changed += 1
    return changed


@transaction.atomic
def recommend(
    *,
    organisation: Organisation,
    adviser: User,
    title: str,
    explanation: str,
    dimension: str,
    horizon: str,
    priority: int,
) -> RoadmapAction:
    """Add a proposed action to the organisation's roadmap, signed by the adviser. The
    organisation retains or declines it on its roadmap page, like any proposal."""
    roadmap, _created = Roadmap.objects.get_or_create(organisation=organisation)
    roadmap = Roadmap.objects.select_for_update().get(pk=roadmap.pk)
    position = (roadmap.actions.aggregate(m=Max("position"))["m"] or 0) + 1
    action = RoadmapAction.objects.create(
        roadmap=roadmap,
        source=RoadmapAction.Source.ADVISER,
        title=title.strip(),
        explanation=explanation.strip(),
        dimension=dimension,
        horizon=horizon,
        priority=priority,
        decision=RoadmapAction.Decision.PROPOSED,
        position=position,
        is_new=True,
    )
    Recommendation.objects.create(
        action=action, adviser=adviser, adviser_name=adviser_label(adviser)
    )
    send_after_commit(
        to=_admin_emails(organisation),
        subject=_("Nouvelle recommandation de votre conseiller·e"),
        template="advisers/email/recommended.txt",
        context={
            "action": action,
            "adviser_label": adviser_label(adviser),
            "url": _absolute(reverse("maturity:roadmap", args=[organisation.pk])),
        },
    )
    return action


# --- The roadmap PDF ----------------------------------------------------------------------------


def pdf_notes(roadmap: Roadmap, titles: dict[str, str]) -> dict:
    """Notes per dimension and adviser recommendations still on the roadmap, for the PDF."""
    notes = [
        {
            "dimension": titles.get(n.dimension, n.dimension),
            "text": n.text,
            "adviser_name": n.adviser_name,
            "updated_at": n.updated_at,
        }
        for n in AdviserNote.objects.filter(organisation_id=roadmap.organisation_id)
    ]
    recommendations = [
        {"title": r.action.title, "adviser_name": r.adviser_name, "decision": r.action.decision}
        for r in Recommendation.objects.filter(action__roadmap=roadmap, action__obsolete=False)
        .exclude(action__decision=RoadmapAction.Decision.DECLINED)
        .select_related("action")
        .order_by("action__position", "action__pk")
    ]
    return {"notes": notes, "recommendations": recommendations}


def notes_digest(roadmap: Roadmap) -> list:
    """What of the notes the PDF shows, for the roadmap's content hash."""
    return list(
        AdviserNote.objects.filter(organisation_id=roadmap.organisation_id)
        .order_by("pk")
        .values_list("pk", "dimension", "text", "adviser_name")
    )
