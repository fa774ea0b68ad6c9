"""Completed diagnostics for the demo organisations, so that results, comparisons and roadmaps
have something to show. The first one, the demo admin's own, also has its roadmap under way
(actions done, in progress, one late) and a second diagnostic under way, so that a newcomer
trying the demo sees every page filled. Idempotent; DEBUG only."""

import random
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Membership, Organisation
from maturity import footprint, roadmap, services
from maturity.models import Diagnostic, EquipmentItem, InventoryItem, RoadmapAction
from maturity.structure import structure_for

DEMO_ORGANISATIONS = "9"  # demo SIRENs start with 9 (accounts.demo)
# (equipment kind, devices per staff member, typical average age in years)
DEMO_EQUIPMENT = [
    ("ordinateurs", 0.8, 4),
    ("ordinateurs_fixes", 0.3, 6),
    ("ecrans", 0.6, 5),
    ("telephones", 0.5, 3),
    ("imprimantes", 0.2, 6),
    ("box", 0.1, 4),
]


class Command(BaseCommand):
    help = "Crée des diagnostics terminés pour les organisations de démonstration."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Réservé aux données de démonstration (DEBUG=1).")
        organisations = list(
            Organisation.objects.filter(siren__startswith=DEMO_ORGANISATIONS).order_by("siren")
        )
        made = 0
        for organisation in organisations:
            if Diagnostic.objects.filter(organisation=organisation).exists():
                continue
            admin = Membership.objects.filter(
                organisation=organisation, role="admin", is_active=True
            ).first()
            if admin is None:
                continue
            rng = random.Random(organisation.siren)
            diagnostic, respondent = services.start_diagnostic(
                organisation=organisation, user=admin.user
            )
            structure = structure_for(diagnostic.questionnaire)
            tilt = rng.random()  # some organisations are further along than others
            _answer(respondent, structure, rng, tilt, _profile_answers(organisation))
            if organisation == organisations[0]:
                # The demo admin's own organisation: its team answered too.
                for membership in Membership.objects.filter(
                    organisation=organisation, is_active=True
                ).exclude(pk=admin.pk):
                    _diagnostic, other = services.start_diagnostic(
                        organisation=organisation, user=membership.user
                    )
                    _answer(other, structure, rng, tilt, _profile_answers(organisation))
            usages = structure.inventory.get("usages", [])
            for usage in rng.sample(usages, k=min(5, len(usages))):
                for tool in rng.sample(usage["common_tools"], k=rng.choice([1, 1, 2])):
                    InventoryItem.objects.get_or_create(
                        diagnostic=diagnostic,
                        usage=usage["code"],
                        tool_name=tool["name"],
                        defaults={"libre": tool["libre"], "eu_hosted": tool["eu_hosted"]},
                    )
            # Equipment sized on the organisation, so that results show a footprint.
            people = max(2, round(footprint.people(organisation.staff_band, "0") or 0))
            for kind, per_person, age in DEMO_EQUIPMENT:
                count = max(1, round(people * per_person * (0.6 + rng.random() * 0.8)))
                EquipmentItem.objects.get_or_create(
                    diagnostic=diagnostic,
                    kind=kind,
                    defaults={
                        "count": count,
                        "average_age": age + rng.randint(-1, 2),
                        "reconditioned_percent": rng.choice([0, 0, 20, 50]),
                    },
                )
            services.complete(diagnostic=diagnostic, by=admin.user)
            made += 1
            if organisation == organisations[0]:
                _roadmap_under_way(diagnostic, admin)
        if organisations and _second_diagnostic(organisations[0]):
            made += 1
        self.stdout.write(
            self.style.SUCCESS(
                f"Diagnostics de démonstration : {made} {'créés' if made > 1 else 'créé'}."
            )
        )


def _answer(respondent, structure, rng, tilt, coherent: dict[str, str], sections=None) -> None:
    """One answer per single-choice question (of `sections`, or all), drawn with `rng`."""
    for section in structure.sections:
        if sections is not None and section.code not in sections:
            continue
        for question in section.questions:
            if not question.choices or question.is_multiple:
                continue
            # "Non concerné" only where it is true; the record answers the profile's size.
            choices = [
                c for c in question.choices if c.score is not None or section.kind != "dimension"
            ]
            if question.code in coherent:
                choices = [c for c in question.choices if c.code == coherent[question.code]]
            index = min(len(choices) - 1, int(rng.random() * len(choices) * (0.5 + tilt)))
            parsed = services.parse_answer(question, [str(choices[index].id)])
            services.save_answer(
                respondent=respondent, structure=structure, question=question, parsed=parsed
            )


# The first diagnostic of the demo admin's organisation was completed this long ago.
FIRST_DIAGNOSTIC_DAYS_AGO = 150


def _roadmap_under_way(diagnostic: Diagnostic, admin: Membership) -> None:
    """Five months on: the completed diagnostic dated back, and its roadmap's first priorities
    taken on, with owners and due dates: two done, two in progress (one late), one to do."""
    then = timezone.now() - timedelta(days=FIRST_DIAGNOSTIC_DAYS_AGO)
    Diagnostic.objects.filter(pk=diagnostic.pk).update(
        created_at=then - timedelta(days=14), completed_at=then
    )
    organisation = diagnostic.organisation
    people = [admin.user] + [
        m.user
        for m in Membership.objects.filter(organisation=organisation, is_active=True)
        .exclude(pk=admin.pk)
        .select_related("user")
        .order_by("pk")
    ]
    priorities = [
        action
        for action in RoadmapAction.objects.filter(roadmap__organisation=organisation)
        .select_related("roadmap")
        .order_by("position", "pk")
        if roadmap.is_priority(action)
    ]
    today = timezone.localdate()
    # (status, owner's index among the members, due in so many days: negative is late)
    plan = [
        (RoadmapAction.Status.DONE, 0, -60),
        (RoadmapAction.Status.DONE, 1, -20),
        (RoadmapAction.Status.DOING, 0, -10),
        (RoadmapAction.Status.DOING, 1, 12),
        (RoadmapAction.Status.TODO, 0, 45),
    ]
    for action, (status, owner, days) in zip(priorities, plan, strict=False):
        roadmap.decide(action, accept=True)
        roadmap.update(
            action,
            owner=people[owner % len(people)],
            due_date=today + timedelta(days=days),
            status=status,
            notes="",
        )


def _second_diagnostic(organisation: Organisation) -> bool:
    """A new diagnostic under way, once the first is completed: the admin has answered about
    half of it. False when there is one already (or nobody to answer)."""
    if (
        Diagnostic.objects.filter(
            organisation=organisation, status=Diagnostic.Status.IN_PROGRESS
        ).exists()
        or not Diagnostic.objects.filter(organisation=organisation).exists()
    ):
        return False
    admin = Membership.objects.filter(
        organisation=organisation, role="admin", is_active=True
    ).first()
    if admin is None:
        return False
    diagnostic, respondent = services.start_diagnostic(organisation=organisation, user=admin.user)
    structure = structure_for(diagnostic.questionnaire)
    half = {s.code for s in structure.sections[: len(structure.sections) // 2]}
    rng = random.Random(organisation.siren + "-2")
    _answer(respondent, structure, rng, 0.8, _profile_answers(organisation), sections=half)
    return True


def _profile_answers(organisation: Organisation) -> dict[str, str]:
    """Answers that agree with the organisation record (a demo should not contradict itself):
    "non concerné" on volunteering when it has no volunteers."""
    answers = {}
    if organisation.volunteers_band == "0":
        answers["financement_benevoles"] = "financement_benevoles_non_concerne"
    return answers
