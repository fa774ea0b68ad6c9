import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from maturity import pdf, roadmap, roadmap_rules, services
from maturity.models import PdfExport, RoadmapAction
from tests.factories import MembershipFactory
from tests.maturity.factories import diagnostic_with_respondent, published_questionnaire
from tests.maturity.test_collective_and_results import answer_all, strongest, weakest
from tests.pages import plain, readable

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    questionnaire = published_questionnaire()
    call_command("load_roadmap_rules", verbosity=0)
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    answer_all(respondent, weakest)
    services.complete(diagnostic=diagnostic, by=respondent.user)
    return diagnostic, respondent


def test_the_shipped_rules_are_valid_and_cover_every_dimension():
    questionnaire = published_questionnaire()
    from maturity import questionnaire_file

    text = Path("fixtures/roadmap.yaml").read_text(encoding="utf-8")
    data, errors = roadmap_rules.load(
        text, questionnaire=questionnaire_file.export_questionnaire(questionnaire)
    )
    assert errors == []
    assert len(data["actions"]) >= 40
    dimensions = {d.code for d in questionnaire.sections.filter(kind="dimension")}
    assert {a["dimension"] for a in data["actions"]} == dimensions


def test_rules_engine_ranks_by_gap_and_priority_with_prerequisites_first():
    rules = {
        "actions": [
            {
                "code": "tools",
                "dimension": "collab",
                "priority": 1,
                "prerequisites": ["people"],
                "triggers": [{"dimension_below": {"dimension": "collab", "score": 50}}],
            },
            {
                "code": "people",
                "dimension": "skills",
                "priority": 2,
                "prerequisites": [],
                "triggers": [{"dimension_below": {"dimension": "skills", "score": 50}}],
            },
            {
                "code": "weak",
                "dimension": "secu",
                "priority": 2,
                "prerequisites": [],
                "triggers": [{"dimension_below": {"dimension": "secu", "score": 50}}],
            },
            {
                "code": "fine",
                "dimension": "comm",
                "priority": 1,
                "prerequisites": [],
                "triggers": [{"dimension_below": {"dimension": "comm", "score": 50}}],
            },
        ]
    }
    facts = roadmap_rules.Facts(
        {"collab": 10, "skills": 40, "secu": 5, "comm": 80}, {}, frozenset(), frozenset(), {}
    )
    proposals = roadmap_rules.propose(rules, facts)
    # tools: gap 0.9 × priority 1 → 0.9; weak: 0.95 × 0.75; people: 0.6 × 0.75, but it is the
    # prerequisite of tools, so it comes with it and before it.
    assert [p.code for p in proposals] == ["people", "tools", "weak"]
    assert [p.value for p in proposals] == [0.45, 0.9, 0.7125]
    assert proposals[1].reasons == ["Score de 10/100 en « collab »."]
    # With room for two, the prerequisite and its action fill it; the rest waits.
    limited = roadmap_rules.propose(rules, facts, limit=2)
    assert [(p.code, p.later) for p in limited] == [
        ("people", False),
        ("tools", False),
        ("weak", True),
    ]


def test_completing_a_diagnostic_proposes_explained_actions(client, completed):
    diagnostic, respondent = completed
    actions = list(RoadmapAction.objects.filter(roadmap__organisation=diagnostic.organisation))
    assert len(actions) >= 10
    assert all(a.reasons for a in actions)
    client.force_login(respondent.user)
    page = client.get(
        reverse("maturity:roadmap", args=[diagnostic.organisation.pk])
    ).content.decode()
    assert "À faire en premier" in page and "Pourquoi pour vous" in page
    assert actions[0].title in page.replace("&#x27;", "'")


def test_regenerating_keeps_the_organisations_edits_and_flags_new_actions(client, completed):
    diagnostic, respondent = completed
    organisation = diagnostic.organisation
    actions = list(
        RoadmapAction.objects.filter(roadmap__organisation=organisation).order_by("position")
    )
    declined, worked = actions[0], actions[1]
    roadmap.decide(declined, accept=False, reason="Déjà fait autrement")
    roadmap.update(
        worked,
        owner=respondent.user,
        due_date=date(2027, 3, 1),
        status="doing",
        notes="On commence en janvier",
    )
    worked.edited = True
    worked.title = "Notre propre titre"
    worked.save()
    # A year later the organisation answers better: fewer actions are triggered.
    second, again = services.start_diagnostic(organisation=organisation, user=respondent.user)
    answer_all(again, strongest)
    services.complete(diagnostic=second, by=respondent.user)
    declined.refresh_from_db()
    worked.refresh_from_db()
    assert declined.decision == "declined" and declined.decline_reason == "Déjà fait autrement"
    assert (
        worked.title == "Notre propre titre"
        and worked.notes == "On commence en janvier"
        and worked.status == "doing"
    )
    assert RoadmapAction.objects.filter(roadmap__organisation=organisation, obsolete=True).exists()
    # Nothing is deleted; what the new answers call for (strong felt difficulties here) is added
    # and flagged as new.
    kept = RoadmapAction.objects.filter(
        roadmap__organisation=organisation, pk__in=[a.pk for a in actions]
    )
    assert kept.count() == len(actions)
    added = RoadmapAction.objects.filter(roadmap__organisation=organisation).exclude(
        pk__in=[a.pk for a in actions]
    )
    assert all(a.is_new for a in added)


def test_reordering_with_buttons_and_refusing_a_stale_order(client, completed):
    diagnostic, respondent = completed
    org = diagnostic.organisation
    first, second = RoadmapAction.objects.filter(roadmap__organisation=org).order_by(
        "position", "pk"
    )[:2]
    client.force_login(respondent.user)
    url = reverse("maturity:roadmap_action_move", args=[org.pk, second.pk])
    client.post(url, {"direction": "up", "rank": 1})
    ordered = list(
        RoadmapAction.objects.filter(roadmap__organisation=org, obsolete=False).order_by(
            "position", "pk"
        )[:2]
    )
    assert ordered == [second, first]
    response = client.post(url, {"direction": "up", "rank": 1}, follow=True)  # the page was stale
    assert "L'ordre a changé entre-temps" in readable(response)
    assert list(
        RoadmapAction.objects.filter(roadmap__organisation=org, obsolete=False).order_by(
            "position", "pk"
        )[:2]
    ) == [second, first]


def test_owner_must_be_a_member_and_dates_are_checked(client, completed):
    diagnostic, respondent = completed
    org = diagnostic.organisation
    action = RoadmapAction.objects.filter(roadmap__organisation=org).first()
    outsider = MembershipFactory().user
    client.force_login(respondent.user)
    url = reverse("maturity:roadmap_action_update", args=[org.pk, action.pk])
    response = client.post(url, {"owner": outsider.pk, "status": "todo"}, follow=True)
    assert "Responsable" in response.content.decode()
    response = client.post(url, {"due_date": "31/02/2027", "status": "todo"}, follow=True)
    assert "Échéance" in response.content.decode()
    action.refresh_from_db()
    assert action.owner is None and action.due_date is None
    response = client.post(
        url,
        {"due_date": (date.today() - timedelta(days=3)).isoformat(), "status": "todo"},
        follow=True,
    )
    action.refresh_from_db()
    assert action.is_late and "déjà passée" in response.content.decode()


def test_a_custom_action_and_its_history(client, completed):
    diagnostic, respondent = completed
    org = diagnostic.organisation
    client.force_login(respondent.user)
    client.post(
        reverse("maturity:roadmap_action_add", args=[org.pk]),
        {"title": "Former le bureau à Nextcloud", "dimension": "competences", "horizon": "0-3"},
    )
    action = RoadmapAction.objects.get(source="custom")
    client.post(
        reverse("maturity:roadmap_action_update", args=[org.pk, action.pk]),
        {"status": "done", "owner": respondent.user.pk},
    )
    page = client.get(
        reverse("maturity:roadmap_action_history", args=[org.pk, action.pk])
    ).content.decode()
    assert respondent.user.display_name in page and "Fait" in page


def test_another_organisation_cannot_edit_this_roadmap(client, completed):
    diagnostic, _ = completed
    action = RoadmapAction.objects.filter(roadmap__organisation=diagnostic.organisation).first()
    outsider = MembershipFactory(admin=True)
    client.force_login(outsider.user)
    response = client.post(
        reverse("maturity:roadmap_action_update", args=[outsider.organisation.pk, action.pk]),
        {"status": "done"},
    )
    assert response.status_code == 404
    response = client.post(
        reverse("maturity:roadmap_action_update", args=[diagnostic.organisation.pk, action.pk]),
        {"status": "done"},
    )
    assert response.status_code == 404
    action.refresh_from_db()
    assert action.status == "todo"


def test_roadmap_page_queries_do_not_grow_with_actions(
    client, completed, django_assert_num_queries
):
    diagnostic, respondent = completed
    org = diagnostic.organisation
    client.force_login(respondent.user)
    url = reverse("maturity:roadmap", args=[org.pk])
    client.get(url)
    with django_assert_num_queries(10):
        client.get(url)
    the_roadmap = diagnostic.organisation.roadmap
    for n in range(30):
        roadmap.add_custom(
            the_roadmap, title=f"Action {n}", dimension="strategie", horizon="6-12", notes=""
        )
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200


def test_roadmap_cards_show_the_ambassadors_and_tools_each_action_calls_for(
    client, completed, django_assert_num_queries
):
    from ambassadors.services.seams import ambassadors_near_each
    from tests.ambassadors.factories import AmbassadorFactory
    from tests.toolbox.factories import ToolFactory

    diagnostic, respondent = completed
    org = diagnostic.organisation
    up_front = roadmap.arrange(list(org.roadmap.actions.for_roadmap_page())).up_front
    dimensions = sorted({a.dimension for a in up_front if a.dimension})
    assert len(dimensions) >= 2
    # Ambassadors on each dimension, near and far, some on several, one hidden.
    for n, dimension in enumerate(dimensions):
        AmbassadorFactory(public_name=f"Près {n}", expertise_dimensions=[dimension])
        AmbassadorFactory(
            public_name=f"Région {n}",
            departements=["24"],
            regions=["75"],
            expertise_dimensions=[dimension, dimensions[0]],
        )
        AmbassadorFactory(
            public_name=f"Loin {n}",
            departements=["67"],
            regions=["44"],
            expertise_dimensions=[dimension],
        )
    AmbassadorFactory(public_name="Cachée", hidden=True, expertise_dimensions=dimensions)
    need_codes = sorted({n for a in up_front for n in a.needs})
    for need in need_codes:
        ToolFactory(needs=[need])
    client.force_login(respondent.user)
    url = reverse("maturity:roadmap", args=[org.pk])
    client.get(url)
    with django_assert_num_queries(11):
        page = client.get(url).content.decode()
    cards = {
        a.pk: page.split(f'id="action-{a.pk}"', 1)[1].split("</article>", 1)[0] for a in up_front
    }
    for action in up_front:
        expected = (
            ambassadors_near_each(org, [action.dimension])[action.dimension]
            if action.dimension
            else []
        )
        read = readable(cards[action.pk])
        near = re.search(r"près de chez vous :</strong>(.*?)</p>", read, re.S)
        shown = re.findall(r'<a href="[^"]*">([^<]*)</a>', near.group(1)) if near else []
        assert shown == [plain(a.public_name) for a in expected], action.dimension
        assert "Loin" not in cards[action.pk] and "Cachée" not in cards[action.pk]
    assert all("près de chez vous" in cards[a.pk] for a in up_front if a.dimension)
    assert any("Région" in card for card in cards.values())
    assert any("Outils conseillés" in card for card in cards.values()) == bool(need_codes)


def test_action_urls_are_the_reversed_ones(completed):
    from maturity.views.roadmap import ACTION_URLS, set_action_urls

    diagnostic, _ = completed
    org = diagnostic.organisation
    actions = list(org.roadmap.actions.all())
    set_action_urls(org.pk, actions)
    for action in actions:
        for key, name in ACTION_URLS.items():
            assert action.urls[key] == reverse(name, args=[org.pk, action.pk])


def test_a_newly_activated_rules_version_is_used_at_once(completed):
    from maturity.models import RoadmapRules

    rules = RoadmapRules.objects.get(is_active=True)
    funding, _training = roadmap.active_rules_lookup()
    assert set(funding) == {f["code"] for f in rules.data["funding_leads"]}
    data = {**rules.data, "version": "2099.1", "funding_leads": [{"code": "x", "title": "X"}]}
    rules.is_active = False
    rules.save()
    RoadmapRules.objects.create(version="2099.1", data=data, is_active=True)
    assert set(roadmap.active_rules_lookup().funding) == {"x"}


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is needed")
def test_pdf_is_built_reused_when_unchanged_and_downloadable_by_members_only(
    client, completed, django_capture_on_commit_callbacks
):
    diagnostic, respondent = completed
    org = diagnostic.organisation
    client.force_login(respondent.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("maturity:pdf_request", args=[org.pk]))
    export = PdfExport.objects.get()
    assert response["Location"] == reverse("maturity:pdf_status", args=[org.pk, export.pk])
    assert export.status == "done"
    download = client.get(reverse("maturity:pdf_download", args=[org.pk, export.pk]))
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    first = RoadmapAction.objects.filter(roadmap__organisation=org).order_by("position").first()
    assert org.name in text and plain(first.title[:30]) in plain(text.replace("\n", " "))
    # Unchanged roadmap: the same file, no new task.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("maturity:pdf_request", args=[org.pk]))
    assert PdfExport.objects.count() == 1
    outsider = MembershipFactory()
    client.force_login(outsider.user)
    assert client.get(reverse("maturity:pdf_download", args=[org.pk, export.pk])).status_code == 404


def test_the_pdf_is_made_anew_when_a_due_date_it_shows_changes(completed):
    """The file is reused while what it shows is the same; a due date moved is a new file."""
    diagnostic, _respondent = completed
    the_roadmap = diagnostic.organisation.roadmap

    def digest() -> str:
        return roadmap.content_hash(the_roadmap, list(the_roadmap.actions.order_by("pk")))

    before = digest()
    assert digest() == before
    first = the_roadmap.actions.order_by("position").first()
    roadmap.update(first, owner=None, due_date=date(2027, 3, 31), status="todo", notes="")
    moved = digest()
    assert moved != before
    roadmap.update(first, owner=None, due_date=date(2027, 4, 30), status="todo", notes="")
    assert digest() not in (before, moved)


def test_a_pdf_of_an_older_layout_is_not_reused(
    client, completed, monkeypatch, django_capture_on_commit_callbacks
):
    """An unchanged roadmap whose PDF was made before the layout changed gets the new layout."""
    diagnostic, respondent = completed
    org = diagnostic.organisation
    monkeypatch.setattr(pdf, "render", lambda export: b"%PDF-1.7 stub")
    client.force_login(respondent.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("maturity:pdf_request", args=[org.pk]))
    monkeypatch.setattr(roadmap, "PDF_LAYOUT", roadmap.PDF_LAYOUT + 1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("maturity:pdf_request", args=[org.pk]))
    assert PdfExport.objects.count() == 2


def test_a_failing_render_is_recorded_and_can_be_retried(
    client, completed, monkeypatch, django_capture_on_commit_callbacks
):
    diagnostic, respondent = completed
    org = diagnostic.organisation

    def broken(export):
        raise pdf.RenderError("police introuvable")

    monkeypatch.setattr(pdf, "render", broken)
    client.force_login(respondent.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("maturity:pdf_request", args=[org.pk]))
    export = PdfExport.objects.get()
    assert export.status == "failed" and "police introuvable" in export.error
    page = client.get(reverse("maturity:pdf_status", args=[org.pk, export.pk])).content.decode()
    assert "n’a pas pu être fabriqué" in page and "Réessayer" in page
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("maturity:pdf_request", args=[org.pk]))
    export.refresh_from_db()
    assert export.status == "done"


def test_a_pdf_for_a_deleted_roadmap_ends_quietly(completed):
    diagnostic, respondent = completed
    export, _ = pdf.request_pdf(diagnostic.organisation.roadmap, user=respondent.user)
    diagnostic.organisation.roadmap.delete()
    from maturity.tasks import build_roadmap_pdf

    assert build_roadmap_pdf.apply(args=[export.pk]).get() == "gone"


def test_pdf_status_partial_for_htmx_polling(client, completed):
    diagnostic, respondent = completed
    export, _ = pdf.request_pdf(diagnostic.organisation.roadmap, user=respondent.user)
    client.force_login(respondent.user)
    response = client.get(
        reverse("maturity:pdf_status", args=[diagnostic.organisation.pk, export.pk]),
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert html.strip().startswith('<div id="pdf-status"') and 'data-hx-trigger="every 2s"' in html


def test_ambassador_matching_uses_the_latest_diagnostics_weakest_dimensions(completed):
    from ambassadors.services.seams import weakest_dimensions

    diagnostic, _ = completed
    weakest = weakest_dimensions(diagnostic.organisation)
    scores = {d["code"]: d["score"] for d in diagnostic.snapshot.data["dimensions"]}
    assert len(weakest) == 3
    assert all(scores[w] <= min(s for c, s in scores.items() if c not in weakest) for w in weakest)
    assert weakest_dimensions(MembershipFactory().organisation) == []


# --- Abuse: custom actions are capped, PDF builds rate-limited ----------------------------------


def _add(client, org, title):
    return client.post(
        reverse("maturity:roadmap_action_add", args=[org.pk]),
        {"title": title, "dimension": "", "horizon": "0-3"},
        follow=True,
    )


def test_custom_actions_are_capped_per_roadmap(client, completed, settings):
    settings.ROADMAP_MAX_CUSTOM_ACTIONS = 3
    diagnostic, respondent = completed
    org = diagnostic.organisation
    client.force_login(respondent.user)
    for n in range(3):
        _add(client, org, f"Action maison {n}")
    page = _add(client, org, "Une de trop").content.decode()
    assert RoadmapAction.objects.filter(source="custom").count() == 3
    assert "Une de trop" not in page
    assert "déjà 3 actions ajoutées" in page
    # At the cap the page offers no form that would lose what is typed in it.
    assert reverse("maturity:roadmap_action_add", args=[org.pk]) not in page
    with pytest.raises(roadmap.RoadmapError):
        roadmap.add_custom(org.roadmap, title="Directe", dimension="", horizon="0-3", notes="")


def test_the_default_cap_on_custom_actions_is_thirty():
    from django.conf import settings

    assert settings.ROADMAP_MAX_CUSTOM_ACTIONS == 30


def test_pdf_builds_are_rate_limited_but_an_unchanged_pdf_is_always_served(
    client, completed, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(pdf, "render", lambda export: b"%PDF-1.7 test")
    diagnostic, respondent = completed
    org = diagnostic.organisation
    action = RoadmapAction.objects.filter(roadmap__organisation=org).first()
    client.force_login(respondent.user)
    url = reverse("maturity:pdf_request", args=[org.pk])
    for n in range(10):
        RoadmapAction.objects.filter(pk=action.pk).update(notes=f"Version {n}")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url)
        assert response.status_code == 302 and "/pdf/" in response["Location"]
    assert PdfExport.objects.count() == 10
    # Asking again for the same content starts no build, so it is never refused.
    for _n in range(3):
        assert "/pdf/" in client.post(url)["Location"]
    RoadmapAction.objects.filter(pk=action.pk).update(notes="Version 11")
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(url, follow=True)
    assert "beaucoup de PDF" in refused.content.decode()
    assert PdfExport.objects.count() == 10


def test_pdf_builds_are_rate_limited_per_organisation(
    client, completed, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(pdf, "render", lambda export: b"%PDF-1.7 test")
    diagnostic, respondent = completed
    org = diagnostic.organisation
    action = RoadmapAction.objects.filter(roadmap__organisation=org).first()
    url = reverse("maturity:pdf_request", args=[org.pk])
    people = [respondent.user] + [MembershipFactory(organisation=org).user for _n in range(3)]
    n = 0
    for person in people:
        client.force_login(person)
        for _i in range(9):
            n += 1
            RoadmapAction.objects.filter(pk=action.pk).update(notes=f"Version {n}")
            with django_capture_on_commit_callbacks(execute=True):
                client.post(url)
    assert PdfExport.objects.count() == 30
