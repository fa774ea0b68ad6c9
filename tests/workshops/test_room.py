"""The facilitator's side: who may run a workshop, the projection and its privacy rules, the
agenda of divergences, the timer, and query counts that stay flat as the room fills."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from advisers import services as adviser_services
from ambassadors.models import SupportRequest
from common.typography import french_text
from maturity.models import Diagnostic
from maturity.structure import structure_for
from tests.ambassadors.factories import AmbassadorFactory, EventFactory, SupportRequestFactory
from tests.factories import AdviserProfileFactory, MembershipFactory, OrganisationFactory
from tests.pages import readable
from tests.workshops.factories import (
    add_participants,
    dimension_questions,
    event_workshop,
    questionnaire,
    team_workshop,
)
from workshops import projection, services
from workshops.models import AgendaItem, Workshop
from workshops.qr import qr_svg

pytestmark = pytest.mark.django_db


def admin_of(workshop):
    return workshop.organisation.active_admins().first()


def live_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def projection_page(client, workshop, htmx=False):
    cache.clear()
    headers = {"HX-Request": "true"} if htmx else {}
    return client.get(reverse("workshops:project", args=[workshop.pk]), headers=headers)


# --- Who may run a workshop ------------------------------------------------------------------------


def test_an_admin_opens_a_workshop_and_sees_its_code_and_qr_code(client):
    workshop = team_workshop()
    client.force_login(admin_of(workshop))
    page = client.get(reverse("workshops:detail", args=[workshop.pk])).content.decode()
    assert workshop.code in page
    assert '<svg role="img" aria-label="QR code pour rejoindre l&#x27;atelier"' in page
    assert len(workshop.code) == 6 and not set(workshop.code) & set("0O1I")


@pytest.mark.parametrize("page", ["detail", "entry"])
def test_the_join_address_shown_and_in_the_qr_code_is_the_one_the_page_is_served_on(
    client, settings, page
):
    settings.ALLOWED_HOSTS = ["boussole.example.org"]
    settings.SITE_URL = "http://127.0.0.1:8000"  # for e-mails only
    if page == "detail":
        workshop = team_workshop()
        client.force_login(admin_of(workshop))
        url, code = reverse("workshops:detail", args=[workshop.pk]), workshop.code
    else:
        admin = MembershipFactory(admin=True)
        entry = services.link_organisation(
            workshop=event_workshop(), organisation=admin.organisation, by=admin.user
        )
        client.force_login(admin.user)
        url, code = reverse("workshops:entry", args=[entry.pk]), entry.code
    response = client.get(url, HTTP_HOST="boussole.example.org", secure=True)
    html = response.content.decode()
    join = f"https://boussole.example.org/atelier/rejoindre/{code}/"
    assert qr_svg(join, label="QR code pour rejoindre l'atelier") in html
    if page == "detail":
        assert "Ou sur https://boussole.example.org/atelier/, avec le code." in readable(html)
    else:
        assert f'<figcaption class="small">{join}</figcaption>' in html
    assert "127.0.0.1" not in html


def test_opening_through_the_form_needs_a_diagnostic_in_progress(client):
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, admin=True).user
    client.force_login(admin)
    url = reverse("workshops:new", args=[organisation.pk])
    data = {"title": "Atelier", "groups": "CA\nBénévoles", "pace": "free"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Aucun diagnostic n'est en cours" in readable(response)
    team_workshop(organisation=organisation, admin=admin)  # starts one, opens a workshop
    again = client.post(url, data)
    assert "Un atelier est déjà ouvert sur ce diagnostic" in again.content.decode()


def test_after_the_diagnostic_is_finished_the_page_says_it_once_and_offers_a_new_one(client):
    workshop = team_workshop()
    services.close(workshop)
    Diagnostic.objects.filter(pk=workshop.diagnostic_id).update(
        status=Diagnostic.Status.COMPLETED, completed_at=timezone.now()
    )
    client.force_login(admin_of(workshop))
    url = reverse("workshops:new", args=[workshop.organisation_id])
    start = reverse("maturity:diagnostic_start", args=[workshop.organisation_id])
    for response in (client.get(url), client.post(url, {"title": "Atelier", "pace": "free"})):
        page = readable(response)
        assert page.count("Aucun diagnostic n'est en cours") == 1
        assert "le dernier a été terminé le" in page
        # The next step, and no workshop form that could only fail.
        assert f'action="{start}"' in page and "Commencer un nouveau diagnostic" in page
        assert 'name="title"' not in page and "Ouvrir l'atelier</button>" not in page
    assert response.status_code == 400  # a form sent from an older page
    # The button starts the new diagnostic; the workshop form is then offered.
    client.post(start)
    assert 'name="title"' in client.get(url).content.decode()


def test_a_facilitator_from_outside_is_told_who_starts_the_next_diagnostic(client):
    workshop = team_workshop()
    services.close(workshop)
    Diagnostic.objects.filter(pk=workshop.diagnostic_id).update(
        status=Diagnostic.Status.COMPLETED, completed_at=timezone.now()
    )
    adviser = AdviserProfileFactory().user
    adviser_services.grant(
        organisation=workshop.organisation, adviser=adviser, months=3, by=admin_of(workshop)
    )
    client.force_login(adviser)
    page = readable(client.get(reverse("workshops:new", args=[workshop.organisation_id])))
    assert page.count("Aucun diagnostic n'est en cours") == 1
    assert "Un·e membre de l'organisation doit d'abord en commencer un" in page
    assert "diagnostic_start" not in page and "/demarrer/" not in page
    assert 'name="title"' not in page


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ("Seul", "Indiquez entre 2 et 8 groupes"),
        ("A\nB\nC\nD\nE\nF\nG\nH\nI", "Indiquez entre 2 et 8 groupes"),
        ("Bénévoles\nbénévoles", "apparaît deux fois"),
        ("A\n" + "x" * 61, "dépasse 60 caractères"),
    ],
)
def test_the_groups_are_checked_with_clear_messages(client, groups, message):
    workshop = team_workshop()
    services.close(workshop)
    client.force_login(admin_of(workshop))
    response = client.post(
        reverse("workshops:new", args=[workshop.organisation_id]),
        {"title": "Atelier", "groups": groups, "pace": "free"},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert escape(groups.splitlines()[0]) in response.content.decode()  # what was typed stays


def test_an_adviser_facilitates_while_the_consent_lives_and_the_projection_stops_after(client):
    workshop = team_workshop()
    adviser = AdviserProfileFactory().user
    consent = adviser_services.grant(
        organisation=workshop.organisation, adviser=adviser, months=3, by=admin_of(workshop)
    )
    client.force_login(adviser)
    assert projection_page(client, workshop).status_code == 200
    poll = projection_page(client, workshop, htmx=True)
    assert poll.status_code == 200 and 'data-hx-trigger="every 3s"' in poll.content.decode()

    adviser_services.revoke(consent=consent, by=admin_of(workshop))
    assert projection_page(client, workshop).status_code == 404
    assert client.get(reverse("workshops:detail", args=[workshop.pk])).status_code == 404
    stopped = projection_page(client, workshop, htmx=True)
    # htmx stops polling on 286, and the screen says why.
    assert stopped.status_code == 286
    assert "data-hx-trigger" not in stopped.content.decode()
    assert "Cette projection est arrêtée" in stopped.content.decode()


def test_an_ambassador_facilitates_only_for_an_organisation_that_asked_them(client):
    workshop = team_workshop()
    ambassador = AmbassadorFactory()
    client.force_login(ambassador.user)
    url = reverse("workshops:detail", args=[workshop.pk])
    assert client.get(url).status_code == 404
    request = SupportRequestFactory(
        organisation=workshop.organisation, sent=True, ambassador=ambassador
    )
    assert client.get(url).status_code == 404  # sent, not accepted yet
    SupportRequest.objects.filter(pk=request.pk).update(status=SupportRequest.Status.ACCEPTED)
    assert client.get(url).status_code == 200
    assert client.get(reverse("workshops:new", args=[workshop.organisation_id])).status_code == 200
    # Their validation lapsing ends it.
    ambassador.valid_until = timezone.localdate() - timedelta(days=1)
    ambassador.save()
    assert client.get(url).status_code == 404


def test_an_ambassadors_event_workshop_belongs_to_one_of_their_events(client):
    questionnaire()
    ambassador = AmbassadorFactory()
    theirs = EventFactory(organiser=ambassador.user)
    other = EventFactory()
    client.force_login(ambassador.user)
    url = reverse("workshops:new_event")
    data = {"title": "Rencontre", "groups": "Salarié·es\nBénévoles", "pace": "free"}
    refused = client.post(url, {**data, "event": str(other.pk)})
    assert refused.status_code == 400
    assert client.post(url, data).status_code == 400  # an event is required
    response = client.post(url, {**data, "event": str(theirs.pk)})
    workshop = Workshop.objects.get()
    assert response["Location"] == reverse("workshops:detail", args=[workshop.pk])
    assert workshop.is_event and workshop.event == theirs
    # Nobody else runs it, not even a CRESS admin.
    client.force_login(MembershipFactory().user)
    assert client.get(reverse("workshops:detail", args=[workshop.pk])).status_code == 404
    assert client.get(url).status_code == 403


# --- The projection and its privacy rules ------------------------------------------------------------


def test_the_projection_shows_counts_then_levels_and_splits_from_three_answers(client):
    workshop = team_workshop()
    services.open_dimension(workshop, code="strategie", minutes=10)
    client.force_login(admin_of(workshop))
    add_participants(workshop, 2, group=1, choice=3)
    text = live_text(projection_page(client, workshop).content.decode())
    assert "2 personnes · 2 ont répondu" in text
    assert "Pas encore assez de réponses : les résultats s’affichent à partir de 3." in text
    assert "2 réponses pour l’instant" in text
    assert "Temps restant : 9:5" in text or "Temps restant : 10:00" in text
    # The projector shows the room's figures, not the site's menu; the way back stays.
    page = projection_page(client, workshop).content.decode()
    assert 'class="site-header"' not in page and "Navigation principale" not in page
    assert f'href="{reverse("workshops:detail", args=[workshop.pk])}"' in page

    add_participants(workshop, 1, group=1, choice=3)
    page = projection_page(client, workshop).content.decode()
    text = live_text(page)
    assert "3 personnes · 3 ont répondu" in text
    assert "Niveau de la salle : Expérimentée (100/100)" in text
    first = dimension_questions(workshop, "strategie")[0]
    assert f"{escape(first.choices[3].label)}" in page and "3 · 100 %" in text
    # The htmx poll gets the live block only, which polls again.
    poll = projection_page(client, workshop, htmx=True).content.decode()
    assert poll.startswith('\n<div id="live"') or poll.lstrip().startswith('<div id="live"')
    assert "<html" not in poll


def test_by_group_a_group_under_three_is_merged_or_hidden_never_shown_alone(client):
    workshop = team_workshop()
    add_participants(workshop, 4, group=0, choice=0)  # the board: 0
    add_participants(workshop, 3, group=2, choice=3)  # volunteers: 100
    add_participants(workshop, 2, group=1, choice=1)  # two employees: too few
    data = projection.compute(workshop)
    strategie = next(d for d in data["dimensions"] if d["code"] == "strategie")
    labels = [g["label"] for g in strategie["groups"]]
    # Two employees alone are too few, and too few merged: the smallest group shown (the
    # volunteers) joins them, so that the room minus the board gives no small group.
    assert labels == ["Instances, bureau", "Autres groupes"]
    assert strategie["groups"][0]["score"] == 0

    add_participants(workshop, 1, group=3, choice=1)  # one person supported: merged, 3 in all
    data = projection.compute(workshop)
    strategie = next(d for d in data["dimensions"] if d["code"] == "strategie")
    assert [g["label"] for g in strategie["groups"]] == [
        "Instances, bureau",
        "Bénévoles",
        "Autres groupes",
    ]
    assert [g["score"] for g in strategie["groups"]][:2] == [0, 100]
    client.force_login(admin_of(workshop))
    text = live_text(projection_page(client, workshop).content.decode())
    assert "Salarié·es :" not in text and "Personnes accompagnées :" not in text
    assert "Autres groupes :" in text and "Bénévoles : 100" in text


def test_a_lone_group_merged_with_nobody_left_shows_no_group_view():
    workshop = team_workshop()
    add_participants(workshop, 4, group=0, choice=0)
    add_participants(workshop, 1, group=1, choice=3)
    strategie = projection.compute(workshop)["dimensions"][0]
    # The board alone plus one employee: merging them is the room itself.
    assert strategie["groups"] == [] and strategie["shown"]


def test_a_question_under_three_answers_shows_no_split(client):
    workshop = team_workshop()
    add_participants(workshop, 2, choice=0)
    data = projection.compute(workshop)
    strategie = next(d for d in data["dimensions"] if d["code"] == "strategie")
    assert not strategie["shown"] and strategie["score"] is None
    assert all(not q["shown"] and q["choices"] == [] for q in strategie["questions"])
    assert data["divergences"] == []


def test_an_event_shows_the_aggregate_from_five_organisations_only(client):
    workshop = event_workshop()
    cress = workshop.facilitator
    entries = []
    for _n in range(5):
        organisation = OrganisationFactory()
        admin = MembershipFactory(organisation=organisation, admin=True).user
        entries.append(
            services.link_organisation(workshop=workshop, organisation=organisation, by=admin)
        )
    # Four organisations of ten people each: nothing of the room yet.
    for entry in entries[:4]:
        add_participants(workshop, 10, entry=entry, choice=2)
    data = projection.compute(workshop)
    assert data["organisations_answered"] == 4
    assert all(not d["shown"] for d in data["dimensions"])
    assert all(not q["shown"] for d in data["dimensions"] for q in d["questions"])
    client.force_login(cress)
    text = live_text(projection_page(client, workshop).content.decode())
    assert "Les résultats de la salle s’affichent à partir de 5 organisations" in text

    add_participants(workshop, 1, entry=entries[4], choice=2)
    data = projection.compute(workshop)
    strategie = next(d for d in data["dimensions"] if d["code"] == "strategie")
    assert strategie["shown"] and data["organisations_answered"] == 5
    # Each participant answered their own organisation's diagnostic.
    assert {p.respondent.diagnostic_id for p in workshop.participants.all()} == {
        e.diagnostic_id for e in entries
    }
    # By group: one group only, the same as the room: no group view.
    assert strategie["groups"] == []


def test_an_organisation_links_to_an_event_by_its_code_and_gets_its_own(client):
    workshop = event_workshop()
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, admin=True).user
    client.force_login(admin)
    response = client.post(
        reverse("workshops:link"), {"code": workshop.code, "organisation": str(organisation.pk)}
    )
    entry = workshop.entries.get()
    assert response["Location"] == reverse("workshops:entry", args=[entry.pk])
    page = client.get(response["Location"]).content.decode()
    assert entry.code in page and entry.code != workshop.code
    # Participants use the organisation's code; the event's own code is for admins.
    client.logout()
    assert client.get(reverse("workshops:join", args=[workshop.code])).status_code == 404
    client.post(reverse("workshops:join", args=[entry.code]), {"group": "1"})
    participant = workshop.participants.get()
    assert participant.organisation == organisation
    assert participant.respondent.diagnostic == entry.diagnostic


def test_the_projection_reads_a_fixed_number_of_queries_whatever_the_room(
    client, django_assert_num_queries
):
    workshop = team_workshop()
    services.open_dimension(workshop, code="strategie", minutes=5)
    client.force_login(admin_of(workshop))
    url = reverse("workshops:project", args=[workshop.pk])
    counts = []
    for size in (3, 12):
        add_participants(workshop, size, group=size % 4, choice=size % 3, dimension=None)
        for headers in ({}, {"HX-Request": "true"}):
            client.get(url, headers=headers)  # the session and what the header caches, once
            projection.forget(workshop.pk)
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as computed:
                client.get(url, headers=headers)
            with CaptureQueriesContext(connection) as shared:
                client.get(url, headers=headers)
            counts.append((len(computed), len(shared)))
    assert counts[0] == counts[2] and counts[1] == counts[3]
    # Computed: session, user, workshop with its permission, then the two grouped reads;
    # within the cache's seconds, the grouped reads are shared.
    assert counts[0][0] - counts[0][1] == 2
    assert counts[0][1] <= 4


def test_the_participant_page_reads_a_fixed_number_of_queries(client, django_assert_num_queries):
    workshop = team_workshop()
    add_participants(workshop, 5, dimension=None)
    client.post(reverse("workshops:join", args=[workshop.code]), {"group": "0"})
    participant = workshop.participants.order_by("-pk").first()
    url = reverse("workshops:participate", args=[participant.pk])
    client.get(url)
    # Session, the participant with its workshop and diagnostic, its answers.
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200
    add_participants(workshop, 20, dimension=None)
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200


# --- Agenda and timer ---------------------------------------------------------------------------------


def test_divergences_are_ranked_and_marked_discussed_with_a_note(client):
    workshop = team_workshop()
    add_participants(workshop, 3, group=0, choice=0)
    add_participants(workshop, 3, group=2, choice=3)
    client.force_login(admin_of(workshop))
    data = projection.compute(workshop)
    first = data["divergences"][0]
    assert first["spread"] == 50  # half the room at 0, half at 100
    page = client.get(reverse("workshops:agenda", args=[workshop.pk])).content.decode()
    assert french_text(escape(first["text"])) in page
    url = reverse("workshops:agenda_item", args=[workshop.pk, first["id"]])
    response = client.post(
        url, {f"q{first['id']}-discussed": "on", f"q{first['id']}-note": "On écrit la charte."}
    )
    assert response.status_code == 302
    item = AgendaItem.objects.get()
    assert item.discussed and item.note == "On écrit la charte."
    page = client.get(reverse("workshops:agenda", args=[workshop.pk])).content.decode()
    assert "On écrit la charte." in page and "discutée" in page
    # A question from elsewhere is refused.
    client.post(reverse("workshops:agenda_item", args=[workshop.pk, 999999]), {})
    assert AgendaItem.objects.count() == 1


def test_the_facilitator_opens_dimensions_with_a_timer_and_stops_it(client):
    workshop = team_workshop(pace=Workshop.Pace.FACILITATOR)
    client.force_login(admin_of(workshop))
    url = reverse("workshops:control", args=[workshop.pk])
    client.post(url, {"action": "dimension", "dimension": "equipement", "minutes": "7"})
    workshop.refresh_from_db()
    assert workshop.current_dimension == "equipement" and workshop.timer_ends_at is not None
    title = structure_for(workshop.questionnaire).section_by_code["equipement"].title
    text = live_text(projection_page(client, workshop).content.decode())
    assert (
        escape(title) in text and "Temps restant : 6:5" in text
    ) or "Temps restant : 7:00" in text
    for bad in ({"action": "dimension", "dimension": "nope"}, {"action": "dimension",
                "dimension": "equipement", "minutes": "500"}, {"action": "x"}):  # fmt: skip
        client.post(url, bad)
    workshop.refresh_from_db()
    assert workshop.current_dimension == "equipement"
    client.post(url, {"action": "stop_timer"})
    client.post(url, {"action": "pace", "pace": "free"})
    workshop.refresh_from_db()
    assert workshop.timer_ends_at is None and workshop.pace == "free"


def test_the_diagnostic_page_offers_its_admins_a_workshop(client):
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, admin=True).user
    member = MembershipFactory(organisation=organisation).user
    workshop = team_workshop(organisation=organisation, admin=admin)
    url = reverse("maturity:diagnostic_detail", args=[workshop.diagnostic_id])
    client.force_login(admin)
    page = client.get(url).content.decode()
    assert reverse("workshops:detail", args=[workshop.pk]) in page
    services.close(workshop)
    page = client.get(url).content.decode()
    assert reverse("workshops:new", args=[organisation.pk]) in page
    client.force_login(member)
    page = client.get(url).content.decode()
    assert "/atelier/" not in page
