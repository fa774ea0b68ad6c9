"""Import and publish the questionnaire shipped in fixtures/ unless that version exists (idempotent)."""

from pathlib import Path

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand

from maturity import questionnaire_file, versions
from maturity.models import Questionnaire

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "questionnaire.yaml"


class Command(BaseCommand):
    help = "Charge et publie le questionnaire fourni avec la plateforme."

    def handle(self, *args, **options):
        data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
        if Questionnaire.objects.filter(version=str(data["version"])).exists():
            self.stdout.write(f"Questionnaire {data['version']} déjà présent.")
            return
        questionnaire = questionnaire_file.import_questionnaire(data)
        if not Questionnaire.objects.published().exists():
            versions.publish(questionnaire)
        self.stdout.write(self.style.SUCCESS(f"Questionnaire {questionnaire.version} chargé."))
