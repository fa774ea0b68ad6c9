"""Demo content for every app: accounts and organisations, the adviser, the toolbox, the
questionnaire and its roadmap rules, diagnostics and the community. Idempotent; refused when
DEBUG is off. It lives in config, above the apps, because it gathers them all; each app keeps
its own pieces (accounts.demo, advisers.demo, the apps' load_* and demo_* commands).

Credentials are listed in README.md ("Comptes de démonstration").
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import demo as accounts_demo
from advisers import demo as advisers_demo


class Command(BaseCommand):
    help = "Crée les comptes et organisations de démonstration (jamais en production)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Les données de démonstration ne sont créées qu'avec DEBUG=1 : "
                "leurs mots de passe sont publics (README)."
            )
        with transaction.atomic():
            people = accounts_demo.create()
            advisers_demo.create(adviser=people["adviser"], approved_by=people["cress"])

        # Each app loads its own demo content (questionnaire, toolbox, community), idempotently.
        # demo:apps
        call_command("load_toolbox")
        call_command("load_questionnaire")
        call_command("load_roadmap_rules")
        call_command("demo_diagnostics")
        # Once diagnostics are completed: the organisations that opened them to the adviser.
        advisers_demo.open_portfolio(adviser=people["adviser"])
        call_command("load_ambassadors")
        # Who runs this demonstration (header, legal notices, PDF covers, the strip saying it is
        # one), unless an identity was saved already.
        call_command("demo_identity")
        self.stdout.write(
            self.style.SUCCESS(
                f"Données de démonstration prêtes : {len(accounts_demo.PEOPLE)} comptes "
                f"(mot de passe « {accounts_demo.DEMO_PASSWORD} »), "
                f"{len(accounts_demo.ORGANISATIONS)} organisations."
            )
        )
