"""Print the roadmap of each persona of the evaluation set (fixtures/personas/) for review, and
whether what a DLA adviser expects of it holds.

Each persona is built on the platform as an organisation would be (members, answers,
inventory), its diagnostic completed and its roadmap generated with the published questionnaire,
the active rules and the toolbox's catalogue of this database; everything is written inside one
transaction that is rolled back at the end, so the database is left as it was. With --rules, a
rules file being edited is evaluated instead of the active rules (loaded in that transaction
too). The command fails when a persona is invalid or an expectation does not hold.
"""

import io
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from maturity import personas, questionnaire_file, roadmap, roadmap_rules
from maturity.models import Questionnaire


class Command(BaseCommand):
    help = (
        "Imprime la feuille de route de chaque persona du jeu d'évaluation et vérifie ce qu'un·e "
        "conseiller·e DLA en attend (rien n'est gardé en base)."
    )

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="Personas à imprimer (tous par défaut).")
        parser.add_argument(
            "--rules",
            help="Fichier de règles à évaluer à la place des règles actives.",
        )

    def handle(self, *args, names, rules=None, **options):
        try:
            paths = personas.files(names=names)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        questionnaire = Questionnaire.objects.published().first()
        if questionnaire is None:
            raise CommandError(
                "Aucun questionnaire publié : chargez-le avec « manage.py load_questionnaire »."
            )
        reference = questionnaire_file.export_questionnaire(questionnaire)
        failed: list[str] = []
        with personas.rolled_back():
            if rules:
                if not Path(rules).is_file():
                    raise CommandError(f"Fichier introuvable : {rules}")
                call_command("load_roadmap_rules", rules, stdout=io.StringIO(), stderr=self.stderr)
            active = roadmap.active_rules()
            if active is None:
                raise CommandError(
                    "Aucune règle de feuille de route active : chargez-les avec "
                    "« manage.py load_roadmap_rules »."
                )
            need_codes = roadmap_rules.known_need_codes()
            self.stdout.write(
                f"Questionnaire {questionnaire.version}, règles {active.version}"
                + ("" if need_codes else " ; catalogue d'outils vide")
                + f" : {_personas(len(paths))}.\n"
            )
            for path in paths:
                persona, errors = personas.load_file(path)
                if persona is not None:
                    errors += personas.problems(
                        persona, reference, rules=active.data, need_codes=need_codes
                    )
                if persona is None or errors:
                    failed.append(path.stem)
                    self.stdout.write(f"{path.stem} : fichier invalide")
                    for error in errors:
                        self.stdout.write(f"  {error}")
                    self.stdout.write("")
                    continue
                with personas.rolled_back():  # each persona alone on the platform
                    outcome = personas.run(persona, questionnaire)
                verdicts = personas.judge(persona, outcome)
                if not all(v.holds for v in verdicts):
                    failed.append(persona.name)
                self.stdout.write(personas.render(persona, outcome, verdicts) + "\n")
        if failed:
            raise CommandError(
                f"{_personas(len(failed))} sur {len(paths)} "
                f"{'ne passent' if len(failed) > 1 else 'ne passe'} pas : {', '.join(failed)}."
            )
        self.stdout.write(self.style.SUCCESS(f"Attentes tenues : {_personas(len(paths))}."))


def _personas(count: int) -> str:
    return f"{count} persona{'s' if count > 1 else ''}"
