"""Completed diagnostics for the demo organisations (except the first, left for you to answer),
so that results, comparisons and roadmaps have something to show. Idempotent; DEBUG only."""

import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Membership, Organisation
from maturity import footprint, services
from maturity.models import Diagnostic, EquipmentItem, InventoryItem
from maturity.structure import structure_for

DEMO_ORGANISATIONS = "9"  # demo SIRENs start with 9 (accounts demo_data)
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
        organisations = Organisation.objects.filter(siren__startswith=DEMO_ORGANISATIONS).order_by(
            "siren"
        )[1:]
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
            coherent = _profile_answers(organisation)
            for section in structure.sections:
                for question in section.questions:
                    if not question.choices or question.is_multiple:
                        continue
                    # "Non concerné" only where it is true; the profile matches the record.
                    choices = [
                        c
                        for c in question.choices
                        if c.score is not None or section.kind != "dimension"
                    ]
                    if question.code in coherent:
                        choices = [c for c in question.choices if c.code == coherent[question.code]]
                    index = min(len(choices) - 1, int(rng.random() * len(choices) * (0.5 + tilt)))
                    parsed = services.parse_answer(question, [str(choices[index].id)])
                    services.save_answer(
                        respondent=respondent, structure=structure, question=question, parsed=parsed
                    )
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
        self.stdout.write(self.style.SUCCESS(f"Diagnostics de démonstration : {made} créé(s)."))


STAFF = {
    "0": "profil_salaries_0",
    "1-2": "profil_salaries_1_2",
    "3-9": "profil_salaries_3_9",
    "10-49": "profil_salaries_10_49",
    "50+": "profil_salaries_50_plus",
}
VOLUNTEERS = {
    "0": "profil_benevoles_0",
    "1-9": "profil_benevoles_1_10",
    "10-49": "profil_benevoles_11_50",
    "50-199": "profil_benevoles_51_200",
    "200+": "profil_benevoles_200_plus",
}


def _profile_answers(organisation: Organisation) -> dict[str, str]:
    """Profile answers that agree with the organisation record (a demo should not contradict
    itself), and "non concerné" on volunteering when it has no volunteers."""
    answers = {
        "profil_salaries": STAFF.get(organisation.staff_band, "profil_salaries_0"),
        "profil_benevoles": VOLUNTEERS.get(organisation.volunteers_band, "profil_benevoles_0"),
        "profil_insertion": (
            "profil_insertion_10_29" if organisation.legal_form == "siae" else "profil_insertion_0"
        ),
    }
    if organisation.volunteers_band == "0":
        answers["financement_benevoles"] = "financement_benevoles_non_concerne"
    return answers
