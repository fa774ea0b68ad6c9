"""Validate fixtures/roadmap.yaml (or a given file) against the published questionnaire and make it
the active rules. Idempotent: an existing version is only re-activated."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from maturity import questionnaire_file, roadmap_rules
from maturity.models import Questionnaire, RoadmapRules


class Command(BaseCommand):
    help = "Valide et active les règles de la feuille de route."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", default=str(Path(settings.BASE_DIR) / "fixtures" / "roadmap.yaml")
        )
        parser.add_argument("--check", action="store_true", help="Valider seulement.")

    def handle(self, *args, path, check=False, **options):
        questionnaire = Questionnaire.objects.published().first()
        reference = (
            questionnaire_file.export_questionnaire(questionnaire) if questionnaire else None
        )
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Lecture impossible de {path} : {exc}") from exc
        data, errors = roadmap_rules.load(
            text, questionnaire=reference, need_codes=roadmap_rules.known_need_codes()
        )
        if errors:
            for error in errors:
                self.stderr.write(error)
            raise CommandError("Le fichier comporte des erreurs : rien n'a été importé.")
        if check:
            self.stdout.write(
                self.style.SUCCESS(f"Règles valides : {len(data['actions'])} actions.")
            )
            return
        with transaction.atomic():
            RoadmapRules.objects.filter(is_active=True).exclude(version=data["version"]).update(
                is_active=False
            )
            rules, created = RoadmapRules.objects.get_or_create(
                version=data["version"], defaults={"data": data}
            )
            if not rules.is_active:
                rules.is_active = True
                rules.save(update_fields=["is_active"])
        verb = "chargées" if created else "déjà présentes"
        self.stdout.write(
            self.style.SUCCESS(f"Règles {rules.version} {verb} ({len(data['actions'])} actions).")
        )
