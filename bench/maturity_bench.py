"""Diagnostic benchmark: section page, autosave, results page over 1,000 organisations.

    DEBUG=1 .venv/bin/python bench/maturity_bench.py                      # SQLite
    DATABASE_URL=postgres://…/boussole_bench .venv/bin/python bench/maturity_bench.py

Targets (issues): section ≤ 10 ms median and ≤ 10 queries; autosave ≤ 8 ms and ≤ 6 queries;
results ≤ 25 ms; roadmap page ≤ 30 ms, queries constant in the number of actions (asserted in
tests/maturity); roadmap generation for a 10-respondent diagnostic ≤ 50 ms.
"""

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import engine, measure, setup

setup("maturity")

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from stdnum import luhn  # noqa: E402

from accounts.models import Membership, Organisation, User  # noqa: E402
from maturity import questionnaire_file, results, roadmap, versions  # noqa: E402
from maturity.models import Answer, Diagnostic, Questionnaire, Respondent, Roadmap  # noqa: E402
from maturity.structure import structure_for  # noqa: E402

ORGANISATIONS = 1000
TEAMS = 100  # organisations whose diagnostic has 10 respondents
SECTORS = ["social", "culture", "sport", "environnement", "insertion", "sante"]


def generate():
    if Organisation.objects.count() >= ORGANISATIONS:
        return
    import yaml

    data = yaml.safe_load(
        (Path(__file__).resolve().parent.parent / "fixtures" / "questionnaire.yaml").read_text()
    )
    questionnaire = Questionnaire.objects.filter(version=data["version"]).first()
    if questionnaire is None:
        questionnaire = questionnaire_file.import_questionnaire(data)
        versions.publish(questionnaire)
    structure = structure_for(questionnaire)
    questions = [q for s in structure.sections for q in s.questions if q.choices]
    rng = random.Random(42)
    print("Génération de", ORGANISATIONS, "organisations…", flush=True)
    for batch in range(0, ORGANISATIONS, 100):
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(email=f"bench{n}@example.org", first_name="Bench", last_name=str(n))
                    for n in range(batch, batch + 100)
                ]
            )
            orgs = Organisation.objects.bulk_create(
                [
                    Organisation(
                        name=f"Organisation {n}",
                        siren=f"{n + 10_000_000:08d}"
                        + luhn.calc_check_digit(f"{n + 10_000_000:08d}"),
                        legal_form="association",
                        sector=SECTORS[n % len(SECTORS)],
                        staff_band="1-2",
                        volunteers_band="10-49",
                        postcode="33000",
                        departement="33",
                        region="75",
                    )
                    for n in range(batch, batch + 100)
                ]
            )
            Membership.objects.bulk_create(
                [
                    Membership(user=u, organisation=o, role="admin")
                    for u, o in zip(users, orgs, strict=True)
                ]
            )
            diagnostics = Diagnostic.objects.bulk_create(
                [
                    Diagnostic(
                        organisation=o,
                        questionnaire=questionnaire,
                        status="completed",
                        completed_at=timezone.now(),
                    )
                    for o in orgs
                ]
            )
            respondents = []
            for i, (d, u) in enumerate(zip(diagnostics, users, strict=True)):
                respondents.append(Respondent(diagnostic=d, user=u))
                if batch + i < TEAMS:
                    respondents += [
                        Respondent(
                            diagnostic=d, name=f"Invité {k}", token_hash=f"{batch + i:06d}{k:058d}"
                        )
                        for k in range(9)
                    ]
            respondents = Respondent.objects.bulk_create(respondents)
            Answer.objects.bulk_create(
                [
                    Answer(respondent=r, question_id=q.id, choice_ids=[rng.choice(q.choices).id])
                    for r in respondents
                    for q in questions
                    if not q.is_multiple
                ],
                batch_size=5000,
            )
            for d in diagnostics:
                results.store_snapshot(d)
        print(f"  {batch + 100} / {ORGANISATIONS}", flush=True)


def community():
    """What the roadmap cards link to: the curated toolbox, and ambassadors near the bench's
    organisations (Gironde) with expertise on every dimension."""
    from datetime import timedelta

    from ambassadors.models import Ambassador

    call_command("load_toolbox", verbosity=0)
    if Ambassador.objects.exists():
        return
    dimensions = [
        s.code for s in structure_for(Questionnaire.objects.published().first()).dimensions
    ]
    users = User.objects.bulk_create(
        [User(email=f"bench-ambassadeur{n}@example.org") for n in range(30)]
    )
    Ambassador.objects.bulk_create(
        Ambassador(
            user=user,
            public_name=f"Ambassadeur·rice {n:02d}",
            motivation="Référent·e numérique de mon association.",
            bio="J'aime transmettre.",
            departements=["33"] if n % 3 else ["24"],
            regions=["75"],
            expertise_dimensions=[
                dimensions[n % len(dimensions)],
                dimensions[(n + 3) % len(dimensions)],
            ],
            expertise_tools=["nextcloud"],
            formats=["atelier"],
            availability="Deux soirs par mois",
            is_public=True,
            status=Ambassador.Status.APPROVED,
            valid_until=timezone.localdate() + timedelta(days=200),
        )
        for n, user in enumerate(users)
    )


def main():
    generate()
    community()
    user = User.objects.get(email="bench5@example.org")
    diagnostic = Diagnostic.objects.get(organisation__memberships__user=user, status="completed")
    # A fresh in-progress diagnostic for the answering pages.
    Diagnostic.objects.filter(organisation=diagnostic.organisation, status="in_progress").delete()
    in_progress = Diagnostic.objects.create(
        organisation=diagnostic.organisation, questionnaire=diagnostic.questionnaire
    )
    respondent = Respondent.objects.create(diagnostic=in_progress, user=user)
    structure = structure_for(in_progress.questionnaire)
    section = structure.section_by_code["securite_rgpd"]
    question = section.questions[0]
    client = Client()
    client.force_login(user)
    print(
        f"Base : {engine()}, {Organisation.objects.count()} organisations, {Answer.objects.count()} réponses"
    )
    out = [
        measure(
            "section (6 questions)",
            lambda: client.get(reverse("maturity:section", args=[respondent.pk, section.code])),
        ),
        measure(
            "autosave",
            lambda: client.post(
                reverse("maturity:autosave", args=[respondent.pk, question.id]),
                {f"q{question.id}": str(random.choice(question.choices).id)},
                headers={"HX-Request": "true"},
            ),
        ),
        measure(
            "résultats (1 répondant)",
            lambda: client.get(reverse("maturity:results", args=[diagnostic.pk])),
        ),
    ]
    # The same page for a respondent who has answered everything (their answers are read on
    # every section page and autosave).
    full_user = User.objects.get(email="bench6@example.org")
    full_done = Diagnostic.objects.get(
        organisation__memberships__user=full_user, status="completed"
    )
    Diagnostic.objects.filter(organisation=full_done.organisation, status="in_progress").delete()
    full_progress = Diagnostic.objects.create(
        organisation=full_done.organisation, questionnaire=full_done.questionnaire
    )
    full_respondent = Respondent.objects.create(diagnostic=full_progress, user=full_user)
    Answer.objects.bulk_create(
        Answer(respondent=full_respondent, question_id=a.question_id, choice_ids=a.choice_ids)
        for a in Answer.objects.filter(respondent__diagnostic=full_done, respondent__user=full_user)
    )
    full_client = Client()
    full_client.force_login(full_user)
    out.append(
        measure(
            f"section ({full_respondent.answers.count()} réponses)",
            lambda: full_client.get(
                reverse("maturity:section", args=[full_respondent.pk, section.code])
            ),
        )
    )
    full_progress.delete()
    call_command("load_roadmap_rules", verbosity=0)
    the_roadmap = roadmap.generate(diagnostic)
    later = the_roadmap.actions.filter(later=True).count()
    print(f"Feuille de route : {the_roadmap.actions.count()} actions, dont {later} pour plus tard")
    out.append(
        measure(
            "feuille de route",
            lambda: client.get(reverse("maturity:roadmap", args=[diagnostic.organisation_id])),
        )
    )
    team = Diagnostic.objects.get(
        organisation__memberships__user__email="bench0@example.org", status="completed"
    )
    team_user = User.objects.get(email="bench0@example.org")
    team_client = Client()
    team_client.force_login(team_user)
    out.append(
        measure(
            "résultats (10 répondants)",
            lambda: team_client.get(reverse("maturity:results", args=[team.pk])),
        )
    )
    # Roadmap generation for the 10-respondent diagnostic (target ≤ 50 ms): a first roadmap
    # (every action created, with its history), then generating again over it (the merge).
    first, merged = [], []
    for _ in range(15):
        Roadmap.objects.filter(organisation=team.organisation).delete()
        start = time.perf_counter()
        with transaction.atomic():
            roadmap.generate(team)
        first.append((time.perf_counter() - start) * 1000)
    for _ in range(15):
        start = time.perf_counter()
        with transaction.atomic():
            roadmap.generate(team)
        merged.append((time.perf_counter() - start) * 1000)
    actions = list(team.organisation.roadmap.actions.filter(obsolete=False))
    print(
        f"Génération de la feuille de route (10 répondants) : première médiane "
        f"{statistics.median(first):.1f} ms, actualisation médiane "
        f"{statistics.median(merged):.1f} ms ; {sum(not a.later for a in actions)} actions à "
        f"faire en premier, {sum(a.later for a in actions)} pour plus tard"
    )
    in_progress.delete()
    return out


if __name__ == "__main__":
    main()
