"""Workshops' rules: opening, joining, pacing, closing, the agenda and the decisions. Each rule
broken raises WorkshopError with a French message that the view shows as is."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.models import Membership, Organisation, User
from maturity import roadmap
from maturity import services as maturity_services
from maturity.models import Diagnostic, Respondent, RoadmapAction
from maturity.structure import structure_for
from workshops.models import (
    AgendaItem,
    Decision,
    EventOrganisation,
    Participant,
    Workshop,
    new_code,
)

# A participant's answers stay writable this long after joining (a day's workshop), and this
# long after the workshop closes, so that an answer on its way when it closed still lands.
PARTICIPANT_HOURS = 12
CLOSING_GRACE = timedelta(minutes=10)
MAX_TIMER_MINUTES = 120


class WorkshopError(Exception):
    """A rule about workshops was broken; the message is for the user."""


def _free_code() -> str:
    """A code no open workshop nor open organisation entry uses (the constraints settle the
    rare race between two openings)."""
    for _attempt in range(20):
        code = new_code()
        if not (
            Workshop.objects.open().filter(code=code).exists()
            or EventOrganisation.objects.filter(is_open=True, code=code).exists()
        ):
            return code
    raise WorkshopError(_("Aucun code libre n'a été trouvé : réessayez."))


def _create_with_code(model, **fields):
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return model.objects.create(code=_free_code(), **fields)
        except IntegrityError:
            continue
    raise WorkshopError(_("Aucun code libre n'a été trouvé : réessayez."))


def diagnostic_in_progress(organisation: Organisation) -> Diagnostic | None:
    return (
        Diagnostic.objects.filter(organisation=organisation, status=Diagnostic.Status.IN_PROGRESS)
        .select_related("questionnaire")
        .first()
    )


@transaction.atomic
def open_team_workshop(
    *, organisation: Organisation, by: User, title: str, groups: list[str], pace: str
) -> Workshop:
    diagnostic = diagnostic_in_progress(organisation)
    if diagnostic is None:
        raise WorkshopError(
            _(
                "Aucun diagnostic n'est en cours pour cette organisation : un·e de ses membres "
                "doit d'abord en commencer un."
            )
        )
    if Workshop.objects.open().filter(diagnostic=diagnostic).exists():
        raise WorkshopError(
            _("Un atelier est déjà ouvert sur ce diagnostic : reprenez-le ou clôturez-le.")
        )
    return _create_with_code(
        Workshop,
        kind=Workshop.Kind.TEAM,
        title=title,
        organisation=organisation,
        diagnostic=diagnostic,
        questionnaire=diagnostic.questionnaire,
        facilitator=by,
        groups=groups,
        pace=pace,
    )


@transaction.atomic
def open_event_workshop(
    *, by: User, title: str, groups: list[str], pace: str, event=None
) -> Workshop:
    try:
        questionnaire = maturity_services.current_questionnaire()
    except maturity_services.DiagnosticError as exc:
        raise WorkshopError(str(exc)) from exc
    return _create_with_code(
        Workshop,
        kind=Workshop.Kind.EVENT,
        title=title,
        questionnaire=questionnaire,
        event=event,
        facilitator=by,
        groups=groups,
        pace=pace,
    )


def find_by_code(code: str) -> tuple[Workshop | None, EventOrganisation | None, bool]:
    """(workshop, organisation entry, closed) for a code typed by a participant: an open team
    workshop's code or an open event's organisation code. `closed` says that the code was
    that of a workshop now closed. An event's own code is for organisations' admins, not for
    participants: not found here."""
    workshop = (
        Workshop.objects.open()
        .filter(kind=Workshop.Kind.TEAM, code=code)
        .select_related("organisation", "diagnostic")
        .first()
    )
    if workshop is not None:
        return workshop, None, False
    entry = (
        EventOrganisation.objects.filter(is_open=True, code=code)
        .select_related("workshop", "organisation", "diagnostic")
        .first()
    )
    if entry is not None:
        return entry.workshop, entry, False
    closed = (
        Workshop.objects.filter(
            kind=Workshop.Kind.TEAM, status=Workshop.Status.CLOSED, code=code
        ).exists()
        or EventOrganisation.objects.filter(is_open=False, code=code).exists()
    )
    return None, None, closed


@transaction.atomic
def join(*, workshop: Workshop, entry: EventOrganisation | None, group: int) -> Participant:
    """A new participant: a guest respondent of the organisation's diagnostic, without a name
    (the room's figures are anonymous), labelled with the group."""
    if not workshop.is_open:
        raise WorkshopError(_("Cet atelier est terminé : merci pour votre participation."))
    if not 0 <= group < len(workshop.groups):
        raise WorkshopError(_("Choisissez votre groupe dans la liste."))
    diagnostic = entry.diagnostic if entry else workshop.diagnostic
    if diagnostic.is_completed:
        raise WorkshopError(
            _("Ce diagnostic est terminé : il ne reçoit plus de réponses. Merci d'être venu·e !")
        )
    respondent, _token = Respondent.new_guest(
        diagnostic=diagnostic,
        name=_("Participant·e à l'atelier « %(title)s »") % {"title": workshop.title[:100]},
        email="",
        role_label=workshop.group_label(group)[:100],
        invited_by=workshop.facilitator,
    )
    # The token is never handed out: the phone's session holds the respondent.
    respondent.expires_at = timezone.now() + timedelta(hours=PARTICIPANT_HOURS)
    respondent.save()
    return Participant.objects.create(
        workshop=workshop,
        respondent=respondent,
        organisation_id=diagnostic.organisation_id,
        group=group,
    )


@transaction.atomic
def link_organisation(*, workshop: Workshop, organisation: Organisation, by: User):
    """An organisation's admin takes part in an event with the organisation's diagnostic in
    progress (started now if there is none). Doing it twice gives the same entry."""
    if not workshop.is_event or not workshop.is_open:
        raise WorkshopError(_("Ce code ne correspond à aucun atelier collectif ouvert."))
    existing = EventOrganisation.objects.filter(workshop=workshop, organisation=organisation)
    if entry := existing.first():
        return entry
    diagnostic = diagnostic_in_progress(organisation)
    if diagnostic is None:
        try:
            diagnostic, _respondent = maturity_services.start_diagnostic(
                organisation=organisation, user=by
            )
        except maturity_services.DiagnosticError as exc:
            raise WorkshopError(str(exc)) from exc
    if diagnostic.questionnaire_id != workshop.questionnaire_id:
        raise WorkshopError(
            _(
                "Le diagnostic en cours de votre organisation suit une autre version du "
                "questionnaire que cet atelier : terminez-le d'abord, puis inscrivez-vous avec "
                "un nouveau diagnostic."
            )
        )
    return _create_with_code(
        EventOrganisation,
        workshop=workshop,
        organisation=organisation,
        diagnostic=diagnostic,
        linked_by=by,
    )


# --- Running the room ----------------------------------------------------------------------------


def open_dimension(workshop: Workshop, *, code: str, minutes: int | None) -> None:
    structure = structure_for(workshop.questionnaire)
    if code not in {d.code for d in structure.dimensions}:
        raise WorkshopError(_("Cette dimension n'existe pas dans le questionnaire."))
    if minutes is not None and not 1 <= minutes <= MAX_TIMER_MINUTES:
        raise WorkshopError(
            _("La minuterie dure entre 1 et %(max)s minutes.") % {"max": MAX_TIMER_MINUTES}
        )
    workshop.current_dimension = code
    workshop.timer_ends_at = timezone.now() + timedelta(minutes=minutes) if minutes else None
    workshop.save(update_fields=["current_dimension", "timer_ends_at"])


def set_pace(workshop: Workshop, pace: str) -> None:
    if pace not in Workshop.Pace.values:
        raise WorkshopError(_("Choisissez un rythme dans la liste."))
    workshop.pace = pace
    workshop.save(update_fields=["pace"])


def stop_timer(workshop: Workshop) -> None:
    workshop.timer_ends_at = None
    workshop.save(update_fields=["timer_ends_at"])


@transaction.atomic
def close(workshop: Workshop) -> None:
    """Close the workshop: its codes stop working at once. Answers given are kept; an answer
    on its way still lands during a short grace, then the participants' links expire."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if not workshop.is_open:
        return
    now = timezone.now()
    workshop.status = Workshop.Status.CLOSED
    workshop.closed_at = now
    workshop.timer_ends_at = None
    workshop.save(update_fields=["status", "closed_at", "timer_ends_at"])
    EventOrganisation.objects.filter(workshop=workshop).update(is_open=False)
    Respondent.objects.filter(
        workshop_participant__workshop=workshop, expires_at__gt=now + CLOSING_GRACE
    ).update(expires_at=now + CLOSING_GRACE)


def save_agenda_item(workshop: Workshop, *, question_id: int, discussed: bool, note: str):
    structure = structure_for(workshop.questionnaire)
    question = structure.questions.get(question_id)
    if question is None or question.section_code not in {d.code for d in structure.dimensions}:
        raise WorkshopError(_("Cette question n'appartient pas au questionnaire de l'atelier."))
    item, _created = AgendaItem.objects.update_or_create(
        workshop=workshop,
        question_id=question_id,
        defaults={"discussed": discussed, "note": note.strip()},
    )
    return item


# --- Decisions on the roadmap --------------------------------------------------------------------


def decided_in_workshop(workshop: Workshop) -> str:
    """The mention written in the action's history."""
    day = formats.date_format(timezone.localdate(), "j F Y")
    return _("Décidé en atelier le %(date)s (« %(title)s »)") % {
        "date": day,
        "title": workshop.title[:60],
    }


def workshop_actions(workshop: Workshop) -> list[RoadmapAction]:
    """The live actions of the organisation's roadmap, as the roadmap page orders them."""
    return list(
        RoadmapAction.objects.filter(roadmap__organisation=workshop.organisation_id, obsolete=False)
        .select_related("owner")
        .order_by("position", "pk")
    )


def _member_by_email(organisation_id: int, email: str) -> User | None:
    if not email:
        return None
    membership = (
        Membership.objects.filter(
            organisation_id=organisation_id, is_active=True, user__email__iexact=email
        )
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


@transaction.atomic
def record_decision(
    *,
    workshop: Workshop,
    action: RoadmapAction,
    by: User,
    keep: bool,
    reason: str = "",
    owner: User | None = None,
    referent_name: str = "",
    referent_email: str = "",
    due_date=None,
    may_invite: bool = False,
) -> Decision:
    """The room's choice on one action, recorded on the action through the roadmap's own
    services, with 'Décidé en atelier le …' as the reason of each change in its history.

    A référent·e named with the e-mail of an active member becomes the owner; with another
    e-mail, an admin of the organisation (may_invite) invites them to the organisation, and
    they become the owner when they accept (accounts.hooks.invitation_accepted, registered in
    workshops.apps). Otherwise the name is kept in the action's notes."""
    if workshop.is_event or action.roadmap.organisation_id != workshop.organisation_id:
        raise WorkshopError(_("Cette action n'appartient pas à la feuille de route de l'atelier."))
    referent_email = referent_email.strip().lower()
    referent_name = referent_name.strip()
    if owner is None and referent_email:
        owner = _member_by_email(workshop.organisation_id, referent_email)
        if owner is not None:
            referent_name = referent_email = ""
    mention = decided_in_workshop(workshop)
    action._change_reason = mention
    roadmap.decide(action, accept=keep, reason=reason)
    invitation = None
    if keep:
        notes = action.notes
        if referent_name or referent_email:
            line = _("Référent·e désigné·e en atelier : %(who)s") % {
                "who": referent_name or referent_email
            }
            if line not in notes:
                notes = f"{notes}\n{line}".strip()[:4000]
        if referent_email and owner is None and may_invite:
            try:
                invitation = account_services.invite(
                    organisation=workshop.organisation,
                    email=referent_email,
                    role=Membership.Role.MEMBER,
                    invited_by=by,
                )
            except account_services.MembershipError as exc:
                raise WorkshopError(str(exc)) from exc
        try:
            roadmap.update(
                action, owner=owner, due_date=due_date, status=action.status, notes=notes
            )
        except roadmap.RoadmapError as exc:
            raise WorkshopError(str(exc)) from exc
    decision, _created = Decision.objects.update_or_create(
        workshop=workshop,
        action=action,
        defaults={
            "action_title": action.title,
            "keep": keep,
            "reason": reason.strip()[:300] if not keep else "",
            "owner": owner if keep else None,
            "referent_name": referent_name if keep else "",
            "referent_email": referent_email if keep else "",
            "invitation": invitation,
            "due_date": due_date if keep else None,
            "decided_at": timezone.now(),
            "decided_by": by,
        },
    )
    return decision


def owner_from_invitation(invitation, user: User) -> int:
    """An invitation named in a decision was accepted: its holder becomes the action's owner
    (unless someone else owns it by now). Returns how many actions were given."""
    given = 0
    decisions = Decision.objects.filter(
        invitation=invitation, keep=True, action__isnull=False, action__owner__isnull=True
    ).select_related("action__roadmap", "workshop")
    for decision in decisions:
        action = decision.action
        action._change_reason = _("Responsable désigné·e en atelier (invitation acceptée)")
        roadmap.update(
            action,
            owner=user,
            due_date=action.due_date,
            status=action.status,
            notes=action.notes,
        )
        Decision.objects.filter(pk=decision.pk).update(owner=user)
        given += 1
    return given


def complete_diagnostic(workshop: Workshop, *, by: User) -> None:
    """An admin of the organisation completes the workshop's diagnostic, so that the roadmap
    the room decides on is proposed."""
    if workshop.is_event:
        raise WorkshopError(_("Chaque organisation termine son propre diagnostic."))
    try:
        maturity_services.complete(diagnostic=workshop.diagnostic, by=by)
    except maturity_services.DiagnosticError as exc:
        raise WorkshopError(str(exc)) from exc
