"""The adviser's workspace: portfolio, comparison, client page, notes, recommendations, PDF,
prediagnostic; read-only everywhere else; every view logged."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Membership
from advisers import services
from advisers.models import AccessLog, AdviserNote, Recommendation
from common.typography import french_text
from maturity import pdf, roadmap
from maturity import services as maturity_services
from maturity.models import InventoryItem, PdfExport, Roadmap, RoadmapAction
from tests.advisers.factories import completed_diagnostic, live_consent, shown_offer
from tests.factories import AdviserProfileFactory, MembershipFactory, OrganisationFactory
from tests.maturity.factories import diagnostic_with_respondent, published_questionnaire
from tests.maturity.test_collective_and_results import answer_all, weakest
from tests.pages import readable


@pytest.fixture
def adviser(cast):
    return cast.users["adviser"]


def _clients(adviser, count: int, score: float = 40.0):
    organisations = []
    for n in range(count):
        membership = MembershipFactory(admin=True)
        organisation = membership.organisation
        completed_diagnostic(organisation, score=score + n % 30)
        roadmap_obj = Roadmap.objects.create(organisation=organisation)
        RoadmapAction.objects.create(roadmap=roadmap_obj, title="A", status="done", position=1)
        RoadmapAction.objects.create(roadmap=roadmap_obj, title="B", position=2)
        live_consent(organisation, adviser, by=membership.user)
        organisations.append(organisation)
    return organisations


# --- Portfolio ----------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 60])
def test_portfolio_queries_do_not_grow_with_the_number_of_clients(
    cast, client_for, adviser, count, django_assert_num_queries
):
    _clients(adviser, count)
    client = client_for(adviser)
    client.get(reverse("advisers:portfolio"))  # warm the questionnaire structure cache
    # Session, user, roles and organisations for the layout; the questionnaire; the
    # portfolio's départements; the count and the page's clients, their scores and progress;
    # the access-log insert; pending requests: the same for 1 client or more than a page.
    with django_assert_num_queries(12):
        response = client.get(reverse("advisers:portfolio"))
    assert response.status_code == 200
    assert response.content.decode().count('name="o"') == min(count, 20)
    with django_assert_num_queries(12):
        response = client.get(reverse("advisers:portfolio"), {"page": 2})
    # Page 2 of a single page is that page (as Paginator.get_page does).
    assert response.content.decode().count('name="o"') == (20 if count > 20 else count)


def test_portfolio_pages_are_read_in_the_database_and_logged_as_shown(cast, client_for, adviser):
    organisations = _clients(adviser, 23)
    client = client_for(adviser)
    url = reverse("advisers:portfolio")
    first = client.get(url).content.decode()
    assert first.count('name="o"') == 20
    assert "23 organisations" in first and "page 1 sur 2" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('name="o"') == 3 and "page 2 sur 2" in second
    by_name = sorted(organisations, key=lambda o: (o.name, o.pk))
    assert all(o.name in second for o in by_name[20:])
    assert not any(f'id="compare-{o.pk}"' in second for o in by_name[:20])
    # Only the clients shown are recorded as viewed, once per page read.
    logged = AccessLog.objects.filter(what="portfolio")
    assert logged.count() == 23
    assert set(logged.values_list("organisation_id", flat=True)) == {o.pk for o in organisations}
    # A page past the end shows the last one, filters apply before paging.
    assert client.get(url, {"page": 9}).content.decode().count('name="o"') == 3
    found = client.get(url, {"q": by_name[-1].siren}).content.decode()
    assert found.count('name="o"') == 1 and by_name[-1].name in found
    # The links between pages keep the filters, without JavaScript.
    filtered = client.get(url, {"departement": "33"}).content.decode()
    assert 'href="?departement=33&amp;page=2" rel="next"' in filtered
    previous = client.get(url, {"departement": "33", "page": 2}).content.decode()
    assert 'href="?departement=33&amp;page=1" rel="prev"' in previous
    assert previous.count('name="o"') == 3


def test_portfolio_shows_date_level_weakest_dimensions_and_progress(cast, client_for, adviser):
    (organisation,) = _clients(adviser, 1, score=30)
    # One dimension weaker than the rest.
    diagnostic = organisation.diagnostics.get()
    weak = diagnostic.snapshot.dimension_results.order_by("dimension").first()
    weak.score = 5
    weak.save()
    html = client_for(adviser).get(reverse("advisers:portfolio")).content.decode()
    assert organisation.name in html
    assert "Peu initiée" in html
    title = next(
        d["title"] for d in diagnostic.snapshot.data["dimensions"] if d["code"] == weak.dimension
    )
    assert french_text(escape(title)) in html
    assert "1 / 2 actions faites (50 %)" in html
    assert AccessLog.objects.filter(organisation=organisation, what="portfolio").count() == 1


def test_portfolio_filters_by_name_departement_and_level(cast, client_for, adviser):
    low, _high = _clients(adviser, 2)
    low.name, low.departement = "Les Jardins partagés", "35"
    low.save()
    no_diagnostic = MembershipFactory(admin=True)
    live_consent(no_diagnostic.organisation, adviser, by=no_diagnostic.user)
    client = client_for(adviser)
    url = reverse("advisers:portfolio")
    assert client.get(url, {"q": "jardins"}).content.decode().count('name="o"') == 1
    assert client.get(url, {"departement": "35"}).content.decode().count('name="o"') == 1
    html = client.get(url, {"level": "none"}).content.decode()
    assert no_diagnostic.organisation.name in html and html.count('name="o"') == 1
    assert client.get(url, {"level": "en_progres"}).content.decode().count('name="o"') == 2
    assert client.get(url, {"level": "experimentee"}).content.decode().count('name="o"') == 0


def test_portfolio_lists_only_live_consents(cast, client_for, adviser):
    (kept, revoked) = _clients(adviser, 2)
    consent = revoked.adviser_consents.get()
    services.revoke(consent=consent, by=revoked.active_admins().first())
    html = client_for(adviser).get(reverse("advisers:portfolio")).content.decode()
    assert kept.name in html and revoked.name not in html


def test_portfolio_csv_export(cast, client_for, adviser):
    (organisation,) = _clients(adviser, 1)
    response = client_for(adviser).get(reverse("advisers:portfolio_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["Organisation"] == organisation.name
    assert rows[0]["Niveau global"] == "En progrès" and rows[0]["Actions faites"] == "1"
    assert AccessLog.objects.filter(organisation=organisation, what="export").exists()


def test_comparison_of_selected_clients(cast, client_for, adviser):
    first, second, third = _clients(adviser, 3)
    client = client_for(adviser)
    response = client.get(reverse("advisers:compare"), {"o": [first.pk, second.pk, cast.org_b.pk]})
    html = response.content.decode()
    assert first.name in html and second.name in html and third.name not in html
    assert cast.org_b.name not in html  # not consented: silently left out
    assert html.count('class="radar-chart"') == 2 and '<caption id="' in html
    # The radars' key names the dashed line: the median of the clients compared, not of all.
    key = html.split('<ul class="chart-key">')[1].split("</ul>")[0]
    assert "L’organisation (trait plein vert)" in key
    assert "Médiane des 2 organisations sélectionnées (tirets orange)" in key
    alone = client.get(reverse("advisers:compare"), {"o": [first.pk]}).content.decode()
    assert "au moins deux" in alone


def test_a_phone_reads_each_compared_score_beside_its_organisation_s_name(
    cast, client_for, adviser
):
    first, second = _clients(adviser, 2)
    first.name, second.name = "Jardins du Lavoir", "Aide à domicile d'Aure"
    first.save()
    second.save()
    html = client_for(adviser).get(reverse("advisers:compare"), {"o": [first.pk, second.pk]})
    html = html.content.decode()
    # Each score's cell carries its column's name (the cards of app.css), in French typography
    # as the rest of the page: the middleware leaves attributes as they are.
    assert html.count('data-label="Jardins du Lavoir"') == html.count('<tr><th scope="row">')
    assert html.count('data-label="Aide à domicile d’Aure"') == html.count('<tr><th scope="row">')
    assert html.count('data-label="Médiane"') == html.count('<tr><th scope="row">') > 0


# --- Client page, notes, recommendations -------------------------------------------------------


def test_client_page_shows_results_and_roadmap_read_only_and_logs(cast, client_for, adviser):
    (organisation,) = _clients(adviser, 1)
    response = client_for(adviser).get(reverse("advisers:client", args=[organisation.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and "<svg" in html
    assert "Feuille de route" in html and "Fait" in html
    # No editing form of the roadmap: only notes and recommendations post anywhere.
    assert "roadmap_action" not in html and "/feuille-de-route/" not in html
    assert "jamais transmises" in html
    assert AccessLog.objects.filter(organisation=organisation, what="client").count() == 1


def test_adviser_cannot_change_the_roadmap_through_the_organisation_pages(
    cast, client_for, adviser
):
    (organisation,) = _clients(adviser, 1)
    action = RoadmapAction.objects.filter(roadmap__organisation=organisation).first()
    client = client_for(adviser)
    attempts = [
        ("maturity:roadmap", [organisation.pk], "get", {}),
        (
            "maturity:roadmap_action_decide",
            [organisation.pk, action.pk],
            "post",
            {"decision": "decline"},
        ),
        (
            "maturity:roadmap_action_update",
            [organisation.pk, action.pk],
            "post",
            {"status": "done", "notes": "x"},
        ),
        (
            "maturity:roadmap_action_move",
            [organisation.pk, action.pk],
            "post",
            {"direction": "up", "rank": 0},
        ),
        (
            "maturity:roadmap_action_add",
            [organisation.pk],
            "post",
            {"title": "x", "horizon": "0-3"},
        ),
        ("maturity:roadmap_regenerate", [organisation.pk], "post", {}),
    ]
    before = list(
        RoadmapAction.objects.values_list("pk", "status", "decision", "notes", "position")
    )
    for name, args, method, data in attempts:
        response = getattr(client, method)(reverse(name, args=args), data)
        assert response.status_code in (403, 404), name
    after = list(RoadmapAction.objects.values_list("pk", "status", "decision", "notes", "position"))
    assert before == after


def test_adviser_pages_refuse_other_methods(cast, client_for, adviser):
    (organisation,) = _clients(adviser, 1)
    client = client_for(adviser)
    assert client.get(reverse("advisers:note_save", args=[organisation.pk])).status_code == 405
    assert client.get(reverse("advisers:recommend", args=[organisation.pk])).status_code == 405
    # The client page is read-only: posting to it is not allowed.
    response = client.post(reverse("advisers:client", args=[organisation.pk]), {"status": "done"})
    assert response.status_code == 200
    assert RoadmapAction.objects.filter(status="done").count() == 1


def test_notes_per_dimension_are_saved_changed_and_removed(cast, client_for, adviser):
    (organisation,) = _clients(adviser, 1)
    code = organisation.diagnostics.get().snapshot.data["dimensions"][0]["code"]
    client = client_for(adviser)
    url = reverse("advisers:note_save", args=[organisation.pk])
    client.post(
        url, {"dimension": code, f"note-{code}-dimension": code, f"note-{code}-text": "Bien."}
    )
    note = AdviserNote.objects.get()
    assert note.text == "Bien." and note.adviser == adviser
    assert adviser.display_name in note.adviser_name
    client.post(
        url, {"dimension": code, f"note-{code}-dimension": code, f"note-{code}-text": "Mieux."}
    )
    assert AdviserNote.objects.get().text == "Mieux."
    page = client.get(reverse("advisers:client", args=[organisation.pk])).content.decode()
    assert "Mieux." in page
    client.post(url, {"dimension": code, f"note-{code}-dimension": code, f"note-{code}-text": ""})
    assert not AdviserNote.objects.exists()
    response = client.post(
        url,
        {"dimension": "nope", "note-nope-dimension": "nope", "note-nope-text": "x"},
        follow=True,
    )
    assert (
        "Cette dimension n’existe pas" in response.content.decode()
        or "existe pas" in response.content.decode()
    )
    assert not AdviserNote.objects.exists()


def test_recommendation_bad_input_keeps_nothing(cast, client_for, adviser):
    (organisation,) = _clients(adviser, 1)
    client = client_for(adviser)
    response = client.post(
        reverse("advisers:recommend", args=[organisation.pk]),
        {"title": "", "horizon": "9"},
        follow=True,
    )
    assert "Recommandation non ajoutée" in response.content.decode()
    assert not RoadmapAction.objects.filter(source="adviser").exists()


def test_done_when_grant_review_note_recommend_accept_pdf_who_viewed_revoke(
    cast, client_for, adviser, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    """The issue's scenario, end to end, on a diagnostic answered through the real flow."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    questionnaire = published_questionnaire()
    call_command("load_roadmap_rules", verbosity=0)
    membership = Membership.objects.get(organisation=cast.org_a, role="admin")
    diagnostic, respondent = diagnostic_with_respondent(
        questionnaire=questionnaire, membership=membership
    )
    answer_all(respondent, weakest)
    maturity_services.complete(diagnostic=diagnostic, by=respondent.user)
    admin = cast.users["admin_a"]
    admin_client = client_for(admin)

    # 1. The organisation grants access, agreeing to the text shown with the adviser's card.
    page = admin_client.get(
        reverse("advisers:consents", args=[cast.org_a.pk]), {"q": adviser.email}
    )
    _text, token = shown_offer(page.text, f"grant-{adviser.adviser_profile.pk}")
    admin_client.post(
        reverse("advisers:consent_grant", args=[cast.org_a.pk]),
        {"adviser": adviser.adviser_profile.pk, "months": 12, "offer": token, "agree": "on"},
    )
    # 2. The adviser reviews the results, writes a note and recommends an action.
    client = client_for(adviser)
    assert client.get(reverse("advisers:client", args=[cast.org_a.pk])).status_code == 200
    code = diagnostic.snapshot.data["dimensions"][0]["code"]
    title = diagnostic.snapshot.data["dimensions"][0]["title"]
    client.post(
        reverse("advisers:note_save", args=[cast.org_a.pk]),
        {"dimension": code, f"note-{code}-dimension": code, f"note-{code}-text": "Un référent."},
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("advisers:recommend", args=[cast.org_a.pk]),
            {
                "title": "Nommer deux référent·es numériques",
                "explanation": "Pour ne pas tout faire reposer sur une personne.",
                "dimension": code,
                "horizon": "0-3",
                "priority": "1",
            },
        )
    action = RoadmapAction.objects.get(source="adviser")
    assert action.decision == RoadmapAction.Decision.PROPOSED
    assert Recommendation.objects.get(action=action).adviser == adviser

    # 3. The organisation sees it on its roadmap, with the adviser's name, and retains it.
    admin_client = client_for(admin)
    page = admin_client.get(reverse("maturity:roadmap", args=[cast.org_a.pk])).content.decode()
    assert "Nommer deux référent·es numériques" in page
    assert f"Recommandée par {adviser.display_name}" in page
    admin_client.post(
        reverse("maturity:roadmap_action_decide", args=[cast.org_a.pk, action.pk]),
        {"decision": "accept"},
    )
    action.refresh_from_db()
    assert action.decision == RoadmapAction.Decision.ACCEPTED

    # 4. It appears in the PDF with the adviser's name, and so does the note.
    captured = {}

    class FakeHTML:
        def __init__(self, string, base_url):
            captured["html"] = string

        def write_pdf(self, **kwargs):
            return b"%PDF-1.7"

    monkeypatch.setattr("weasyprint.HTML", FakeHTML)
    roadmap_obj = Roadmap.objects.get(organisation=cast.org_a)
    export = PdfExport.objects.create(roadmap=roadmap_obj, content_hash="x")
    pdf.render(export)
    html = captured["html"]
    assert "Avis et recommandations de votre conseiller·e" in html
    assert "Un référent." in html and title in html
    assert f"recommandée par {adviser.display_name}" in html

    # 5. The organisation sees the access in "who viewed", revokes it, and the adviser is out.
    consents_url = reverse("advisers:consents", args=[cast.org_a.pk])
    page = admin_client.get(consents_url).content.decode()
    assert "Qui a consulté vos données" in page and adviser.display_name in page
    consent = cast.org_a.adviser_consents.get()
    admin_client.post(reverse("advisers:consent_revoke", args=[cast.org_a.pk, consent.pk]))
    client = client_for(adviser)
    assert client.get(reverse("advisers:client", args=[cast.org_a.pk])).status_code == 404
    assert cast.org_a.name not in client.get(reverse("advisers:portfolio")).content.decode()


def test_a_changed_note_changes_the_pdf_hash(cast, adviser):
    (organisation,) = _clients(adviser, 1)
    roadmap_obj = organisation.roadmap
    code = organisation.diagnostics.get().snapshot.data["dimensions"][0]["code"]
    actions = list(roadmap_obj.actions.all())
    before = roadmap.content_hash(roadmap_obj, actions)
    services.save_note(organisation=organisation, adviser=adviser, dimension=code, text="Avis")
    after = roadmap.content_hash(roadmap_obj, actions)
    assert before != after
    services.save_note(organisation=organisation, adviser=adviser, dimension=code, text="Autre")
    assert roadmap.content_hash(roadmap_obj, actions) != after


def test_pdf_without_adviser_input_has_no_adviser_section(cast, settings, tmp_path, monkeypatch):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    organisation = OrganisationFactory()
    completed_diagnostic(organisation)
    roadmap_obj = Roadmap.objects.create(organisation=organisation)
    captured = {}

    class FakeHTML:
        def __init__(self, string, base_url):
            captured["html"] = string

        def write_pdf(self, **kwargs):
            return b"%PDF-1.7"

    monkeypatch.setattr("weasyprint.HTML", FakeHTML)
    pdf.render(PdfExport.objects.create(roadmap=roadmap_obj, content_hash="y"))
    assert "votre conseiller·e" not in captured["html"]


# --- Prediagnostic ------------------------------------------------------------------------------


def test_prediagnostic_sheet_is_prefilled_and_follows_the_guide(cast, client_for, adviser):
    (organisation,) = _clients(adviser, 1, score=20)
    diagnostic = organisation.diagnostics.get()
    InventoryItem.objects.create(
        diagnostic=diagnostic, usage="stockage", tool_name="Dropbox", libre=False, eu_hosted=False
    )
    InventoryItem.objects.create(
        diagnostic=diagnostic, usage="stockage", tool_name="Nextcloud", libre=True, eu_hosted=True
    )
    response = client_for(adviser).get(reverse("advisers:prediagnostic", args=[organisation.pk]))
    html = response.content.decode()
    assert "Degré d’utilisation et de formalisation" in html
    assert "Dropbox" in html and "Nextcloud (libre)" in html and "hors UE" in html
    assert "Questions pour l’entretien" in html
    assert "règles d'usage documentées" in readable(html)
    assert "Peu initiée" in html and "Avant" in html
    assert 'style="' not in html and "<script>" not in html
    assert AccessLog.objects.filter(organisation=organisation, what="prediagnostic").exists()


def test_prediagnostic_without_a_completed_diagnostic_says_so(cast, client_for, adviser):
    membership = MembershipFactory(admin=True)
    live_consent(membership.organisation, adviser, by=membership.user)
    html = (
        client_for(adviser)
        .get(reverse("advisers:prediagnostic", args=[membership.organisation.pk]))
        .content.decode()
    )
    assert "pas encore terminé d’autodiagnostic" in html


# --- Access log retention -----------------------------------------------------------------------


def test_access_log_is_purged_after_twelve_months(cast, adviser):
    (organisation,) = _clients(adviser, 1)
    services.log_access(adviser, [organisation.pk], AccessLog.What.CLIENT)
    with time_machine.travel(timezone.now() + timedelta(days=200)):
        services.log_access(adviser, [organisation.pk], AccessLog.What.PREDIAGNOSTIC)
    with time_machine.travel(timezone.now() + timedelta(days=366)):
        from advisers.tasks import purge_access_logs

        assert purge_access_logs.delay().get() == 1
    assert list(AccessLog.objects.values_list("what", flat=True)) == ["prediagnostic"]


def test_one_access_log_line_per_adviser_organisation_and_page_kind_per_hour(
    cast, client_for, adviser
):
    (organisation,) = _clients(adviser, 1)
    admin = organisation.active_admins().first()
    start = timezone.now().replace(minute=5, second=0, microsecond=0)
    with time_machine.travel(start, tick=False):
        client = client_for(adviser)
        for _visit in range(5):
            client.get(reverse("advisers:client", args=[organisation.pk]))
        client.get(reverse("advisers:prediagnostic", args=[organisation.pk]))
        client.get(reverse("advisers:portfolio"))
    with time_machine.travel(start + timedelta(minutes=50), tick=False):
        client_for(adviser).get(reverse("advisers:client", args=[organisation.pk]))
        client_for(adviser).get(reverse("advisers:portfolio"))
    with time_machine.travel(start + timedelta(minutes=60), tick=False):
        client_for(adviser).get(reverse("advisers:client", args=[organisation.pk]))
    html = client_for(admin).get(reverse("advisers:consents", args=[organisation.pk])).text
    log = html.split("Qui a consulté vos données")[1]
    assert log.count("Résultats et feuille de route") == 2  # this hour and the next one
    assert log.count("Fiche de prédiagnostic") == 1
    assert log.count("Synthèse dans le portefeuille") == 1
    # Another adviser's visit in the same hour is a line of its own.
    other = AdviserProfileFactory().user
    live_consent(organisation, other, by=admin)
    with time_machine.travel(start + timedelta(minutes=70), tick=False):
        client_for(other).get(reverse("advisers:client", args=[organisation.pk]))
    assert AccessLog.objects.filter(organisation=organisation, what="client").count() == 3


def test_the_access_log_hour_is_unique_in_the_database(cast, adviser):
    """Two simultaneous requests cannot both write the hour's line: the database refuses the
    second one, and log_access skips it."""
    (organisation,) = _clients(adviser, 1)
    services.log_access(adviser, [organisation.pk], AccessLog.What.CLIENT)
    line = AccessLog.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessLog.objects.create(
            organisation=organisation,
            adviser=adviser,
            adviser_name="x",
            what=AccessLog.What.CLIENT,
            hour=line.hour,
        )
    services.log_access(adviser, [organisation.pk], AccessLog.What.CLIENT)
    assert AccessLog.objects.count() == 1


def test_the_migration_keeps_the_first_line_of_each_hour(cast, adviser):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("advisers.migrations.0004_accesslog_hour")
    (organisation,) = _clients(adviser, 1)
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(days=2)
    minutes = [10, 20, 30, 70]  # three readings in one hour, one in the next
    # As the table was before: any hour (here a distinct one per line).
    AccessLog.objects.bulk_create(
        AccessLog(
            organisation=organisation,
            adviser=adviser,
            adviser_name="x",
            what=AccessLog.What.CLIENT,
            at=start + timedelta(minutes=m),
            hour=start - timedelta(hours=m),
        )
        for m in minutes
    )
    migration.fill_hours(apps, None)
    lines = AccessLog.objects.order_by("at")
    assert [line.at for line in lines] == [
        start + timedelta(minutes=10),
        start + timedelta(hours=1, minutes=10),
    ]
    assert [line.hour for line in lines] == [start, start + timedelta(hours=1)]
