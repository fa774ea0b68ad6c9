"""Diagnostics: starting, answering, inviting respondents, completing. Each rule raises
DiagnosticError with a French message that the view shows as is."""

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.mail import send_after_commit
from accounts.models import Membership, Organisation, User
from maturity import inventory, scoring
from maturity.models import (
    Answer,
    Diagnostic,
    EquipmentItem,
    InventoryItem,
    Questionnaire,
    Respondent,
    Section,
)
from maturity.structure import QuestionView, Structure, structure_for

MAX_TEXT = 2000


class DiagnosticError(Exception):
    """A rule about diagnostics was broken; the message is for the user."""


@dataclass(frozen=True)
class ParsedAnswer:
    choice_ids: frozenset[int]
    unknown: bool
    text: str

    @property
    def is_empty(self) -> bool:
        return not self.choice_ids and not self.unknown and not self.text


def parse_answer(question: QuestionView, values: list[str], text: str = "") -> ParsedAnswer:
    """Turn posted values into an answer, refusing anything the question does not offer."""
    unknown = "unknown" in values
    ids: set[int] = set()
    # Compared as text, as the page sends them: no other spelling ("²", "007", 5,000 digits)
    # is ever parsed.
    offered = {str(choice_id) for choice_id in question.choice_ids}
    for value in values:
        if value in ("unknown", ""):
            continue
        if value not in offered:
            raise DiagnosticError(_("Cette réponse ne correspond à aucun choix de la question."))
        ids.add(int(value))
    text = (text or "").strip()
    if question.is_text:
        if len(text) > MAX_TEXT:
            raise DiagnosticError(
                _("Votre réponse dépasse %(max)s caractères.") % {"max": MAX_TEXT}
            )
        return ParsedAnswer(frozenset(), unknown and question.allow_unknown, text)
    if unknown and not question.allow_unknown:
        raise DiagnosticError(_("« Je ne sais pas » n'est pas proposé pour cette question."))
    if unknown and ids:
        raise DiagnosticError(_("Choisissez une réponse ou « Je ne sais pas », pas les deux."))
    if not question.is_multiple and len(ids) > 1:
        raise DiagnosticError(_("Une seule réponse est possible pour cette question."))
    exclusive = {c.id for c in question.choices if c.exclusive}
    if ids & exclusive and len(ids) > 1:
        label = next(c.label for c in question.choices if c.id in exclusive)
        raise DiagnosticError(
            _("« %(label)s » ne se combine pas avec d'autres réponses.") % {"label": label}
        )
    return ParsedAnswer(frozenset(ids), unknown, "")


@dataclass(frozen=True, slots=True)
class GivenAnswer:
    """What the answering pages read of one answer: no model instance per row, as a section
    page and each autosave read all of the respondent's answers (70 and more by the end)."""

    choice_ids: tuple[int, ...]
    unknown: bool
    text: str

    @classmethod
    def of(cls, answer: Answer) -> "GivenAnswer":
        return cls(tuple(answer.choice_ids), answer.unknown, answer.text)


# Answers as the functions below read them: GivenAnswer, or Answer rows where prefetched.
AnswerLike = GivenAnswer | Answer


def answers_of(respondent: Respondent) -> dict[int, GivenAnswer]:
    return {
        question_id: GivenAnswer(tuple(choice_ids), unknown, text)
        for question_id, choice_ids, unknown, text in respondent.answers.values_list(
            "question_id", "choice_ids", "unknown", "text"
        )
    }


def answers_shared_with_organisation(diagnostics):
    """The answers an organisation's admins may read (the respondent's answers page): of the
    respondents who agreed to share them, and never the personal skills self-assessment."""
    return Answer.objects.filter(
        respondent__diagnostic__in=diagnostics, respondent__share_answers=True
    ).exclude(question__section__kind=Section.Kind.SKILLS)


def answer_values(answers: dict[int, AnswerLike]) -> dict[int, scoring.AnswerValue]:
    return {
        qid: scoring.AnswerValue(frozenset(a.choice_ids), a.unknown) for qid, a in answers.items()
    }


def visible_questions(
    structure: Structure, section_code: str, answers: dict[int, AnswerLike], values=None
):
    """Questions of a section shown to this respondent: a follow-up appears only after one of
    the answers it depends on (those the organisation's record answers are never among the
    section's questions). `values` (answer_values(answers)) may be passed when looping."""
    values = answer_values(answers) if values is None else values
    section = structure.section_by_code[section_code]
    by_code = structure.question_by_code
    visible = []
    for question in section.questions:
        if question.show_if_question:
            target = by_code.get(question.show_if_question)
            chosen = (
                values.get(target.id).choice_ids if target and target.id in values else frozenset()
            )
            wanted = (
                {c.id for c in target.choices if c.code in question.show_if_choices}
                if target
                else set()
            )
            if not chosen & wanted:
                continue
        visible.append(question)
    return visible


def save_answer(
    *, respondent: Respondent, structure: Structure, question: QuestionView, parsed: ParsedAnswer
) -> Answer | None:
    """Autosave one answer. Last write wins; the unique constraint keeps one row per question."""
    if respondent.diagnostic.is_completed:
        raise DiagnosticError(
            _("Ce diagnostic est terminé : ses réponses ne peuvent plus être modifiées.")
        )
    if question.id not in structure.questions:
        raise DiagnosticError(
            _("Cette question n'appartient pas à la version du questionnaire de ce diagnostic.")
        )
    if question.organisation_field:
        raise DiagnosticError(
            _(
                "Cette information vient de la fiche de l'organisation : ses "
                "administrateur·rices la modifient sur la fiche."
            )
        )
    if parsed.is_empty:
        Answer.objects.filter(respondent=respondent, question_id=question.id).delete()
        return None
    answer = Answer(
        respondent=respondent,
        question_id=question.id,
        choice_ids=sorted(parsed.choice_ids),
        unknown=parsed.unknown,
        text=parsed.text,
    )
    # One INSERT … ON CONFLICT DO UPDATE: two tabs saving at once end with one row, last write wins.
    Answer.objects.bulk_create(
        [answer],
        update_conflicts=True,
        unique_fields=["respondent", "question"],
        update_fields=["choice_ids", "unknown", "text", "updated_at"],
    )
    return answer


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100

    @property
    def done(self) -> bool:
        return self.answered >= self.total


def section_progress(structure: Structure, answers: dict[int, AnswerLike]) -> dict[str, Progress]:
    progress = {}
    values = answer_values(answers)
    for section in structure.sections:
        visible = visible_questions(structure, section.code, answers, values)
        progress[section.code] = Progress(sum(1 for q in visible if q.id in answers), len(visible))
    return progress


def overall_progress(progress: dict[str, Progress]) -> Progress:
    return Progress(
        sum(p.answered for p in progress.values()), sum(p.total for p in progress.values())
    )


def finished(structure: Structure, answers: dict[int, AnswerLike]) -> bool:
    """The respondent has given every answer asked of them (the optional ones may wait)."""
    return bool(answers) and not unanswered_required(structure, answers)


# About 20 seconds a question, as people answer on the questionnaire's pages.
SECONDS_PER_QUESTION = 20


def estimated_minutes(questions: int) -> int:
    """Minutes to answer `questions` questions, rounded up to 5 (never under 5)."""
    return max(5, 5 * math.ceil(questions * SECONDS_PER_QUESTION / 60 / 5))


def unanswered_required(
    structure: Structure, answers: dict[int, AnswerLike]
) -> list[tuple[str, QuestionView]]:
    missing = []
    values = answer_values(answers)
    for section in structure.sections:
        for question in visible_questions(structure, section.code, answers, values):
            if question.required and question.id not in answers:
                missing.append((section.title, question))
    return missing


# --- Starting, joining, inviting ---------------------------------------------------------------


def current_questionnaire() -> Questionnaire:
    questionnaire = Questionnaire.objects.published().first()
    if questionnaire is None:
        raise DiagnosticError(
            _("Aucun questionnaire n'est publié pour l'instant : contactez la CRESS.")
        )
    return questionnaire


@transaction.atomic
def start_diagnostic(*, organisation: Organisation, user: User) -> tuple[Diagnostic, Respondent]:
    """Start a diagnostic, or join the one in progress: one in progress per organisation."""
    diagnostic = Diagnostic.objects.filter(
        organisation=organisation, status=Diagnostic.Status.IN_PROGRESS
    ).first()
    if diagnostic is None:
        try:
            with transaction.atomic():
                diagnostic = Diagnostic.objects.create(
                    organisation=organisation,
                    questionnaire=current_questionnaire(),
                    created_by=user,
                )
        except IntegrityError:
            diagnostic = Diagnostic.objects.get(
                organisation=organisation, status=Diagnostic.Status.IN_PROGRESS
            )
    respondent, _created = Respondent.objects.get_or_create(diagnostic=diagnostic, user=user)
    return diagnostic, respondent


@transaction.atomic
def add_member_respondent(
    *, diagnostic: Diagnostic, membership: Membership, by: User
) -> Respondent:
    if diagnostic.is_completed:
        raise DiagnosticError(_("Ce diagnostic est terminé."))
    respondent, created = Respondent.objects.get_or_create(
        diagnostic=diagnostic, user=membership.user, defaults={"invited_by": by}
    )
    if not created:
        raise DiagnosticError(
            _("%(name)s répond déjà à ce diagnostic.") % {"name": membership.user.display_name}
        )
    send_after_commit(
        to=[membership.user.email],
        subject=_("Votre avis pour le diagnostic numérique de %(organisation)s")
        % {"organisation": diagnostic.organisation.name},
        template="maturity/email/respondent_member.txt",
        context={
            "diagnostic": diagnostic,
            "by": by,
            "url": settings.SITE_URL + reverse("maturity:respondent_home", args=[respondent.pk]),
        },
    )
    return respondent


def guest_link(token: str) -> str:
    """The full address of a guest's link, as the guest receives it."""
    return settings.SITE_URL + reverse("maturity:guest_entry", args=[token])


@transaction.atomic
def invite_guest(
    *, diagnostic: Diagnostic, name: str, email: str, role_label: str, by: User
) -> tuple[Respondent, str]:
    """A guest and their personal link, e-mailed when an address is given (without one, the
    admin passes the link on: by text message, a messaging app, a QR code in a meeting).
    Returns the respondent and the link: only its hash is stored, so this is the one time it
    can be read."""
    if diagnostic.is_completed:
        raise DiagnosticError(_("Ce diagnostic est terminé."))
    respondent, token = Respondent.new_guest(
        diagnostic=diagnostic, name=name, email=email, role_label=role_label, invited_by=by
    )
    respondent.save()
    url = guest_link(token)
    if respondent.email:
        send_after_commit(
            to=[respondent.email],
            subject=_("Votre avis pour le diagnostic numérique de %(organisation)s")
            % {"organisation": diagnostic.organisation.name},
            template="maturity/email/respondent_guest.txt",
            context={
                "diagnostic": diagnostic,
                "respondent": respondent,
                "by": by,
                "days": Respondent.GUEST_LINK_DAYS,
                "url": url,
            },
        )
    return respondent, url


@transaction.atomic
def renew_guest_link(respondent: Respondent, *, by: User) -> str:
    """A new link for a guest who lost theirs (or never got it): the previous one stops
    working, the new one is valid for the usual period, a deactivated guest is let in again.
    Returns the link, readable this once like a new guest's."""
    if respondent.diagnostic.is_completed:
        raise DiagnosticError(_("Ce diagnostic est terminé."))
    if not respondent.is_guest:
        raise DiagnosticError(_("Les membres répondent avec leur compte, sans lien."))
    fresh, token = Respondent.new_guest(
        diagnostic=respondent.diagnostic,
        name=respondent.name,
        email=respondent.email,
        role_label=respondent.role_label,
        invited_by=by,
    )
    respondent.token_hash = fresh.token_hash
    respondent.expires_at = fresh.expires_at
    respondent.revoked_at = None
    respondent.save(update_fields=["token_hash", "expires_at", "revoked_at", "updated_at"])
    return guest_link(token)


def revoke_guest(respondent: Respondent) -> None:
    if respondent.is_guest and respondent.revoked_at is None:
        respondent.revoked_at = timezone.now()
        respondent.save(update_fields=["revoked_at", "updated_at"])


@transaction.atomic
def complete(*, diagnostic: Diagnostic, by: User):
    """Lock the answers and store the results snapshot."""
    from maturity.results import store_snapshot

    diagnostic = Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)
    if diagnostic.is_completed:
        raise DiagnosticError(_("Ce diagnostic est déjà terminé."))
    if not Answer.objects.filter(respondent__diagnostic=diagnostic).exists():
        raise DiagnosticError(
            _(
                "Aucune réponse n'a encore été donnée : répondez au moins à une partie avant de terminer."
            )
        )
    diagnostic.status = Diagnostic.Status.COMPLETED
    diagnostic.completed_at = timezone.now()
    diagnostic.completed_by = by
    diagnostic.save(update_fields=["status", "completed_at", "completed_by"])
    snapshot = store_snapshot(diagnostic)
    from maturity import roadmap

    roadmap.generate(diagnostic)
    return snapshot


# --- Inventory -----------------------------------------------------------------------------------


def save_inventory(
    *,
    diagnostic: Diagnostic,
    lines: Sequence[inventory.Declared] | None = None,
    usages: Collection[str] | None = None,
    equipment: Mapping[str, Mapping[str, int | None]] | None = None,
    by: User,
) -> None:
    """Write what the inventory's pages declare: `lines` (maturity.inventory.declared) replace
    the tools of `usages` (codes; all of them when None: a page may show only a part);
    `equipment` (an EquipmentForm's cleaned data by kind) sets the count, age, reconditioned
    share and renewal of each kind given. What is None stays as it was."""
    if diagnostic.is_completed:
        raise DiagnosticError(
            _("Ce diagnostic est terminé : son inventaire ne peut plus être modifié.")
        )
    with transaction.atomic():
        if lines is not None:
            replaced = diagnostic.inventory_items.all()
            if usages is not None:
                replaced = replaced.filter(usage__in=usages)
            replaced.delete()
            InventoryItem.objects.bulk_create(
                InventoryItem(
                    diagnostic=diagnostic,
                    usage=line.usage,
                    tool_name=line.name,
                    without_tool=line.without_tool,
                    libre=line.libre,
                    eu_hosted=line.eu_hosted,
                    added_by=by,
                )
                for line in lines
            )
        for kind, data in (equipment or {}).items():
            EquipmentItem.objects.update_or_create(
                diagnostic=diagnostic,
                kind=kind,
                defaults={
                    "count": data["count"] or 0,
                    "average_age": data["average_age"],
                    "reconditioned_percent": data["reconditioned_percent"],
                    "renewal_years": data["renewal_years"],
                },
            )


# --- Discovery diagnostic ------------------------------------------------------------------------


@transaction.atomic
def carry_over_discovery(
    *, organisation: Organisation, user: User, payload
) -> tuple[Respondent, int]:
    """Start (or join) the organisation's diagnostic and write the discovery answers kept in the
    session (maturity.discovery) as the person's own. A question they have already answered
    there keeps its answer: nothing is overwritten, so doing it twice writes nothing more.
    Returns the respondent and how many answers were written."""
    from maturity import discovery  # it reads this module's answer types

    diagnostic, respondent = start_diagnostic(organisation=organisation, user=user)
    structure = structure_for(diagnostic.questionnaire)
    # By codes, into the diagnostic's own version (which may be older than the published one).
    answers = discovery.from_session(structure, payload, discovery_only=False)
    # Only the questions the diagnostic asks: one its sections leave out is answered otherwise.
    asked = {question.id for section in structure.sections for question in section.questions}
    existing = set(respondent.answers.values_list("question_id", flat=True))
    rows = [
        Answer(
            respondent=respondent,
            question_id=question_id,
            choice_ids=sorted(answer.choice_ids),
            unknown=answer.unknown,
        )
        for question_id, answer in answers.items()
        if question_id in asked and question_id not in existing
    ]
    Answer.objects.bulk_create(rows, ignore_conflicts=True)
    return respondent, len(rows)
