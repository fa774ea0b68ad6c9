"""Create demo accounts and organisations. Idempotent; refused when DEBUG is off.

Credentials are listed in README.md ("Comptes de démonstration").
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from stdnum import luhn

from accounts.models import Membership, Organisation, User
from advisers.models import AdviserProfile, DlaStructure

DEMO_PASSWORD = "demo-boussole-2026"

# (key, first name, last name, e-mail)
PEOPLE = [
    ("cress", "Camille", "Durand", "cress@example.org"),
    ("adviser", "Nadia", "Benali", "conseil@example.org"),
    ("admin", "Louis", "Martin", "admin@example.org"),
    ("member", "Inès", "Moreau", "membre@example.org"),
    ("ambassador", "Yann", "Le Goff", "ambassadeur@example.org"),
    ("other", "Sophie", "Roux", "autre@example.org"),
]

# name, legal form, sector, staff, volunteers, postcode, federation
ORGANISATIONS = [
    (
        "Les Jardins Partagés du Bastide",
        "association",
        "environnement",
        "1-2",
        "10-49",
        "33100",
        "Réseau des jardins partagés",
    ),
    ("Coopérative Bocage Numérique", "scic", "environnement", "3-9", "1-9", "79000", ""),
    (
        "Théâtre de l'Escalier",
        "association",
        "culture",
        "3-9",
        "10-49",
        "87000",
        "Fédération des arts vivants",
    ),
    ("Solid'Emploi Limousin", "siae", "insertion", "10-49", "1-9", "19100", "Chantier école"),
    (
        "Mutuelle des Pêcheurs d'Oléron",
        "mutuelle",
        "sante",
        "50+",
        "0",
        "17310",
        "Mutualité Française",
    ),
    (
        "Fondation Horizons Solidaires",
        "fondation",
        "solidarite_internationale",
        "10-49",
        "50-199",
        "69007",
        "",
    ),
    (
        "Club Sportif des Trois Rivières",
        "association",
        "sport",
        "0",
        "50-199",
        "97100",
        "Comité régional olympique",
    ),
    ("SCOP Atelier Bois & Cie", "scop", "autre", "10-49", "0", "44000", "Union régionale des SCOP"),
    (
        "Maison des Jeunes de Belleville",
        "association",
        "education_populaire",
        "3-9",
        "10-49",
        "75020",
        "Fédération des MJC",
    ),
    (
        "Aide à Domicile Vallée d'Aure",
        "association",
        "medico_social",
        "50+",
        "1-9",
        "65170",
        "ADMR",
    ),
    ("CAE Coopaname Sud", "cae", "autre", "3-9", "0", "13001", ""),
    (
        "Les Petits Débrouillards Corse",
        "association",
        "education_populaire",
        "1-2",
        "10-49",
        "20000",
        "Réseau des Petits Débrouillards",
    ),
]


def demo_siren(index: int) -> str:
    """A syntactically valid SIREN (Luhn) in a range that reads as demo data."""
    base = f"9{index:07d}"
    return base + luhn.calc_check_digit(base)


class Command(BaseCommand):
    help = "Crée les comptes et organisations de démonstration (jamais en production)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Les données de démonstration ne sont créées qu'avec DEBUG=1 : "
                "leurs mots de passe sont publics (README)."
            )
        with transaction.atomic():
            people = {key: self._person(first, last, email) for key, first, last, email in PEOPLE}
            people["cress"].is_cress_admin = True
            people["cress"].save(update_fields=["is_cress_admin"])

            structure, _ = DlaStructure.objects.get_or_create(
                name="DLA de la Gironde", defaults={"departements": ["33"]}
            )
            DlaStructure.objects.get_or_create(
                name="DLA des Deux-Sèvres et de la Vienne", defaults={"departements": ["79", "86"]}
            )
            AdviserProfile.objects.update_or_create(
                user=people["adviser"],
                defaults={"structure": structure, "status": AdviserProfile.Status.APPROVED},
            )

            organisations = []
            for index, (name, form, sector, staff, volunteers, postcode, federation) in enumerate(
                ORGANISATIONS, start=1
            ):
                organisation, _ = Organisation.objects.get_or_create(
                    siren=demo_siren(index),
                    defaults={
                        "name": name,
                        "legal_form": form,
                        "sector": sector,
                        "staff_band": staff,
                        "volunteers_band": volunteers,
                        "postcode": postcode,
                        "federation": federation,
                    },
                )
                if not organisation.departement:
                    organisation.set_territory_from_postcode()
                    organisation.save()
                organisations.append(organisation)

            self._member(people["admin"], organisations[0], Membership.Role.ADMIN)
            self._member(people["member"], organisations[0], Membership.Role.MEMBER)
            self._member(people["ambassador"], organisations[0], Membership.Role.MEMBER)
            self._member(people["admin"], organisations[2], Membership.Role.MEMBER)
            self._member(people["other"], organisations[1], Membership.Role.ADMIN)
            self._member(people["ambassador"], organisations[1], Membership.Role.ADMIN)
            for organisation in organisations[2:]:
                self._member(people["other"], organisation, Membership.Role.ADMIN)

        # Each app loads its own demo content (questionnaire, toolbox, community), idempotently.
        # demo:apps
        call_command("load_toolbox")
        call_command("load_questionnaire")
        call_command("load_roadmap_rules")
        call_command("demo_diagnostics")
        call_command("load_ambassadors")
        self.stdout.write(
            self.style.SUCCESS(
                f"Données de démonstration prêtes : {len(PEOPLE)} comptes "
                f"(mot de passe « {DEMO_PASSWORD} »), {len(ORGANISATIONS)} organisations."
            )
        )

    def _person(self, first: str, last: str, email: str) -> User:
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _member(self, user: User, organisation: Organisation, role: str) -> None:
        Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": role}
        )
