"""Recompute the equipment footprint factors with Boavizta's library and write them to
fixtures/footprint_factors.json (the `footprint` extra installs the library)."""

import json

from django.core.management.base import BaseCommand, CommandError

from maturity import footprint


class Command(BaseCommand):
    help = (
        "Recalcule les facteurs d'empreinte de l'équipement avec la bibliothèque de Boavizta "
        "et les écrit dans fixtures/footprint_factors.json."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="N'écrit rien : signale si le fichier diffère du calcul (date mise à part).",
        )

    def handle(self, *args, check=False, **options):
        try:
            from maturity import footprint_reference

            data = footprint_reference.build()
        except ImportError as exc:
            raise CommandError(
                "La bibliothèque boaviztapi manque : installez-la avec pip install -e '.[footprint]'."
            ) from exc
        text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        if check:
            current = json.loads(footprint.FACTORS_FILE.read_text(encoding="utf-8"))
            current["generated_on"] = data["generated_on"]
            if current != data:
                raise CommandError("Le fichier des facteurs diffère du calcul de la bibliothèque.")
            self.stdout.write(self.style.SUCCESS("Le fichier des facteurs est à jour."))
            return
        footprint.FACTORS_FILE.write_text(text, encoding="utf-8")
        self.stdout.write(
            self.style.SUCCESS(
                f"Facteurs écrits (boaviztapi {data['library']['version']}, "
                f"{data['generated_on']}) : {footprint.FACTORS_FILE.name}"
            )
        )
