from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from identity.models import SINGLETON_PK, InstanceIdentity

# A plausible operator, said to be fictitious wherever it shows (header badge, legal notices,
# PDF covers). Its e-mail addresses are in a reserved domain; it links to no site.
DEMO_LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48">'
    "<title>CRESS de démonstration</title>"
    '<circle cx="24" cy="24" r="23" fill="#0b5a48"/>'
    '<circle cx="24" cy="14.5" r="6" fill="#fff"/>'
    '<circle cx="15" cy="30" r="6" fill="#ffbf47"/>'
    '<circle cx="33" cy="30" r="6" fill="#fff"/>'
    "</svg>"
)
DEMO_IDENTITY = {
    "operator_name": "CRESS de démonstration",
    "short_name": "CRESS Démo",
    "is_demo": True,
    "logo_svg": DEMO_LOGO,
    "legal_form": "Association loi 1901",
    "siret": "90000000100017",
    "address": "12 rue de l’Économie-Solidaire\n33000 Bordeaux",
    "phone": "05 00 00 00 00",
    "contact_email": "contact@cress-demo.example.org",
    "publication_director": "Camille Martin, présidente",
    "dpo_name": "Léa Moreau",
    "dpo_email": "dpo@cress-demo.example.org",
    "host_name": "Hébergeur associatif de démonstration",
    "host_address": "1 place du Serveur\n33000 Bordeaux",
    "host_phone": "05 00 00 00 01",
}


class Command(BaseCommand):
    help = "Donne à l’instance une identité de démonstration, si elle n’en a pas encore."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("L’identité de démonstration n’est posée qu’avec DEBUG=1.")
        # Never over an identity someone has saved: demo data may be loaded again at any time.
        _row, created = InstanceIdentity.objects.get_or_create(
            pk=SINGLETON_PK, defaults=DEMO_IDENTITY
        )
        if created and options["verbosity"]:
            self.stdout.write("Identité de démonstration posée : CRESS de démonstration.")
