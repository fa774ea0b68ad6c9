import re

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Organisation
from common.typography import french_text
from maturity import inventory, results, services
from maturity.models import Diagnostic, EquipmentItem, InventoryItem, Respondent, ResultSnapshot
from maturity.structure import structure_for
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.maturity.factories import (
    diagnostic_with_respondent,
    published_questionnaire,
    questionnaire_data,
)
from tests.pages import readable

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire():
    return published_questionnaire()


def answer_all(respondent, pick):
    """Answer every question of every section with pick(question) -> choice index."""
    structure = structure_for(respondent.diagnostic.questionnaire)
    for section in structure.sections:
        for question in section.questions:
            if question.choices:
                choice = question.choices[pick(question)]
                parsed = services.parse_answer(question, [str(choice.id)])
                services.save_answer(
                    respondent=respondent, structure=structure, question=question, parsed=parsed
                )


def strongest(question):
    return max(range(len(question.choices)), key=lambda i: question.choices[i].score or 0)


def weakest(question):
    return min(range(len(question.choices)), key=lambda i: question.choices[i].score or 0)


def test_guest_answers_through_a_personal_link_until_it_is_revoked(
    client, questionnaire, mailoutbox, django_capture_on_commit_callbacks
):
    diagnostic, admin_respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    client.force_login(admin_respondent.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("maturity:invite_guest", args=[diagnostic.pk]),
            {"name": "Jeanne", "email": "jeanne@example.org", "role_label": "Présidente"},
        )
    link = re.search(r"https?://\S+/diagnostic/lien/\S+/", mailoutbox[-1].body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    guest = Respondent.objects.get(email="jeanne@example.org")

    visitor = client.__class__()
    response = visitor.get(path)
    assert response["Location"] == reverse("maturity:welcome", args=[guest.pk])
    assert visitor.get(response["Location"]).status_code == 200
    question = structure_for(questionnaire).sections[1].questions[0]
    assert (
        visitor.post(
            reverse("maturity:autosave", args=[guest.pk, question.id]),
            {f"q{question.id}": str(question.choices[0].id)},
        ).status_code
        == 200
    )
    # The link opens this respondent only: the admin's own answers stay out of reach.
    assert (
        visitor.get(reverse("maturity:respondent_home", args=[admin_respondent.pk])).status_code
        == 404
    )
    assert (
        visitor.get(reverse("maturity:diagnostic_detail", args=[diagnostic.pk])).status_code == 302
    )

    client.post(reverse("maturity:revoke_guest", args=[diagnostic.pk, guest.pk]))
    assert visitor.get(reverse("maturity:respondent_home", args=[guest.pk])).status_code == 404
    assert visitor.get(path).status_code == 410


def test_an_expired_guest_link_is_refused(client, questionnaire):
    diagnostic, _ = diagnostic_with_respondent(questionnaire=questionnaire)
    guest, token = Respondent.new_guest(
        diagnostic=diagnostic, name="Paul", email="paul@example.org", role_label="", invited_by=None
    )
    guest.save()
    with time_machine.travel(timezone.now() + timezone.timedelta(days=31)):
        response = client.get(reverse("maturity:guest_entry", args=[token]))
    assert response.status_code == 410
    assert "expiré" in response.content.decode()


def test_team_results_consolidate_by_mean_and_list_disagreements(client, questionnaire):
    diagnostic, first = diagnostic_with_respondent(questionnaire=questionnaire)
    second = Respondent.objects.create(
        diagnostic=diagnostic, user=MembershipFactory(organisation=diagnostic.organisation).user
    )
    answer_all(first, strongest)
    answer_all(second, weakest)
    snapshot = services.complete(diagnostic=diagnostic, by=first.user)
    strategie = next(d for d in snapshot.data["dimensions"] if d["code"] == "strategie")
    # Strongest (100) and weakest (0) on visible questions: the mean sits strictly between.
    assert 0 < strategie["score"] < 100
    assert snapshot.data["respondents"] == 2
    # Two respondents: the disagreement is listed, how far apart they are is not (see below).
    assert snapshot.data["divergence"] and snapshot.data["divergence"][0]["spread"] is None

    client.force_login(first.user)
    page = client.get(reverse("maturity:results", args=[diagnostic.pk])).content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert "Stratégie et pilotage du numérique" in page and '<caption id="' in page
    assert (
        "Où l’équipe n’est pas d’accord" in page
        and french_text(escape(snapshot.data["divergence"][0]["question"])) in page
    )


def _team(questionnaire, picks):
    diagnostic, first = diagnostic_with_respondent(questionnaire=questionnaire)
    respondents = [first] + [
        Respondent.objects.create(
            diagnostic=diagnostic, user=MembershipFactory(organisation=diagnostic.organisation).user
        )
        for _ in picks[1:]
    ]
    for respondent, pick in zip(respondents, picks, strict=True):
        answer_all(respondent, pick)
    return diagnostic, first


def test_with_two_respondents_disagreements_say_nothing_of_who_chose_what(client, questionnaire):
    # Two people: a count of 1 per choice (or a spread in points) tells each the other's answer.
    diagnostic, first = _team(questionnaire, [strongest, weakest])
    snapshot = services.complete(diagnostic=diagnostic, by=first.user)
    item = snapshot.data["divergence"][0]
    assert item["answers"] == [] and item["spread"] is None

    client.force_login(first.user)
    page = client.get(reverse("maturity:results", args=[diagnostic.pk])).content.decode()
    assert french_text(escape(item["question"])) in page
    assert "écart" not in page and " : 1</li>" not in readable(page)
    assert "La répartition des réponses n’est montrée qu’à partir de 3 personnes" in page


def test_from_three_respondents_disagreements_show_how_answers_split(client, questionnaire):
    diagnostic, first = _team(questionnaire, [strongest, strongest, weakest])
    snapshot = services.complete(diagnostic=diagnostic, by=first.user)
    item = snapshot.data["divergence"][0]
    assert item["spread"] == 100
    assert sorted(a["count"] for a in item["answers"]) == [1, 2]

    client.force_login(first.user)
    page = client.get(reverse("maturity:results", args=[diagnostic.pk])).content.decode()
    assert "écart 100 points" in page and " : 2</li>" in readable(page)
    assert "La répartition des réponses n’est montrée" not in page


def test_a_split_is_hidden_when_fewer_than_three_people_scored_the_question(questionnaire):
    # Three respondents, but the third said "Je ne sais pas" everywhere: two people scored
    # each question, so its split would still tell each of them the other's answer.
    diagnostic, _first = _team(questionnaire, [strongest, weakest])
    third = Respondent.objects.create(
        diagnostic=diagnostic, user=MembershipFactory(organisation=diagnostic.organisation).user
    )
    structure = structure_for(questionnaire)
    for question in structure.questions.values():
        # (The organisation's record answers the profile's size: not a question to answer.)
        if question.choices and question.allow_unknown and not question.organisation_field:
            services.save_answer(
                respondent=third,
                structure=structure,
                question=question,
                parsed=services.parse_answer(question, ["unknown"]),
            )
    data = results.compute(diagnostic)
    assert data["respondents"] == 3
    assert data["divergence"]
    assert all(i["answers"] == [] and i["spread"] is None for i in data["divergence"])


def test_results_stored_before_the_rule_lose_their_small_splits(client, questionnaire):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("maturity.migrations.0003_divergence_splits_from_three")
    diagnostic, first = _team(questionnaire, [strongest, weakest])
    single = next(q for q in structure_for(questionnaire).questions.values() if q.kind == "single")
    two = {"question": single.text, "dimension": "D", "spread": 100}
    stored = [
        {**two, "answers": [{"label": "Oui", "count": 1}, {"label": "Non", "count": 1}]},
        {**two, "answers": [{"label": "Oui", "count": 2}, {"label": "Non", "count": 1}]},
    ]
    snapshot = services.complete(diagnostic=diagnostic, by=first.user)
    snapshot.data = {**snapshot.data, "divergence": stored}
    snapshot.save()

    migration.hide_small_splits(apps, None)
    snapshot.refresh_from_db()
    assert snapshot.data["divergence"][0] == {**two, "spread": None, "answers": []}
    assert snapshot.data["divergence"][1] == stored[1]
    client.force_login(first.user)
    page = client.get(reverse("maturity:results", args=[diagnostic.pk])).content.decode()
    # The second split, from three people.
    assert " : 1</li>" in readable(page) and "Oui : 2" in readable(page)
    assert page.count("écart 100 points") == 1


def test_skills_are_shown_only_aggregated_from_three_respondents(questionnaire):
    diagnostic, first = diagnostic_with_respondent(questionnaire=questionnaire)
    answer_all(first, weakest)
    data = results.compute(diagnostic)
    assert data["skills"] == {"respondents": 1, "shown": False, "areas": []}
    for _ in range(2):
        other = Respondent.objects.create(
            diagnostic=diagnostic, user=MembershipFactory(organisation=diagnostic.organisation).user
        )
        answer_all(other, weakest)
    data = results.compute(diagnostic)
    assert data["skills"]["shown"] and len(data["skills"]["areas"]) == 5
    assert all(area["need"] for area in data["skills"]["areas"])


def test_inventory_findings_show_redundancy_and_dependence(client, questionnaire):
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    client.force_login(respondent.user)
    response = client.post(
        reverse("maturity:inventory", args=[diagnostic.pk]),
        {"tools-stockage": ["Google Drive", "Dropbox", "Nextcloud"], "other-visio": "Outil maison"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("maturity:inventory_equipment", args=[diagnostic.pk]),
        {
            "eq-ordinateurs-count": "6",
            "eq-ordinateurs-average_age": "7",
            "eq-ordinateurs-reconditioned_percent": "50",
        },
    )
    assert response.status_code == 302
    assert InventoryItem.objects.filter(diagnostic=diagnostic).count() == 4
    answer_all(respondent, strongest)
    snapshot = services.complete(diagnostic=diagnostic, by=respondent.user)
    findings = snapshot.data["inventory"]
    assert findings["redundancy"][0]["tools"] == ["Dropbox", "Google Drive", "Nextcloud"]
    assert findings["proprietary_percent"] == 67 and findings["non_eu_percent"] == 67
    assert findings["ageing"][0]["average_age"] == 7 and findings["reconditioned_percent"] == 50
    page = client.get(reverse("maturity:results", args=[diagnostic.pk])).content.decode()
    assert "Plusieurs outils pour un même usage" in page and "Équipement vieillissant" in page


def test_bad_equipment_values_keep_what_was_typed(client, questionnaire):
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    client.force_login(respondent.user)
    client.post(
        reverse("maturity:inventory", args=[diagnostic.pk]), {"tools-stockage": ["Nextcloud"]}
    )
    response = client.post(
        reverse("maturity:inventory_equipment", args=[diagnostic.pk]),
        {"eq-ordinateurs-count": "-3", "eq-ordinateurs-reconditioned_percent": "150"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="-3"' in html and 'value="150"' in html
    assert not EquipmentItem.objects.exists()
    # The tools, saved on their own step, are left as they were.
    assert list(InventoryItem.objects.values_list("usage", "tool_name")) == [
        ("stockage", "Nextcloud")
    ]


def test_completion_lists_unanswered_questions_by_section_with_links_to_answer(
    client, questionnaire
):
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    colleague = MembershipFactory(organisation=diagnostic.organisation)
    theirs = Respondent.objects.create(diagnostic=diagnostic, user=colleague.user)
    client.force_login(respondent.user)
    html = readable(client.get(reverse("maturity:complete", args=[diagnostic.pk])))
    structure = structure_for(questionnaire)
    missing = services.unanswered_required(structure, {})
    assert len({q.section_code for _title, q in missing}) > 1
    assert html.count(f"{len(missing)} questions obligatoires sans réponse.") == 1
    # The colleague's: where they stand, in one line (only they can answer).
    sections = len({q.section_code for _title, q in missing})
    colleague_line = (
        f"<li>{theirs.display_name} : {len(missing)} questions obligatoires sans réponse "
        f"(dans {sections} parties)</li>"
    )
    assert colleague_line in html
    for section in structure.sections:
        questions = [q for _title, q in missing if q.section_code == section.code]
        if not questions:
            continue
        # The heading leads to the section's page, for the requester's own answers only.
        mine = reverse("maturity:section", args=[respondent.pk, section.code])
        assert f'<h4><a href="{mine}">{section.title}</a></h4>' in html
        assert reverse("maturity:section", args=[theirs.pk, section.code]) not in html
        count = len(questions)
        if count <= 3:  # a short list, one question a line
            assert re.search(
                rf'<h4><a href="{mine}">{re.escape(section.title)}</a></h4>\s*<ul>'
                + "".join(rf"<li>{re.escape(q.text[:60])}[^<]*</li>" for q in questions),
                html,
            )
        else:  # a long one shortened to its count and first question, the section's page
            assert re.search(  # showing them all
                rf'{re.escape(mine)}">{re.escape(section.title)}</a></h4>\s*'
                rf"<p>{count} questions sans réponse, dont « {re.escape(questions[0].text[:60])}",
                html,
            )
    assert " ; " not in html.split("<h2>")[1]
    assert html.count("depuis son propre accès") == 1


def test_completion_lists_unanswered_questions_then_locks(client, questionnaire):
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    client.force_login(respondent.user)
    page = client.get(reverse("maturity:complete", args=[diagnostic.pk])).content.decode()
    assert "Votre organisation a-t-elle défini ce qu" in page  # an unanswered required question
    response = client.post(reverse("maturity:complete", args=[diagnostic.pk]), follow=True)
    assert "Aucune réponse" in response.content.decode()
    answer_all(respondent, strongest)
    response = client.post(reverse("maturity:complete", args=[diagnostic.pk]))
    assert response["Location"] == reverse("maturity:results", args=[diagnostic.pk])
    diagnostic.refresh_from_db()
    assert diagnostic.is_completed and ResultSnapshot.objects.filter(diagnostic=diagnostic).exists()
    # A new cycle can start, and the old one stays.
    client.post(reverse("maturity:diagnostic_start", args=[diagnostic.organisation.pk]))
    assert Diagnostic.objects.filter(organisation=diagnostic.organisation).count() == 2


def test_history_shows_the_change_per_dimension_between_cycles(client, questionnaire):
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    answer_all(respondent, weakest)
    services.complete(diagnostic=diagnostic, by=respondent.user)
    with time_machine.travel(timezone.now() + timezone.timedelta(days=365)):
        second, again = services.start_diagnostic(
            organisation=diagnostic.organisation, user=respondent.user
        )
        answer_all(again, strongest)
        services.complete(diagnostic=second, by=respondent.user)
    client.force_login(respondent.user)
    page = client.get(reverse("maturity:results", args=[second.pk])).content.decode()
    assert "Évolution depuis le diagnostic du" in page and "+100" in page


def test_comparison_needs_five_similar_organisations(client, questionnaire):
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    answer_all(respondent, strongest)
    services.complete(diagnostic=diagnostic, by=respondent.user)
    groups = {g["key"]: g for g in results.comparison_groups(diagnostic)}
    assert not groups["sector"]["shown"]
    for _ in range(4):
        other = OrganisationFactory(sector=diagnostic.organisation.sector)
        d, r = diagnostic_with_respondent(
            questionnaire=questionnaire,
            membership=MembershipFactory(organisation=other, admin=True),
        )
        answer_all(r, weakest)
        services.complete(diagnostic=d, by=r.user)
    cache.clear()  # medians are cached for a few minutes
    groups = {g["key"]: g for g in results.comparison_groups(diagnostic)}
    assert groups["sector"]["shown"] and groups["sector"]["organisations"] == 5
    assert groups["sector"]["medians"]["strategie"] == 0  # four weakest, one strongest
    client.force_login(respondent.user)
    assert (
        "Médiane — Même secteur"
        in client.get(reverse("maturity:results", args=[diagnostic.pk])).content.decode()
    )
    assert Organisation.objects.count() == 5


def test_individual_answers_are_visible_to_admins_only_with_consent(client, questionnaire):
    diagnostic, admin_respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    member = MembershipFactory(organisation=diagnostic.organisation)
    respondent = Respondent.objects.create(diagnostic=diagnostic, user=member.user)
    answer_all(respondent, strongest)
    client.force_login(admin_respondent.user)
    url = reverse("maturity:respondent_answers", args=[diagnostic.pk, respondent.pk])
    assert client.get(url).status_code == 404
    client.force_login(member.user)
    client.post(
        reverse("maturity:respondent_consent", args=[respondent.pk]), {"share_answers": "on"}
    )
    client.force_login(admin_respondent.user)
    page = client.get(url).content.decode()
    assert "Stratégie et pilotage du numérique" in page
    assert "Information et données" not in page  # personal skills are never shared


def test_results_page_queries_do_not_grow_with_respondents(
    client, questionnaire, django_assert_num_queries
):
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    for _ in range(10):
        other = Respondent.objects.create(
            diagnostic=diagnostic, user=MembershipFactory(organisation=diagnostic.organisation).user
        )
        answer_all(other, weakest)
    answer_all(respondent, strongest)
    services.complete(diagnostic=diagnostic, by=respondent.user)
    client.force_login(respondent.user)
    url = reverse("maturity:results", args=[diagnostic.pk])
    client.get(url)
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200


def test_recompute_command_reports_no_difference_for_unchanged_answers(questionnaire, capsys):
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    answer_all(respondent, strongest)
    services.complete(diagnostic=diagnostic, by=respondent.user)
    call_command("recompute_snapshots")
    assert "1 diagnostic vérifié, 0 différent, tous identiques" in capsys.readouterr().out
    ResultSnapshot.objects.filter(diagnostic=diagnostic).update(
        overall_score=1, data={"overall": {"score": 1}}
    )
    call_command("recompute_snapshots")
    assert "1 différent," in capsys.readouterr().out


def test_another_organisation_cannot_see_results(client, questionnaire):
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    answer_all(respondent, strongest)
    services.complete(diagnostic=diagnostic, by=respondent.user)
    client.force_login(UserFactory())
    assert client.get(reverse("maturity:results", args=[diagnostic.pk])).status_code == 404


def test_two_social_networks_are_two_channels_not_a_duplicate():
    # The questionnaire says so of its social networks usage (several_tools_expected).
    channels = inventory.several_tools_expected(questionnaire_data()["inventory"]["usages"])
    assert channels == {"reseaux_sociaux"}
    tools = [
        inventory.ToolUse("reseaux_sociaux", "Facebook", False, False),
        inventory.ToolUse("reseaux_sociaux", "Instagram", False, False),
        inventory.ToolUse("stockage", "Google Drive", False, False),
        inventory.ToolUse("stockage", "Dropbox", False, False),
    ]
    labels = {"reseaux_sociaux": "Réseaux sociaux", "stockage": "Stockage"}
    found = inventory.findings(tools, [], labels, {}, several_expected=channels)
    assert found["redundancy"] == [
        {
            "usage": "stockage",
            "label": "Stockage",
            "tools": ["Dropbox", "Google Drive"],
            "needs": [],
        }
    ]
    channels_only = inventory.findings(tools[:2], [], labels, {}, several_expected=channels)
    assert channels_only["redundancy"] == [] and channels_only["tools_count"] == 2
