"""Import tools from an open-data file (CSV or JSON). A dry run unless --commit is given."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from toolbox import opendata


class Command(BaseCommand):
    help = "Importe des outils au format des données ouvertes (simulation sans --commit)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--commit", action="store_true", help="importer réellement")

    def handle(self, *args, **options):
        try:
            text = opendata.decode(Path(options["file"]).read_bytes())
            report = opendata.run_import(text, commit=options["commit"])
        except (OSError, opendata.ImportFileError) as exc:
            raise CommandError(str(exc)) from exc
        for error in report.errors:
            self.stderr.write(
                f"ligne {error.line} ({error.identifier}) : {'; '.join(error.messages)}"
            )
        self.stdout.write(
            f"{len(report.created)} à créer, {len(report.updated)} à mettre à jour, "
            f"{len(report.errors)} ligne(s) en erreur."
        )
        if report.imported:
            self.stdout.write(self.style.SUCCESS("Import effectué."))
        elif report.errors:
            raise CommandError("Rien n'a été importé : corrigez les lignes en erreur.")
        else:
            self.stdout.write("Simulation seulement : relancez avec --commit pour importer.")
