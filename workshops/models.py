"""Workshops: a facilitated team diagnostic in a room, its agenda of divergences and the
decisions it records on the roadmap.

A team workshop runs on one organisation's diagnostic in progress. An event workshop (a CRESS
or an ambassador's event) gathers several organisations, each answering its own diagnostic;
the room sees only the aggregate. Participants are guest respondents of their organisation's
diagnostic (maturity.Respondent), held in their phone's session, with a group label.
"""

import secrets
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from maturity.models import Diagnostic, Questionnaire, Respondent, RoadmapAction

# Without 0/O and 1/I, which people mistake for one another when reading a projected code.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6

DEFAULT_GROUPS = [
    "Instances, bureau",
    "Salarié·es",
    "Bénévoles",
    "Personnes accompagnées",
]


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person typed, as codes are stored: capitals, without spaces or dashes."""
    return "".join(ch for ch in (text or "").upper() if ch not in " -.\t")[:20]


class WorkshopQuerySet(models.QuerySet["Workshop"]):
    def open(self):
        return self.filter(status=Workshop.Status.OPEN)

    def for_console(self) -> Self:
        return self.select_related("organisation", "diagnostic__questionnaire", "questionnaire")


class Workshop(models.Model):
    class Kind(models.TextChoices):
        TEAM = "team", _("Atelier d'équipe")
        EVENT = "event", _("Atelier collectif de plusieurs organisations")

    class Pace(models.TextChoices):
        FACILITATOR = "facilitator", _("Dimension par dimension, ouvertes par l'animateur·rice")
        FREE = "free", _("Toutes les dimensions, au rythme de chacun·e")

    class Status(models.TextChoices):
        OPEN = "open", _("Ouvert")
        CLOSED = "closed", _("Clos")

    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.TEAM)
    title = models.CharField(_("titre"), max_length=150)
    # A team workshop's organisation and diagnostic; none for an event.
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="workshops"
    )
    diagnostic = models.ForeignKey(
        Diagnostic, null=True, blank=True, on_delete=models.CASCADE, related_name="workshops"
    )
    # The version every diagnostic of the room answers (an event's aggregate adds up the same
    # questions only).
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    # An ambassador's event workshop belongs to one of their events.
    event = models.ForeignKey(
        "ambassadors.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    code = models.CharField(max_length=CODE_LENGTH, editable=False)
    groups = models.JSONField(default=list)
    pace = models.CharField(
        _("rythme"), max_length=11, choices=Pace.choices, default=Pace.FACILITATOR
    )
    current_dimension = models.CharField(max_length=60, blank=True)
    timer_ends_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        verbose_name = _("atelier")
        ordering = ["-created_at"]
        constraints = [
            # A code opens one workshop at a time; a closed workshop's code may come back.
            models.UniqueConstraint(
                fields=["code"], condition=Q(status="open"), name="workshop_code_unique_when_open"
            ),
            models.UniqueConstraint(
                fields=["diagnostic"],
                condition=Q(status="open"),
                name="one_open_workshop_per_diagnostic",
            ),
            models.CheckConstraint(
                condition=Q(kind="event", organisation__isnull=True, diagnostic__isnull=True)
                | Q(kind="team", organisation__isnull=False, diagnostic__isnull=False),
                name="workshop_team_has_its_diagnostic",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_event(self) -> bool:
        return self.kind == self.Kind.EVENT

    def group_label(self, index: int) -> str:
        return self.groups[index] if 0 <= index < len(self.groups) else ""


class EventOrganisation(models.Model):
    """An organisation taking part in an event workshop with its own diagnostic, linked by one
    of its admins; its people join with the organisation's own code."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="entries")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=CODE_LENGTH, editable=False)
    is_open = models.BooleanField(default=True)  # the workshop's status, for the code's constraint
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("organisation d'un atelier collectif")
        verbose_name_plural = _("organisations d'un atelier collectif")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "organisation"], name="one_entry_per_organisation_and_workshop"
            ),
            models.UniqueConstraint(
                fields=["code"], condition=Q(is_open=True), name="entry_code_unique_when_open"
            ),
        ]

    def __str__(self):
        return f"{self.workshop_id}: {self.organisation_id}"


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def for_page(self) -> Self:
        """What a participant's page reads: the workshop and the respondent's diagnostic (the
        questionnaire is the structure cache's key)."""
        return self.select_related("workshop", "respondent__diagnostic__questionnaire").defer(
            "respondent__diagnostic__questionnaire__levels",
            "respondent__diagnostic__questionnaire__inventory",
            "respondent__diagnostic__questionnaire__description",
        )


class Participant(models.Model):
    """Someone in the room: a guest respondent of their organisation's diagnostic, without an
    account, held in their phone's session, with the group they chose."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    respondent = models.OneToOneField(
        Respondent, on_delete=models.CASCADE, related_name="workshop_participant"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    group = models.PositiveSmallIntegerField()
    joined_at = models.DateTimeField(auto_now_add=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant·e")
        ordering = ["joined_at"]
        indexes = [models.Index(fields=["workshop", "group"], name="participant_workshop_group")]

    def __str__(self):
        return f"{self.workshop_id}/{self.pk}"


class AgendaItem(models.Model):
    """A disputed question put on the agenda: discussed or not, and the room's note."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="agenda")
    question_id = models.BigIntegerField()
    discussed = models.BooleanField(_("discutée"), default=False)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "question_id"], name="one_agenda_item_per_question"
            )
        ]

    def __str__(self):
        return f"{self.workshop_id}/{self.question_id}"


class Decision(models.Model):
    """What the room chose for a roadmap action: recorded on the action itself (maturity's
    roadmap services) and kept here for the workshop's report."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="decisions")
    action = models.ForeignKey(
        RoadmapAction, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action_title = models.CharField(max_length=200)
    keep = models.BooleanField()
    reason = models.CharField(max_length=300, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A référent·e named in the room who has no account in the organisation (yet).
    referent_name = models.CharField(max_length=150, blank=True)
    referent_email = models.EmailField(blank=True)
    invitation = models.ForeignKey(
        "accounts.Invitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "action"], name="one_decision_per_action_and_workshop"
            )
        ]

    def __str__(self):
        return f"{self.workshop_id}: {self.action_title}"
