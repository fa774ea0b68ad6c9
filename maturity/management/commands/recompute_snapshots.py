"""Recompute results snapshots from the stored answers and report any difference.

Without --write nothing changes: a difference means the scoring code changed meaning, which
must be a deliberate decision (snapshots exist so that old results keep theirs).
"""

from django.core.management.base import BaseCommand

from maturity import results
from maturity.models import Diagnostic


class Command(BaseCommand):
    help = "Recalcule les résultats enregistrés et signale toute différence."

    def add_arguments(self, parser):
        parser.add_argument(
            "--write", action="store_true", help="Enregistre les nouveaux résultats."
        )

    def handle(self, *args, write=False, **options):
        checked = different = 0
        diagnostics = (
            Diagnostic.objects.completed()
            .select_related("snapshot", "questionnaire", "organisation")
            .prefetch_related("inventory_items", "equipment_items")
        )
        for diagnostic in diagnostics.iterator(chunk_size=200):
            snapshot = getattr(diagnostic, "snapshot", None)
            fresh = results.compute(diagnostic)
            checked += 1
            if snapshot is None or snapshot.data != fresh:
                different += 1
                before = snapshot.data.get("overall", {}).get("score") if snapshot else None
                self.stdout.write(
                    f"Diagnostic {diagnostic.pk} ({diagnostic.organisation}) : score global {before} → {fresh['overall']['score']}"
                )
                if write:
                    results.store_snapshot(diagnostic)
        verdict = "réécrits" if write else "non modifiés (relancez avec --write pour enregistrer)"
        self.stdout.write(
            f"{checked} {'diagnostics vérifiés' if checked > 1 else 'diagnostic vérifié'}, "
            f"{different} {'différents' if different > 1 else 'différent'}, "
            f"{verdict if different else 'tous identiques'}."
        )
