"""Rebuild the observatory's table (advisers.models.ObservatoryFact) from the stored results.

Migration advisers 0003 fills the table once for the diagnostics completed before it existed;
run this whenever its figures are in doubt (storing a results snapshot keeps it up to date).
Safe to run again: each diagnostic's row is rewritten, nothing is added twice.
"""

from django.core.management.base import BaseCommand

from advisers import observatory


class Command(BaseCommand):
    help = "Reconstruit la table de l'observatoire à partir des résultats enregistrés."

    def handle(self, *args, **options):
        # Pages already in the cache keep their figures until they expire (CACHE_SECONDS).
        written = observatory.rebuild()
        self.stdout.write(
            f"{written} {'diagnostics terminés repris' if written > 1 else 'diagnostic terminé repris'} "
            "dans l'observatoire."
        )
