"""Malformed input that once answered a 500: query parameters and path ids that are not ids, an
event title on two lines, a JSON file nested too deep. Each now gets an ordinary answer."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from django.utils import timezone
from icalendar import Calendar

from ambassadors.forms import EventForm
from maturity.models import Answer
from maturity.structure import structure_for
from tests.advisers.factories import completed_diagnostic, live_consent
from tests.ambassadors.factories import AmbassadorFactory, EventFactory, RegistrationFactory
from tests.factories import AdviserProfileFactory, MembershipFactory, UserFactory
from tests.maturity.factories import diagnostic_with_respondent, published_questionnaire
from toolbox.models import Tool

pytestmark = pytest.mark.django_db

BIGINT_MAX = 2**63 - 1


def _adviser_with_two_clients():
    adviser = AdviserProfileFactory().user
    clients = []
    for name in ("Coopérative Une", "Coopérative Deux"):
        membership = MembershipFactory(admin=True, organisation__name=name)
        completed_diagnostic(membership.organisation)
        live_consent(membership.organisation, adviser, by=membership.user)
        clients.append(membership.organisation)
    return adviser, clients


@pytest.mark.parametrize("bad", ["²", "١٢٣", str(BIGINT_MAX + 1), "9" * 5000, "-1", "1.5", ""])
def test_comparison_leaves_out_values_that_are_not_ids(client, bad):
    """`?o=²` passes str.isdigit() but not int(); a number past the largest id overflows the
    database's integers: both are left out like an organisation outside the portfolio."""
    adviser, (first, second) = _adviser_with_two_clients()
    client.force_login(adviser)
    response = client.get(reverse("advisers:compare"), {"o": [first.pk, bad, second.pk]})
    assert response.status_code == 200
    html = response.content.decode()
    assert first.name in html and second.name in html and html.count('class="radar-chart"') == 2


@pytest.mark.parametrize("huge", [BIGINT_MAX + 1, 10**30])
def test_an_id_past_the_largest_integer_in_a_path_is_a_404(client, cast, huge):
    """On SQLite such a number cannot even be sent to the database (OverflowError); every id in
    a path is refused before the view runs, like an id that does not exist."""
    client.force_login(cast.users["admin_a"])
    url = reverse("advisers:consent_decide", kwargs={"pk": huge, "consent_pk": 1})
    assert client.post(url).status_code == 404
    url = reverse("organisation_members", kwargs={"pk": huge})
    assert client.get(url).status_code == 404
    # The largest id a column holds still reaches its view.
    url = reverse("organisation_members", kwargs={"pk": BIGINT_MAX})
    assert resolve(url).kwargs == {"pk": BIGINT_MAX}


@pytest.mark.parametrize("title", ["Atelier\nsuite", "Atelier\r\nsuite", "Atelier\rsuite"])
def test_an_event_title_with_a_line_break_still_gives_a_calendar_file(client, title):
    """Events saved before titles were checked may hold a line break: the .ics (named after the
    title) and the feed are still served, the title on one escaped line."""
    event = EventFactory(title=title)
    for url in (
        reverse("ambassadors:event_ics", args=[event.pk]),
        reverse("ambassadors:events_feed"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        calendar = Calendar.from_ical(response.content)
        (vevent,) = calendar.walk("VEVENT")
        assert str(vevent["SUMMARY"]) == "Atelier — Atelier suite"
    calendar = Calendar.from_ical(
        client.get(reverse("ambassadors:event_ics", args=[event.pk])).content
    )
    assert str(calendar["X-WR-CALNAME"]) == "Atelier suite"


def test_an_event_title_on_two_lines_is_refused_by_the_form():
    form = EventForm(
        data={
            "title": "Atelier\r\nsuite",
            "kind": "atelier",
            "description": "Découverte des outils libres.",
            "starts_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (timezone.localtime() + timedelta(days=3, hours=2)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "location": "Bordeaux",
            "capacity": 10,
            "audience": "public",
        }
    )
    assert not form.is_valid()
    assert form.errors["title"] == ["Le titre tient sur une seule ligne."]


@pytest.mark.parametrize("depth", [100_000, 5_000])
def test_a_deeply_nested_json_import_is_refused_with_a_clear_message(client, depth):
    """Python's JSON parser recurses once per level: a file of brackets (2 MB allowed) used to
    end in a RecursionError, a 500."""
    client.force_login(UserFactory(cress_admin=True))
    content = (
        b'{"tools": [{"id": "x", "name": "X", "usages": ' + b"[" * depth + b"]" * depth + b"}]}"
    )
    response = client.post(
        reverse("toolbox:import"),
        {"file": SimpleUploadedFile("catalogue.json", content, "application/json")},
    )
    assert response.status_code == 200
    assert "imbriqué" in response.content.decode()
    assert not Tool.objects.exists()


@pytest.mark.parametrize("bad", ["²", str(BIGINT_MAX + 1)])
def test_attendance_leaves_out_values_that_are_not_registrations(client, bad):
    organiser = AmbassadorFactory().user
    event = EventFactory(organiser=organiser, past=True)
    came, missed = RegistrationFactory.create_batch(2, event=event)
    client.force_login(organiser)
    url = reverse("ambassadors:event_attendance", args=[event.pk])
    assert client.post(url, {"present": [came.pk, bad]}).status_code == 302
    came.refresh_from_db()
    missed.refresh_from_db()
    assert (came.attended, missed.attended) == (True, False)


@pytest.mark.parametrize("bad", ["²", "١", "9" * 5000])
def test_an_answer_that_is_no_choice_id_is_refused_with_a_message(client, bad):
    """'²' is a digit to str.isdigit() but no number to int(); '١' (Arabic one) is 1 to int()
    but not how the page writes an id; int() refuses 5,000 digits."""
    questionnaire = published_questionnaire()
    _, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    question = structure_for(questionnaire).section_by_code["strategie"].questions[0]
    client.force_login(respondent.user)
    url = reverse("maturity:autosave", args=[respondent.pk, question.id])
    response = client.post(url, {f"q{question.id}": [bad]})
    assert response.status_code == 400
    assert "ne correspond à aucun choix" in response.content.decode()
    assert not Answer.objects.exists()
