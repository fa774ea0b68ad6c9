"""The accounts app's demo content: people (one per role) and organisations with their
memberships. Idempotent. Called by manage.py demo_data (config), which refuses to run when
DEBUG is off: the passwords are public (README, "Comptes de démonstration")."""

from allauth.account.models import EmailAddress
from stdnum import luhn

from accounts.models import Membership, Organisation, User

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


def create() -> dict[str, User]:
    """The demo people (by key: "cress", "adviser", "admin"…) and organisations; returns the
    people, for the other apps' demo content."""
    people = {key: _person(first, last, email) for key, first, last, email in PEOPLE}
    people["cress"].is_cress_admin = True
    people["cress"].save(update_fields=["is_cress_admin"])

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

    _member(people["admin"], organisations[0], Membership.Role.ADMIN)
    _member(people["member"], organisations[0], Membership.Role.MEMBER)
    _member(people["ambassador"], organisations[0], Membership.Role.MEMBER)
    _member(people["admin"], organisations[2], Membership.Role.MEMBER)
    _member(people["other"], organisations[1], Membership.Role.ADMIN)
    _member(people["ambassador"], organisations[1], Membership.Role.ADMIN)
    for organisation in organisations[2:]:
        _member(people["other"], organisation, Membership.Role.ADMIN)
    return people


def _person(first: str, last: str, email: str) -> User:
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


def _member(user: User, organisation: Organisation, role: str) -> None:
    Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": role})
