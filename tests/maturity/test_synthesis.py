"""The written synthesis of the results (maturity/synthesis.py) and where people find it: the
results page with its links to the next steps, the roadmap PDF and the results document."""

import re
import shutil
import subprocess
from dataclasses import astuple

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from common.typography import french_text
from maturity import pdf, results, results_document, services, synthesis
from maturity.models import Diagnostic, PdfExport, Respondent, RoadmapAction
from maturity.structure import structure_for
from tests.factories import MembershipFactory, OrganisationFactory
from tests.maturity.factories import (
    diagnostic_with_respondent,
    published_questionnaire,
    questionnaire_data,
)
from tests.maturity.test_collective_and_results import answer_all, strongest, weakest

pytestmark = pytest.mark.django_db

needs_pdftotext = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is needed"
)
NBSP = "\u00a0"
# Codes that are no French word: none may reach what people read.
CODES = (
    "securite_rgpd",
    "numerique_responsable",
    "peu_initiee",
    "en_progres",
    "experimentee",
    "financieres",
    "strategiques",
    "information_donnees",
)


@pytest.fixture
def questionnaire():
    return published_questionnaire()


def levels_of(questionnaire):
    return questionnaire.levels


def texts(result: synthesis.Synthesis) -> list[str]:
    """Every piece of text of a synthesis, flattened."""
    out = []
    for value in astuple(result):
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, tuple):
            for item in value:
                out.extend(str(part) for part in (item if isinstance(item, tuple) else (item,)))
    return out


def team(questionnaire, picks, *, inventory=None, client=None):
    """A completed diagnostic answered by len(picks) members, each with their pick."""
    diagnostic, first = diagnostic_with_respondent(questionnaire=questionnaire)
    respondents = [first] + [
        Respondent.objects.create(
            diagnostic=diagnostic, user=MembershipFactory(organisation=diagnostic.organisation).user
        )
        for _ in picks[1:]
    ]
    if inventory:
        client.force_login(first.user)
        # The tools and the equipment are two steps, each with its own form.
        tools = {k: v for k, v in inventory.items() if not k.startswith("eq-")}
        equipment = {k: v for k, v in inventory.items() if k.startswith("eq-")}
        client.post(reverse("maturity:inventory", args=[diagnostic.pk]), tools)
        client.post(reverse("maturity:inventory_equipment", args=[diagnostic.pk]), equipment)
    for respondent, pick in zip(respondents, picks, strict=True):
        answer_all(respondent, pick)
    services.complete(diagnostic=diagnostic, by=first.user)
    diagnostic.refresh_from_db()
    return diagnostic, first


INVENTORY = {
    "tools-stockage": ["Google Drive", "Dropbox", "Nextcloud"],
    "other-visio": "Outil maison",
    "eq-ordinateurs-count": "6",
    "eq-ordinateurs-average_age": "7",
    "eq-ordinateurs-reconditioned_percent": "50",
}


# --- The synthesis, on stored results ------------------------------------------------------------


def test_one_respondent_synthesis_says_level_and_stage_in_words(questionnaire):
    diagnostic, _first = team(questionnaire, [weakest])
    result = synthesis.build(diagnostic.snapshot.data, levels_of(questionnaire))

    assert result.overall == (
        f"Score global : 0 sur 100. Votre organisation est au niveau «{NBSP}Peu initiée{NBSP}», "
        f"à l’étape «{NBSP}Avant{NBSP}» du chemin avant → appropriation → transformation."
    )
    assert result.overall_description.startswith("Le numérique reste en marge du fonctionnement")
    assert result.basis == "D’après les réponses de 1 personne."
    # Every dimension under its level, named by its title; the description is not repeated.
    [group] = result.levels
    assert group.heading == f"Niveau «{NBSP}Peu initiée{NBSP}», étape «{NBSP}Avant{NBSP}»"
    assert group.description == ""
    assert "Sécurité et protection des données (RGPD) : 0 sur 100" in group.dimensions
    assert len(group.dimensions) == 10
    assert [(d.level, d.stage) for d in result.dimensions] == [("Peu initiée", "Avant")] * 10
    assert len(result.strengths) == 3 and len(result.priorities) == 3
    assert result.priorities[0].endswith(
        f"0 sur 100, niveau «{NBSP}Peu initiée{NBSP}» ; "
        f"encore 40 points pour atteindre «{NBSP}En progrès{NBSP}»."
    )
    # The weakest answer to each difficulty is "Pas du tout".
    assert result.difficulties == ()
    assert result.difficulties_note == "Aucune difficulté n’est ressentie comme un frein."
    assert result.inventory == (
        "L’inventaire des outils et de l’équipement n’a pas été rempli : le faire au prochain "
        "diagnostic aide à repérer les doublons et les dépendances.",
    )
    # One person: their skills stay theirs.
    assert result.skills == ()
    assert "à partir de 3 répondant·es" in result.skills_note
    assert str(results.MIN_SKILLS_RESPONDENTS) in result.skills_note
    assert not any(code in text for text in texts(result) for code in CODES)


def test_several_respondents_synthesis_names_felt_difficulties_and_skills_needs(questionnaire):
    diagnostic, _first = team(questionnaire, [weakest, weakest, strongest])
    result = synthesis.build(diagnostic.snapshot.data, levels_of(questionnaire))

    assert result.basis == "D’après les réponses de 3 personnes."
    # Each difficulty: "Pas du tout" twice and "C'est un frein majeur" once, a mean of 33.
    assert result.difficulties == (
        "Les difficultés techniques sont un frein léger (33 sur 100).",
        "Les difficultés financières sont un frein léger (33 sur 100).",
        "Les difficultés humaines sont un frein léger (33 sur 100).",
        "Les difficultés stratégiques sont un frein léger (33 sur 100).",
    )
    assert result.difficulties_note == ""
    # Three people: the skills are shown, aggregated, the weakest first.
    assert result.skills_note.startswith(
        "Les domaines où l’auto-évaluation moyenne de l’équipe est sous 50 sur 100"
    )
    assert len(result.skills) == 5 and "Information et données : 33 sur 100" in result.skills
    assert not any(code in text for text in texts(result) for code in CODES)


def test_inventory_findings_in_words(client, questionnaire):
    diagnostic, _first = team(questionnaire, [strongest], inventory=INVENTORY, client=client)
    result = synthesis.build(diagnostic.snapshot.data, levels_of(questionnaire))
    computers = next(
        e["label"] for e in questionnaire.inventory["equipment"] if e["code"] == "ordinateurs"
    )

    assert result.inventory == (
        "4 outils déclarés pour 2 usages.",
        "Stockage et partage de fichiers : 3 outils pour le même usage (Dropbox, Google Drive, "
        "Nextcloud) ; n’en garder qu’un simplifie le travail de l’équipe et le suivi des "
        "données.",
        "67 % de vos outils sont propriétaires : vous dépendez de leurs éditeurs pour les prix, "
        "les conditions d’utilisation et l’accès à vos données.",
        "67 % de vos services en ligne sont hébergés hors de l’Union européenne : vos données "
        "peuvent y relever d’autres lois que le RGPD.",
        f"{computers} : 6 appareils de 7 ans en moyenne, à remplacer bientôt (un appareil "
        "reconditionné coûte moins cher et pollue moins).",
        "50 % de votre équipement est reconditionné.",
    )
    # The strongest answer to every difficulty is "C'est un frein majeur".
    assert (
        result.difficulties[0] == "Les difficultés techniques sont un frein majeur (100 sur 100)."
    )
    # At the top level there is no next level to name.
    assert result.priorities and all("encore" not in p for p in result.priorities)


LEVELS = [
    {"code": "a", "label": "Peu initiée", "stage": "Avant", "min_score": 0, "description": "A."},
    {"code": "b", "label": "En progrès", "stage": "Appropriation", "min_score": 40,
     "description": "B."},
    {"code": "c", "label": "Expérimentée", "stage": "Transformation", "min_score": 70,
     "description": "C."},
]  # fmt: skip


def dimension(code, title, score, level):
    return {"code": code, "title": title, "score": score, "level": level}


def test_edge_cases_of_stored_results():
    data = {
        "respondents": 2,
        "overall": {"score": 55.0, "level": "b"},
        "dimensions": [
            dimension("d1", "Stratégie", 39.6, "a"),
            dimension("d2", "Sécurité", 80.0, "c"),
            dimension("d3", "Gouvernance", None, None),
            dimension("d4", "Outils", 55.0, "b"),
        ],
        "strengths": ["d2"],
        "priorities": ["d1"],
        "difficulties": {
            "types": [
                {"type": "techniques", "question": "Q1", "score": 0.0},
                {"type": "humaines", "question": "Q2", "score": 75.0},
                {"type": "financieres", "question": "Q3", "score": 10.0},
                {"type": "strategiques", "question": "Q4", "score": None},
            ],
            "obstacles": [{"label": f"Obstacle {n}", "count": 5 - n} for n in range(5)],
        },
        "skills": {"respondents": 2, "shown": False, "areas": []},
        "inventory": {"tools_count": 2, "usages_covered": 1, "redundancy": [],
                      "libre_percent": 100, "proprietary_percent": 0, "non_eu_percent": 0,
                      "ageing": [], "devices": 0, "reconditioned_percent": None},
    }  # fmt: skip
    result = synthesis.build(data, LEVELS)

    # First stage first; the overall level's description is not repeated; then what has no score.
    assert [g.heading for g in result.levels] == [
        f"Niveau «{NBSP}Peu initiée{NBSP}», étape «{NBSP}Avant{NBSP}»",
        f"Niveau «{NBSP}En progrès{NBSP}», étape «{NBSP}Appropriation{NBSP}»",
        f"Niveau «{NBSP}Expérimentée{NBSP}», étape «{NBSP}Transformation{NBSP}»",
        "Pas assez de réponses pour situer",
    ]
    assert [g.description for g in result.levels][:3] == ["A.", "", "C."]
    assert result.levels[3].dimensions == ("Gouvernance",)
    # Shown as 40, short of 40 by a hair: one point to go, never "0 points".
    assert result.priorities == (
        f"Stratégie : 40 sur 100, niveau «{NBSP}Peu initiée{NBSP}» ; "
        f"encore 1 point pour atteindre «{NBSP}En progrès{NBSP}».",
    )
    assert result.strengths == (f"Sécurité : 80 sur 100, niveau «{NBSP}Expérimentée{NBSP}».",)
    assert result.difficulties == (
        "Les difficultés humaines sont un frein important (75 sur 100).",
    )
    assert result.difficulties_note == (
        "Pas ressenties comme un frein : les difficultés financières, les difficultés techniques."
    )
    assert result.obstacles == ("Obstacle 0", "Obstacle 1", "Obstacle 2")
    assert result.inventory == (
        "2 outils déclarés pour 1 usage.",
        "Tous vos outils dont la licence est connue sont libres.",
        "Tous vos services dont l’hébergement est connu sont dans l’Union européenne.",
    )
    assert result.weakest_code == "d1" and result.weakest_title == "Stratégie"
    assert result.dimensions[2] == synthesis.DimensionView("Gouvernance", None, "", "")


def test_results_with_little_in_them_still_read():
    """Nothing scored, no difficulty answered, an older snapshot without some parts."""
    data = {
        "respondents": 1,
        "overall": {"score": None, "level": None},
        "dimensions": [dimension("d1", "Stratégie", None, None)],
        "strengths": [],
        "priorities": [],
        "difficulties": {"types": [], "obstacles": []},
    }
    result = synthesis.build(data, LEVELS)
    assert result.overall == "Pas assez de réponses pour calculer un niveau global."
    assert result.strengths == () and result.priorities == ()
    assert result.difficulties_note == "Les difficultés n’ont pas été renseignées."
    assert "n’a pas été rempli" in result.inventory[0]
    assert result.weakest_code == "" and result.weakest_title == ""


# --- The results page ------------------------------------------------------------------------------


def test_results_page_opens_with_the_synthesis_and_leads_to_the_next_steps(
    client, questionnaire, django_assert_num_queries
):
    diagnostic, admin = team(questionnaire, [weakest, strongest])
    result = synthesis.build(diagnostic.snapshot.data, levels_of(questionnaire))
    client.force_login(admin.user)
    url = reverse("maturity:results", args=[diagnostic.pk])
    client.get(url)
    # The synthesis and the links cost no query: as many as before them.
    with django_assert_num_queries(6):
        page = client.get(url).content.decode()

    synthesis_at = page.index("Synthèse")
    detail_at = page.index("Le détail par dimension")
    for text in (result.overall, result.priorities[0], result.strengths[0], result.basis):
        assert synthesis_at < page.index(french_text(escape(text))) < detail_at
    org = diagnostic.organisation_id
    roadmap = reverse("maturity:roadmap", args=[org])
    consents = reverse("advisers:consents", args=[org])
    toolbox = reverse("toolbox:catalogue") + f"?dimension={result.weakest_code}"
    document = reverse("maturity:results_pdf", args=[diagnostic.pk])
    for link in (roadmap, consents, toolbox):
        assert f'href="{link}"' in page
    assert f'<form method="post" action="{document}">' in page
    expected = f"filtrée sur votre première priorité : « {result.weakest_title} »"
    assert french_text(escape(expected)) in page
    # Each link opens for this admin.
    for link in (roadmap, consents, toolbox):
        assert client.get(link).status_code == 200


def test_members_are_told_who_can_share_with_an_adviser(client, questionnaire):
    diagnostic, _admin = team(questionnaire, [weakest])
    member = MembershipFactory(organisation=diagnostic.organisation)
    client.force_login(member.user)
    page = client.get(reverse("maturity:results", args=[diagnostic.pk])).content.decode()
    consents = reverse("advisers:consents", args=[diagnostic.organisation_id])
    # Granting access is for the organisation's admins: no link a member would find refused.
    assert consents not in page and client.get(consents).status_code == 403
    assert "Partager avec un·e conseiller·e DLA" in page
    assert "Seul·es les administrateur·rices de votre organisation peuvent ouvrir cet accès" in page
    assert f'href="{reverse("maturity:roadmap", args=[diagnostic.organisation_id])}"' in page


def test_the_toolbox_link_filters_on_a_dimension_the_catalogue_knows(client, questionnaire):
    from toolbox.models import Dimension

    codes = {d["code"] for d in questionnaire_data()["dimensions"]}
    assert codes <= set(Dimension.values)
    diagnostic, _admin = team(questionnaire, [weakest, strongest])
    weakest_code = synthesis.build(diagnostic.snapshot.data, questionnaire.levels).weakest_code
    response = client.get(reverse("toolbox:catalogue"), {"dimension": weakest_code})
    assert response.status_code == 200 and response.context["invalid"] is False


# --- The roadmap PDF ---------------------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def pdf_pages(content: bytes) -> list[str]:
    return [" ".join(page.split()) for page in pdf_text(content).split("\f")]


def printed(text: str) -> str:
    """A text as the PDF prints it: French typography (’, no-break spaces), spaces collapsed."""
    return " ".join(french_text(text).split())


def page_of(pages: list[str], text: str, start: int = 0) -> int:
    flat = printed(text)
    return next(n for n, page in enumerate(pages) if n >= start and flat in page)


@needs_pdftotext
def test_roadmap_pdf_opens_with_the_synthesis_before_the_actions(
    client, questionnaire, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    call_command("load_roadmap_rules", verbosity=0)
    diagnostic, admin = team(
        questionnaire, [weakest, strongest, weakest], inventory=INVENTORY, client=client
    )
    result = synthesis.build(diagnostic.snapshot.data, questionnaire.levels)
    org = diagnostic.organisation
    client.force_login(admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("maturity:pdf_request", args=[org.pk]))
    export = PdfExport.objects.get()
    pages = pdf_pages(pdf.file_path(export).read_bytes())

    start = page_of(pages, "Niveau global")
    assert start == 1  # right after the cover
    end = page_of(pages, "Vos besoins de compétences")
    assert end - start + 1 <= 2, "the synthesis takes one to two pages"
    for text in (result.overall, result.priorities[0], result.difficulties[0], result.skills[0]):
        assert start <= page_of(pages, text) <= end
    assert "Stockage et partage de fichiers : 3 outils pour le même usage" in " ".join(pages)
    # Then the radar and the table with each dimension's level and stage, then the actions.
    chart = page_of(pages, "Score et niveau par dimension")
    assert "Sécurité et protection des données (RGPD)" in pages[chart]
    first = RoadmapAction.objects.filter(roadmap__organisation=org).order_by("position").first()
    assert page_of(pages, first.title[:30]) > max(end, chart)


# --- The results document ------------------------------------------------------------------------


@needs_pdftotext
def test_results_document_holds_the_results_within_the_privacy_rules(client, questionnaire):
    # Two people: their disagreements are listed, not how each answered.
    diagnostic, admin = team(questionnaire, [strongest, weakest])
    result = synthesis.build(diagnostic.snapshot.data, questionnaire.levels)
    client.force_login(admin.user)
    response = client.post(reverse("maturity:results_pdf", args=[diagnostic.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"] == (
        f'attachment; filename="resultats-diagnostic-{diagnostic.pk}.pdf"'
    )
    pages = pdf_pages(response.content)
    cover = pages[0]
    assert "Résultats du diagnostic numérique" in cover
    assert diagnostic.organisation.name in cover and "questionnaire 2026.3" in cover
    # The page shows the date in Paris, not in UTC: they differ late in the evening.
    assert f"Diagnostic terminé le {timezone.localtime(diagnostic.completed_at):%-d}" in cover
    assert "2 répondant·es" in cover
    assert page_of(pages, "Synthèse du diagnostic") == 1
    for text in (result.overall, result.strengths[0], result.priorities[0], result.skills_note):
        assert page_of(pages, text) in (1, 2)
    everything = " ".join(pages)
    assert "Score et niveau par dimension" in everything and "Transformation" in everything
    question = diagnostic.snapshot.data["divergence"][0]["question"]
    assert printed(question) in everything
    # Neither the spread nor how many chose each answer ("Oui : 1", a no-break space or not).
    assert "écart" not in everything
    assert not re.search(r"\s: \d+$", pdf_text(response.content), re.MULTILINE)
    disputed = next(
        q for q in structure_for(questionnaire).questions.values() if q.text == question
    )
    assert not any(printed(c.label) in everything for c in disputed.choices)
    assert "La répartition des réponses n’est montrée qu’à partir de 3 personnes" in everything
    assert "moins de 5 organisations comparables" in everything
    assert "Médiane" not in everything
    assert len(pages) - 1 <= 8  # pdftotext ends with a form feed


def test_results_document_shows_medians_only_for_groups_of_five(questionnaire):
    diagnostic, _admin = team(questionnaire, [strongest])
    structure = structure_for(questionnaire)
    html = results_document.document_html(diagnostic, diagnostic.snapshot.data, structure)
    assert "Médiane — Même secteur" not in html
    for _ in range(4):
        other = OrganisationFactory(sector=diagnostic.organisation.sector)
        d, r = diagnostic_with_respondent(
            questionnaire=questionnaire,
            membership=MembershipFactory(organisation=other, admin=True),
        )
        answer_all(r, weakest)
        services.complete(diagnostic=d, by=r.user)
    from django.core.cache import cache

    cache.clear()  # medians are cached for a few minutes
    html = results_document.document_html(diagnostic, diagnostic.snapshot.data, structure)
    assert "Médiane — Même secteur" in html and "5 organisations" in html


def test_results_document_is_for_the_organisations_members_only(client, questionnaire, monkeypatch):
    monkeypatch.setattr(results_document, "render_pdf", lambda *args: b"%PDF-1.7 test")
    diagnostic, _admin = team(questionnaire, [weakest])
    url = reverse("maturity:results_pdf", args=[diagnostic.pk])
    member = MembershipFactory(organisation=diagnostic.organisation)
    client.force_login(member.user)
    assert client.post(url).content == b"%PDF-1.7 test"
    client.force_login(MembershipFactory().user)
    assert client.post(url).status_code == 404
    client.logout()
    response = client.post(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_a_diagnostic_in_progress_has_no_results_document_yet(client, questionnaire):
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    client.force_login(respondent.user)
    response = client.post(reverse("maturity:results_pdf", args=[diagnostic.pk]))
    assert response["Location"] == reverse("maturity:results", args=[diagnostic.pk])
    assert Diagnostic.objects.get(pk=diagnostic.pk).status != Diagnostic.Status.COMPLETED


def test_results_documents_are_rate_limited(client, questionnaire, monkeypatch):
    monkeypatch.setattr(results_document, "render_pdf", lambda *args: b"%PDF-1.7 test")
    diagnostic, admin = team(questionnaire, [weakest])
    client.force_login(admin.user)
    url = reverse("maturity:results_pdf", args=[diagnostic.pk])
    for _n in range(20):
        assert client.post(url).status_code == 200
    refused = client.post(url, follow=True)
    assert refused.redirect_chain[0][0] == reverse("maturity:results", args=[diagnostic.pk])
    assert "beaucoup de documents en peu de temps" in refused.content.decode()
