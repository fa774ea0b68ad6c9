"""Import tools and hosting offers from open-data files (CSV or JSON). A dry run unless --commit."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from toolbox import opendata


class Command(BaseCommand):
    help = (
        "Importe des outils et des offres au format des données ouvertes : le catalogue JSON, "
        "ou outils.csv et/ou offres.csv (simulation sans --commit)."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="file")
        parser.add_argument("--commit", action="store_true", help="importer réellement")

    def handle(self, *args, **options):
        try:
            files = []
            for name in options["files"]:
                path = Path(name)
                files.append((path.name, opendata.decode(path.read_bytes(), path.name)))
            report = opendata.run_import(files=files, commit=options["commit"])
        except (OSError, opendata.ImportFileError) as exc:
            raise CommandError(str(exc)) from exc
        for error in report.errors:
            self.stderr.write(
                f"{error.location} ({error.identifier}) : {'; '.join(error.messages)}"
            )
        self.stdout.write(
            f"{_count(len(report.created), 'outil')} à créer, "
            f"{len(report.updated)} à mettre à jour ; "
            f"{_count(len(report.offers_created), 'offre')} à créer, "
            f"{len(report.offers_updated)} à mettre à jour ; "
            f"{_count(len(report.errors), 'ligne')} en erreur."
        )
        if report.imported:
            self.stdout.write(self.style.SUCCESS("Import effectué."))
        elif report.errors:
            raise CommandError("Rien n'a été importé : corrigez les lignes en erreur.")
        else:
            self.stdout.write("Simulation seulement : relancez avec --commit pour importer.")


def _count(n: int, noun: str) -> str:
    """« 0 outil », « 1 outil », « 2 outils »: French takes the singular up to 1."""
    return f"{n} {noun}{'s' if n > 1 else ''}"
