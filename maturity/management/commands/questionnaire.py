"""Validate, import, export and publish questionnaire versions from the command line.

manage.py questionnaire validate fixtures/questionnaire.yaml
manage.py questionnaire import fixtures/questionnaire.yaml [--publish]
manage.py questionnaire export 2026.1 [-o fichier.yaml]
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maturity import questionnaire_file, versions
from maturity.models import Questionnaire


class Command(BaseCommand):
    help = "Valide, importe, exporte ou publie une version du questionnaire."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        validate = sub.add_parser("validate")
        validate.add_argument("path")
        imp = sub.add_parser("import")
        imp.add_argument("path")
        imp.add_argument("--publish", action="store_true")
        exp = sub.add_parser("export")
        exp.add_argument("version")
        exp.add_argument("-o", "--output")

    def _read(self, path: str) -> str:
        try:
            return Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Lecture impossible de {path} : {exc}") from exc

    def handle(self, *args, action, **options):
        if action == "validate":
            data, errors = questionnaire_file.load(self._read(options["path"]))
            if errors:
                for error in errors:
                    self.stderr.write(error)
                raise CommandError("Le fichier comporte des erreurs : rien n'a été importé.")
            questions = sum(len(d["questions"]) for d in data["dimensions"])
            self.stdout.write(
                self.style.SUCCESS(
                    f"Fichier valide : {len(data['dimensions'])} dimensions, {questions} questions notées."
                )
            )
        elif action == "import":
            data, errors = questionnaire_file.load(self._read(options["path"]))
            if errors:
                for error in errors:
                    self.stderr.write(error)
                raise CommandError("Le fichier comporte des erreurs : rien n'a été importé.")
            try:
                questionnaire = questionnaire_file.import_questionnaire(data)
            except questionnaire_file.QuestionnaireFileError as exc:
                raise CommandError("\n".join(exc.errors)) from exc
            if options["publish"]:
                versions.publish(questionnaire)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Version {questionnaire.version} importée ({questionnaire.get_status_display()})."
                )
            )
        elif action == "export":
            try:
                questionnaire = Questionnaire.objects.get(version=options["version"])
            except Questionnaire.DoesNotExist as exc:
                raise CommandError(f"La version {options['version']} n'existe pas.") from exc
            text = questionnaire_file.dump(
                questionnaire_file.export_questionnaire(questionnaire),
                schema_url=questionnaire_file.schema_url(),
            )
            if options["output"]:
                Path(options["output"]).write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text)
