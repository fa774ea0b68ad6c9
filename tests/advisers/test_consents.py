"""Consent: granted, asked, invited, revoked, expiring; the adviser's access follows it at once."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from advisers import services
from advisers.access import adviser_required, consented_organisation, consented_organisations
from advisers.models import AccessLog, AdviserProfile, Consent
from common.typography import french_plain_text
from tests.advisers.factories import completed_diagnostic, live_consent, shown_offer
from tests.factories import AdviserProfileFactory, OrganisationFactory, UserFactory
from tests.pages import plain, readable

PARIS = ZoneInfo("Europe/Paris")


def _client_url(cast):
    return reverse("advisers:client", args=[cast.org_a.pk])


@pytest.fixture
def admin(cast):
    return cast.users["admin_a"]


@pytest.fixture
def adviser(cast):
    return cast.users["adviser"]


# --- Bad input: no consent, expired, revoked → 404 at once ------------------------------------


def test_adviser_without_consent_gets_404(cast, client_for, adviser):
    assert client_for(adviser).get(_client_url(cast)).status_code == 404
    url = reverse("advisers:prediagnostic", args=[cast.org_a.pk])
    assert client_for(adviser).get(url).status_code == 404


def test_consent_of_another_organisation_opens_nothing_here(cast, client_for, adviser):
    live_consent(cast.org_b, adviser)
    assert client_for(adviser).get(_client_url(cast)).status_code == 404
    url = reverse("advisers:client", args=[cast.org_b.pk])
    assert client_for(adviser).get(url).status_code == 200


def test_adviser_loses_access_when_the_consent_expires(cast, client_for, adviser, admin):
    live_consent(cast.org_a, adviser, months=3, by=admin)
    assert client_for(adviser).get(_client_url(cast)).status_code == 200
    # Sessions time out on their own: log in again at each date.
    with time_machine.travel(timezone.now() + timedelta(days=89)):
        assert client_for(adviser).get(_client_url(cast)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=93)):
        assert client_for(adviser).get(_client_url(cast)).status_code == 404


def test_revocation_takes_effect_immediately(cast, client_for, adviser, admin):
    consent = live_consent(cast.org_a, adviser, by=admin)
    assert client_for(adviser).get(_client_url(cast)).status_code == 200
    client = client_for(admin)
    response = client.post(reverse("advisers:consent_revoke", args=[cast.org_a.pk, consent.pk]))
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.status == Consent.Status.REVOKED and consent.revoked_by == admin
    assert client_for(adviser).get(_client_url(cast)).status_code == 404
    url = reverse("advisers:note_save", args=[cast.org_a.pk])
    assert client_for(adviser).post(url, {"dimension": "x"}).status_code == 404


def test_adviser_whose_account_is_rejected_loses_access(cast, client_for, adviser):
    live_consent(cast.org_a, adviser)
    AdviserProfile.objects.filter(user=adviser).update(status=AdviserProfile.Status.REJECTED)
    with pytest.raises(Http404):
        consented_organisation(adviser, cast.org_a.pk)


def test_member_who_is_not_admin_cannot_grant(cast, client_for, adviser):
    client = client_for(cast.users["member_a"])
    response = client.post(
        reverse("advisers:consent_grant", args=[cast.org_a.pk]),
        {"adviser": adviser.adviser_profile.pk, "months": 12, "agree": "on"},
    )
    assert response.status_code == 403
    assert not Consent.objects.exists()
    assert client.get(reverse("advisers:consents", args=[cast.org_a.pk])).status_code == 403


# --- Granting -----------------------------------------------------------------------------------


def test_admin_finds_an_adviser_and_grants_with_the_exact_text(
    cast, client_for, adviser, admin, django_capture_on_commit_callbacks, mailoutbox
):
    client = client_for(admin)
    structure = adviser.adviser_profile.structure.name
    for query in (adviser.last_name, structure, adviser.email.upper()):
        page = client.get(reverse("advisers:consents", args=[cast.org_a.pk]), {"q": query})
        assert adviser.display_name in page.content.decode(), query
    # A part of an e-mail address finds nobody: the search cannot list addresses.
    page = client.get(reverse("advisers:consents", args=[cast.org_a.pk]), {"q": "example.org"})
    assert adviser.display_name not in page.content.decode()

    url = reverse("advisers:consent_grant", args=[cast.org_a.pk])
    data = {"adviser": adviser.adviser_profile.pk, "months": 6, "agree": "on"}
    text, token = shown_offer(client.post(url, data, headers={"HX-Request": "true"}).text)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "offer": token})
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.consent_text == text
    assert consent.status == Consent.Status.ACTIVE and consent.granted_by == admin
    assert consent.months == 6
    assert consent.scope == Consent.Scope.RESULTS_ROADMAP
    assert 181 <= (consent.expires_at - consent.granted_at).days <= 184
    assert adviser.display_name in consent.consent_text and structure in consent.consent_text
    assert "jamais transmises" in consent.consent_text
    assert cast.org_a.name in consent.consent_text
    assert [m.to for m in mailoutbox] == [[adviser.email]]


def test_grant_needs_the_agreement_box_and_defaults_to_twelve_months(
    cast, client_for, adviser, admin
):
    client = client_for(admin)
    page = client.get(reverse("advisers:consents", args=[cast.org_a.pk]), {"q": adviser.last_name})
    _text, token = shown_offer(page.text, f"grant-{adviser.adviser_profile.pk}")
    response = client.post(
        reverse("advisers:consent_grant", args=[cast.org_a.pk]),
        {"adviser": adviser.adviser_profile.pk, "months": 12, "offer": token},
    )
    assert response.status_code == 200
    assert "Cochez la case pour donner votre accord." in response.content.decode()
    assert not Consent.objects.exists()
    page = client.get(reverse("advisers:consents", args=[cast.org_a.pk]), {"q": adviser.last_name})
    assert '<option value="12" selected>' in page.content.decode()
    bad = client.post(
        reverse("advisers:consent_grant", args=[cast.org_a.pk]),
        {"adviser": adviser.adviser_profile.pk, "months": 7, "agree": "on"},
    )
    assert bad.status_code == 200 and not Consent.objects.exists()


def test_pending_adviser_cannot_be_granted(cast, admin):
    with pytest.raises(services.ConsentError):
        services.grant(
            organisation=cast.org_a, adviser=cast.pending_adviser.user, months=12, by=admin
        )


def test_one_live_consent_per_organisation_and_adviser(cast, adviser, admin):
    live_consent(cast.org_a, adviser, by=admin)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(
            organisation=cast.org_a,
            adviser=adviser,
            status=Consent.Status.ACTIVE,
            expires_at=timezone.now() + timedelta(days=30),
            granted_by=admin,
            consent_text="x",
        )
    constraint = next(
        c
        for c in Consent._meta.constraints
        if c.name == "one_live_consent_per_organisation_and_adviser"
    )
    assert "déjà un accès en cours" in str(constraint.violation_error_message)


def test_granting_again_renews_and_keeps_one_live_consent(cast, adviser, admin):
    first = live_consent(cast.org_a, adviser, months=3, by=admin)
    second = live_consent(cast.org_a, adviser, months=12, by=admin)
    first.refresh_from_db()
    assert first.status == Consent.Status.EXPIRED
    assert Consent.objects.live().get() == second


def test_grant_without_text_is_refused_by_the_database(cast, adviser):
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(
            organisation=cast.org_a,
            adviser=adviser,
            status=Consent.Status.ACTIVE,
            expires_at=timezone.now() + timedelta(days=30),
        )


def test_add_months_keeps_the_day_or_takes_the_last_one():
    moment = timezone.localtime().replace(year=2025, month=8, day=31)
    assert services.add_months(moment, 6).date().isoformat() == "2026-02-28"
    assert services.add_months(moment, -12).date().isoformat() == "2024-08-31"


def test_three_months_from_15_october_is_15_january_of_the_next_year():
    moment = datetime(2026, 10, 15, 9, 30, tzinfo=PARIS)
    assert services.add_months(moment, 3) == datetime(2027, 1, 15, 9, 30, tzinfo=PARIS)
    assert services.add_months(moment, 12) == datetime(2027, 10, 15, 9, 30, tzinfo=PARIS)
    december = datetime(2026, 12, 31, 9, 30, tzinfo=PARIS)
    assert services.add_months(december, 2) == datetime(2027, 2, 28, 9, 30, tzinfo=PARIS)
    assert services.add_months(december, -10) == datetime(2026, 2, 28, 9, 30, tzinfo=PARIS)


@pytest.mark.parametrize("hour", [0, 12, 23])
def test_a_consent_granted_on_15_october_for_3_months_ends_on_15_january(
    cast, adviser, admin, hour
):
    granted = datetime(2026, 10, 15, hour, 30, tzinfo=PARIS)
    with time_machine.travel(granted, tick=False):
        consent = services.grant(organisation=cast.org_a, adviser=adviser, months=3, by=admin)
    assert timezone.localtime(consent.expires_at).date() == date(2027, 1, 15)
    assert "jusqu’au 15 janvier 2027." in consent.consent_text


# --- The text agreed to is the text recorded ----------------------------------------------------

HTMX = {"HX-Request": "true"}


def _until(months: int, now=None) -> str:
    """The end date a text shows for a duration starting now."""
    end = services.add_months(now or timezone.now(), months)
    return date_format(timezone.localtime(end), "j F Y")


def _urls(cast):
    pk = cast.org_a.pk
    return (
        reverse("advisers:consents", args=[pk]),
        reverse("advisers:consent_grant", args=[pk]),
        reverse("advisers:consent_invite", args=[pk]),
    )


def test_without_javascript_another_duration_leads_to_its_text_before_anything_is_recorded(
    cast, client_for, adviser, admin
):
    page_url, grant_url, _invite = _urls(cast)
    client = client_for(admin)
    page = client.get(page_url, {"q": adviser.last_name}).text
    key = f"grant-{adviser.adviser_profile.pk}"
    text, token = shown_offer(page, key)
    assert services.adviser_label(adviser) in text and _until(12) in text
    # 6 months chosen and the box ticked under the 12-month text: nothing is recorded, the
    # 6-month text is shown with the duration kept.
    data = {"adviser": adviser.adviser_profile.pk, "months": 6, "agree": "on"}
    response = client.post(grant_url, {**data, "offer": token})
    assert response.status_code == 200 and not Consent.objects.exists()
    html = response.text
    assert '<option value="6" selected>' in html
    text, token = shown_offer(html, key)
    assert _until(6) in text and _until(12) not in text
    assert 'name="agree" value="on">' in html  # to tick again, for this text
    response = client.post(grant_url, {**data, "offer": token})
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.consent_text, consent.months) == (text, 6)


def test_htmx_shows_the_text_of_the_duration_chosen_in_place_and_records_nothing(
    cast, client_for, adviser, admin
):
    page_url, grant_url, _invite = _urls(cast)
    client = client_for(admin)
    page = client.get(page_url, {"q": adviser.last_name}).text
    key = f"grant-{adviser.adviser_profile.pk}"
    # The duration field asks for the text of the new duration, to put in the text's place.
    assert f'data-hx-post="{grant_url}" data-hx-trigger="change"' in page
    assert f'data-hx-target="#offer-{key}"' in page
    _text, token = shown_offer(page, key)
    data = {"adviser": adviser.adviser_profile.pk, "months": 3, "agree": "on"}
    fragment = client.post(grant_url, {**data, "offer": token}, headers=HTMX)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert not Consent.objects.exists()  # even with the box ticked: the new text is unread
    text, token = shown_offer(fragment.text)
    assert _until(3) in text and "checked" not in fragment.text
    client.post(grant_url, {**data, "offer": token})
    consent = Consent.objects.get()
    assert (consent.consent_text, consent.months) == (text, 3)


def test_after_an_unticked_box_the_duration_chosen_is_kept(cast, client_for, adviser, admin):
    request = services.request_access(adviser=adviser, siren=cast.org_a.siren, message="")
    url = reverse("advisers:consent_decide", args=[cast.org_a.pk, request.pk])
    key = f"request-{request.pk}"
    client = client_for(admin)
    response = client.post(url, {"decision": "accept", "months": 6})
    assert response.status_code == 200
    assert '<option value="6" selected>' in response.text
    text, token = shown_offer(response.text, key)
    assert services.adviser_label(adviser) in text and _until(6) in text
    # The 6-month text was shown; the box left unticked is an error, the 6 months stay.
    response = client.post(url, {"decision": "accept", "months": 6, "offer": token})
    html = response.text
    assert "Cochez la case pour donner votre accord." in html
    assert '<option value="6" selected>' in html
    assert shown_offer(html, key)[0] == text
    request.refresh_from_db()
    assert request.status == Consent.Status.REQUESTED
    _text, token = shown_offer(html, key)
    client.post(url, {"decision": "accept", "months": 6, "offer": token, "agree": "on"})
    request.refresh_from_db()
    assert request.status == Consent.Status.ACTIVE
    assert (request.consent_text, request.months) == (text, 6)


def test_a_request_shows_the_text_that_accepting_it_records(cast, client_for, adviser, admin):
    request = services.request_access(adviser=adviser, siren=cast.org_a.siren, message="")
    page = client_for(admin).get(reverse("advisers:consents", args=[cast.org_a.pk])).text
    text, token = shown_offer(page, f"request-{request.pk}")
    client_for(admin).post(
        reverse("advisers:consent_decide", args=[cast.org_a.pk, request.pk]),
        {"decision": "accept", "months": 12, "offer": token, "agree": "on"},
    )
    request.refresh_from_db()
    assert request.status == Consent.Status.ACTIVE and request.consent_text == text


def test_an_invitation_shows_the_text_naming_the_address_before_it_is_sent(cast, client_for, admin):
    _page, _grant, invite_url = _urls(cast)
    client = client_for(admin)
    data = {"email": "Nouvelle.Conseillere@Example.org", "months": 3, "agree": "on"}
    # Without JavaScript no text could be shown before the address was typed: a step.
    response = client.post(invite_url, data)
    html = response.text
    assert response.status_code == 200 and not Consent.objects.exists()
    assert "Cochez la case" not in html
    assert 'value="Nouvelle.Conseillere@Example.org"' in html
    assert '<option value="3" selected>' in html
    text, token = shown_offer(html, "invite")
    assert "nouvelle.conseillere@example.org" in text and _until(3) in text
    # htmx shows the same text as soon as the address and the duration are given.
    fragment = client.post(invite_url, {**data, "agree": ""}, headers=HTMX)
    assert shown_offer(fragment.text)[0] == text
    client.post(invite_url, {**data, "offer": token})
    invitation = Consent.objects.get()
    assert invitation.status == Consent.Status.INVITED and invitation.consent_text == text


def test_an_address_of_an_approved_adviser_shows_their_name_in_the_text(
    cast, client_for, adviser, admin
):
    _page, _grant, invite_url = _urls(cast)
    client = client_for(admin)
    response = client.post(invite_url, {"email": adviser.email.upper(), "months": 12})
    text, token = shown_offer(response.text, "invite")
    assert services.adviser_label(adviser) in text
    client.post(
        invite_url, {"email": adviser.email.upper(), "months": 12, "offer": token, "agree": "on"}
    )
    consent = Consent.objects.get()
    assert consent.adviser == adviser and consent.consent_text == text


def test_the_end_date_recorded_is_the_one_read_even_after_midnight(
    cast, client_for, adviser, admin
):
    _page_url, grant_url, _invite = _urls(cast)
    evening = timezone.make_aware(datetime(2031, 5, 10, 23, 58))
    key = f"grant-{adviser.adviser_profile.pk}"
    data = {"adviser": adviser.adviser_profile.pk, "months": 3, "agree": "on"}
    with time_machine.travel(evening, tick=False):
        fragment = client_for(admin).post(grant_url, data, headers=HTMX)
        text, token = shown_offer(fragment.text)
        read = _until(3)
        assert read in text
    with time_machine.travel(evening + timedelta(minutes=5), tick=False):
        assert _until(3) != read  # a text computed now would say the next day
        client_for(admin).post(grant_url, {**data, "offer": token})
    consent = Consent.objects.get()
    assert consent.consent_text == text
    assert date_format(timezone.localtime(consent.expires_at), "j F Y") == read
    # A text read two days ago, or made for another organisation, or a forged token: the
    # text is shown again, nothing is recorded.
    services.revoke(consent=consent, by=admin)
    with time_machine.travel(evening + timedelta(days=2), tick=False):
        other = services.consent_offer(
            organisation=cast.org_b, adviser_label=services.adviser_label(adviser), months=3
        )
        for old in (token, other.token, token[:-2] + "xx"):
            response = client_for(admin).post(grant_url, {**data, "offer": old})
            assert response.status_code == 200, old
            assert "accord a changé" in response.text
            assert shown_offer(response.text, key)[0] != text
    assert Consent.objects.live().count() == 0


# --- Invitations --------------------------------------------------------------------------------


def test_invited_person_signs_up_asks_for_an_adviser_account_and_the_grant_attaches(
    cast, client_for, admin, django_capture_on_commit_callbacks, mailoutbox
):
    client = client_for(admin)
    url = reverse("advisers:consent_invite", args=[cast.org_a.pk])
    data = {"email": "Nouvelle.Conseillere@example.org", "months": 12, "agree": "on"}
    agreed, token = shown_offer(client.post(url, data).text, "invite")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "offer": token})
    invitation = Consent.objects.get()
    assert invitation.status == Consent.Status.INVITED
    assert invitation.email == "nouvelle.conseillere@example.org"
    assert "créez votre compte" in mailoutbox[0].body
    person = UserFactory(email="nouvelle.conseillere@example.org")
    profile = AdviserProfileFactory(user=person, pending=True)
    invitation.refresh_from_db()
    assert invitation.status == Consent.Status.INVITED  # not before approval
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_adviser(profile=profile, approve=True, by=cast.users["cress_admin"])
    invitation.refresh_from_db()
    assert invitation.status == Consent.Status.ACTIVE and invitation.adviser == person
    # The text stays the one the admin agreed to, which names the address.
    assert invitation.consent_text == agreed
    assert "nouvelle.conseillere@example.org" in agreed
    person.refresh_from_db()
    response = client_for(person).get(reverse("advisers:client", args=[cast.org_a.pk]))
    assert response.status_code == 200


def test_inviting_the_address_of_an_approved_adviser_grants_directly(cast, adviser, admin):
    consent = services.grant_by_email(
        organisation=cast.org_a, email=adviser.email.upper(), months=3, by=admin
    )
    assert consent.status == Consent.Status.ACTIVE and consent.adviser == adviser


def test_an_invitation_can_be_cancelled(cast, client_for, admin):
    consent = services.grant_by_email(
        organisation=cast.org_a, email="x@example.org", months=3, by=admin
    )
    client_for(admin).post(reverse("advisers:consent_revoke", args=[cast.org_a.pk, consent.pk]))
    consent.refresh_from_db()
    assert consent.status == Consent.Status.REVOKED
    # The invited person later gets an approved adviser account: nothing is opened to them.
    person = UserFactory(email="x@example.org")
    AdviserProfileFactory(user=person)
    assert services.attach_invitations(person) == 0
    assert not Consent.objects.filter(adviser=person).exists()
    assert not Consent.objects.live().exists()


def test_an_invitation_still_open_becomes_the_grant_once_the_adviser_is_approved(cast, admin):
    invited = services.grant_by_email(
        organisation=cast.org_a, email="x@example.org", months=3, by=admin
    )
    person = UserFactory(email="X@example.org")
    AdviserProfileFactory(user=person)
    assert services.attach_invitations(person) == 1
    invited.refresh_from_db()
    assert (invited.status, invited.adviser) == (Consent.Status.ACTIVE, person)


# --- Requests -----------------------------------------------------------------------------------


def test_adviser_requests_access_and_admin_accepts(
    cast, client_for, adviser, admin, django_capture_on_commit_callbacks, mailoutbox
):
    client = client_for(adviser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("advisers:request_access"),
            {"siren": cast.org_a.siren, "message": "Suite à notre rendez-vous DLA."},
        )
    assert response.status_code == 302
    request = Consent.objects.get()
    assert request.status == Consent.Status.REQUESTED
    assert mailoutbox[0].to == [admin.email]
    assert client.get(_client_url(cast)).status_code == 404  # asking opens nothing

    page = client_for(admin).get(reverse("advisers:consents", args=[cast.org_a.pk]))
    assert "Suite à notre rendez-vous DLA." in page.content.decode()
    missing = client_for(admin).post(
        reverse("advisers:consent_decide", args=[cast.org_a.pk, request.pk]),
        {"decision": "accept", "months": 6},
    )
    assert missing.status_code == 200  # the agreement box is required
    _text, token = shown_offer(missing.text, f"request-{request.pk}")
    client_for(admin).post(
        reverse("advisers:consent_decide", args=[cast.org_a.pk, request.pk]),
        {"decision": "accept", "months": 6, "offer": token, "agree": "on"},
    )
    request.refresh_from_db()
    assert request.status == Consent.Status.ACTIVE and request.granted_by == admin
    assert client_for(adviser).get(_client_url(cast)).status_code == 200


def test_admin_refuses_a_request(cast, client_for, adviser, admin):
    request = services.request_access(adviser=adviser, siren=cast.org_a.siren, message="")
    client_for(admin).post(
        reverse("advisers:consent_decide", args=[cast.org_a.pk, request.pk]),
        {"decision": "refuse"},
    )
    request.refresh_from_db()
    assert request.status == Consent.Status.REFUSED and request.refused_by == admin
    assert client_for(adviser).get(_client_url(cast)).status_code == 404


def test_request_with_unknown_siren_or_twice_is_refused_with_a_message(cast, client_for, adviser):
    client = client_for(adviser)
    page = client.post(reverse("advisers:request_access"), {"siren": "123456782"})
    assert "Aucune organisation inscrite" in page.content.decode()
    page = client.post(reverse("advisers:request_access"), {"siren": "12"})
    assert "9 chiffres" in page.content.decode()
    services.request_access(adviser=adviser, siren=cast.org_a.siren, message="")
    page = client.post(reverse("advisers:request_access"), {"siren": cast.org_a.siren})
    assert "déjà un accès en cours ou une demande" in page.content.decode()


def test_admin_of_b_cannot_decide_a_request_made_to_a(cast, client_for, adviser):
    request = services.request_access(adviser=adviser, siren=cast.org_a.siren, message="")
    admin_b = cast.org_b.active_admins().first()
    response = client_for(admin_b).post(
        reverse("advisers:consent_decide", args=[cast.org_b.pk, request.pk]),
        {"decision": "accept", "months": 12, "agree": "on"},
    )
    assert response.status_code == 404


# --- Reminders and the page ---------------------------------------------------------------------


def test_reminder_sent_two_weeks_before_expiry_once(
    cast, adviser, admin, django_capture_on_commit_callbacks, mailoutbox
):
    consent = live_consent(cast.org_a, adviser, months=3, by=admin)
    from advisers.tasks import send_consent_reminders

    early = time_machine.travel(consent.expires_at - timedelta(days=20))
    with early, django_capture_on_commit_callbacks(execute=True):
        assert services.send_expiry_reminders() == 0
    due = time_machine.travel(consent.expires_at - timedelta(days=10))
    with due, django_capture_on_commit_callbacks(execute=True):
        assert send_consent_reminders.delay().get() == 1
        assert services.send_expiry_reminders() == 0  # once per expiry date
    recipients = sorted(address for m in mailoutbox for address in m.to)
    assert recipients == sorted([admin.email, adviser.email])
    assert "se termine le" in mailoutbox[0].body
    with time_machine.travel(consent.expires_at + timedelta(days=1)):
        services.send_expiry_reminders()
    consent.refresh_from_db()
    assert consent.status == Consent.Status.EXPIRED


def test_consent_page_shows_who_granted_who_revoked_and_who_viewed(
    cast, client_for, adviser, admin
):
    completed_diagnostic(cast.org_a)
    consent = live_consent(cast.org_a, adviser, by=admin)
    client_for(adviser).get(_client_url(cast))
    client_for(adviser).get(reverse("advisers:prediagnostic", args=[cast.org_a.pk]))
    page = client_for(admin).get(reverse("advisers:consents", args=[cast.org_a.pk]))
    html = page.content.decode()
    assert "Qui a consulté vos données" in html
    assert "Fiche de prédiagnostic" in html and "Résultats et feuille de route" in html
    assert "Texte accepté" in html and "avec effet immédiat" in html
    services.revoke(consent=consent, by=admin)
    html = client_for(admin).get(reverse("advisers:consents", args=[cast.org_a.pk])).content
    assert f"par {admin.display_name}".encode() in html
    assert AccessLog.objects.filter(organisation=cast.org_a).count() == 2


def test_organisation_page_links_admins_to_the_consent_page(cast, client_for):
    url = reverse("advisers:consents", args=[cast.org_a.pk])
    detail = reverse("organisation_detail", args=[cast.org_a.pk])
    assert url in client_for(cast.users["admin_a"]).get(detail).content.decode()
    assert url not in client_for(cast.users["member_a"]).get(detail).content.decode()


def test_navigation_links_for_advisers_and_cress_admins(cast, client_for):
    portfolio = f'href="{reverse("advisers:portfolio")}"'
    observatory = f'href="{reverse("advisers:observatory")}"'
    home = reverse("home")
    adviser_page = client_for(cast.users["adviser"]).get(home).content.decode()
    assert portfolio in adviser_page and observatory not in adviser_page
    cress_page = client_for(cast.users["cress_admin"]).get(home).content.decode()
    assert observatory in cress_page and portfolio not in cress_page


# --- What each step records, and who is told ------------------------------------------------------

OCTOBER_15 = datetime(2026, 10, 15, 9, 30, tzinfo=PARIS)


def _mails(capture, call):
    """The e-mails a service call sends once its transaction commits."""
    with capture(execute=True):
        call()


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def test_the_consent_records_the_whole_text_agreed_and_its_end_date(cast, adviser, admin):
    with time_machine.travel(OCTOBER_15, tick=False):
        consent = services.grant(organisation=cast.org_a, adviser=adviser, months=3, by=admin)
    label = f"{adviser.display_name} ({adviser.adviser_profile.structure.name})"
    assert services.adviser_label(adviser) == label
    assert consent.consent_text == french_plain_text(
        f"En tant qu'administrateur·rice de « Association A », j'autorise {label} à consulter "
        "les résultats des diagnostics et la feuille de route de l'organisation jusqu'au "
        "15 janvier 2027. Les réponses individuelles des répondant·es ne lui sont jamais "
        "transmises. Cette personne peut écrire des avis et proposer des actions, que "
        "l'organisation retient ou écarte. Chaque consultation est enregistrée et visible par "
        "les administrateur·rices. Cet accès peut être retiré à tout moment, avec effet immédiat."
    )
    assert consent.expires_at == datetime(2027, 1, 15, 9, 30, tzinfo=PARIS)
    assert (consent.granted_at, consent.granted_by, consent.months) == (OCTOBER_15, admin, 3)


def test_an_offer_made_on_15_october_ends_on_15_january_and_is_recorded_as_read(
    cast, adviser, admin
):
    label = services.adviser_label(adviser)
    with time_machine.travel(OCTOBER_15 + timedelta(days=40), tick=False):
        offer = services.consent_offer(
            organisation=cast.org_a, adviser_label=label, months=3, now=OCTOBER_15
        )
        assert offer.expires_at == datetime(2027, 1, 15, 9, 30, tzinfo=PARIS)
        assert "jusqu’au 15 janvier 2027." in offer.text
    with time_machine.travel(OCTOBER_15, tick=False):
        offer = services.consent_offer(organisation=cast.org_a, adviser_label=label, months=3)
        consent = services.grant(
            organisation=cast.org_a, adviser=adviser, months=3, by=admin, offer=offer.token
        )
    assert (consent.consent_text, consent.expires_at) == (offer.text, offer.expires_at)


def test_a_changed_offer_says_so_in_full(cast, adviser, admin):
    with pytest.raises(services.OfferChanged) as refused:
        services.grant(
            organisation=cast.org_a, adviser=adviser, months=3, by=admin, offer="inventé"
        )
    assert str(refused.value) == (
        "Le texte de l'accord a changé : lisez-le ci-dessous puis donnez votre accord."
    )
    assert not Consent.objects.exists()


def test_an_offer_made_for_another_organisation_of_the_same_name_is_not_agreed_here(
    cast, adviser, admin
):
    twin = OrganisationFactory(name=cast.org_a.name)
    offer = services.consent_offer(
        organisation=twin, adviser_label=services.adviser_label(adviser), months=3
    )
    with pytest.raises(services.OfferChanged):
        services.grant(
            organisation=cast.org_a, adviser=adviser, months=3, by=admin, offer=offer.token
        )


@pytest.mark.parametrize("months", [1, 4, 7, 13, 24])
def test_a_duration_other_than_3_6_or_12_months_is_refused_with_its_reason(
    cast, adviser, admin, months
):
    for give in (
        lambda: services.grant(organisation=cast.org_a, adviser=adviser, months=months, by=admin),
        lambda: services.grant_by_email(
            organisation=cast.org_a, email="x@example.org", months=months, by=admin
        ),
    ):
        with pytest.raises(services.ConsentError) as refused:
            give()
        assert str(refused.value) == "La durée est de 3, 6 ou 12 mois."
    assert not Consent.objects.exists()


def test_a_pending_adviser_is_refused_with_the_reason(cast, admin):
    with pytest.raises(services.ConsentError) as refused:
        services.grant(
            organisation=cast.org_a, adviser=cast.pending_adviser.user, months=12, by=admin
        )
    assert str(refused.value) == "Cette personne n'a pas de compte conseiller·e validé."


def test_the_adviser_is_told_by_mail_that_access_is_open(
    cast, adviser, admin, django_capture_on_commit_callbacks, mailoutbox
):
    def grant():
        services.grant(organisation=cast.org_a, adviser=adviser, months=3, by=admin)

    with time_machine.travel(OCTOBER_15, tick=False):
        _mails(django_capture_on_commit_callbacks, grant)
    (mail,) = mailoutbox
    assert mail.to == [adviser.email]
    assert plain(mail.subject) == "Accès ouvert aux résultats de Association A"
    assert "jusqu'au 15 janvier 2027" in plain(mail.body)
    assert _site(reverse("advisers:client", args=[cast.org_a.pk])) in plain(mail.body)


def test_a_renewal_ends_the_previous_consent_on_the_day_it_is_renewed(
    cast, client_for, adviser, admin
):
    with time_machine.travel(OCTOBER_15, tick=False):
        first = live_consent(cast.org_a, adviser, months=12, by=admin)
    renewed_on = OCTOBER_15 + timedelta(days=40)
    with time_machine.travel(renewed_on, tick=False):
        second = live_consent(cast.org_a, adviser, months=3, by=admin)
    first.refresh_from_db()
    assert (first.status, first.expires_at) == (Consent.Status.EXPIRED, renewed_on)
    assert second.expires_at == datetime(2027, 2, 24, 9, 30, tzinfo=PARIS)
    page = readable(client_for(admin).get(reverse("advisers:consents", args=[cast.org_a.pk])))
    assert "expiré le 24 novembre 2026" in page


# --- Invitations: recorded, told, attached ---------------------------------------------------------


def test_an_invitation_records_its_text_end_date_and_who_invited_and_is_mailed(
    cast, admin, django_capture_on_commit_callbacks, mailoutbox
):
    def invite():
        services.grant_by_email(
            organisation=cast.org_a, email="  Nouvelle@Example.org ", months=6, by=admin
        )

    with time_machine.travel(OCTOBER_15, tick=False):
        _mails(django_capture_on_commit_callbacks, invite)
    invitation = Consent.objects.get()
    assert (invitation.email, invitation.adviser, invitation.status) == (
        "nouvelle@example.org",
        None,
        Consent.Status.INVITED,
    )
    assert (invitation.months, invitation.granted_by) == (6, admin)
    assert invitation.granted_at == OCTOBER_15
    assert invitation.expires_at == datetime(2027, 4, 15, 9, 30, tzinfo=PARIS)
    assert "autorise nouvelle@example.org à consulter" in invitation.consent_text
    assert "jusqu’au 15 avril 2027." in invitation.consent_text
    (mail,) = mailoutbox
    assert mail.to == ["nouvelle@example.org"]
    assert plain(mail.subject) == "Association A vous invite à consulter ses résultats"
    assert _site(reverse("account_signup")) in plain(mail.body)
    assert _site(reverse("adviser_request")) in plain(mail.body)
    assert "jusqu'au 15 avril 2027" in plain(mail.body)


def test_an_address_invited_twice_is_refused_while_the_first_invitation_waits(cast, admin):
    services.grant_by_email(organisation=cast.org_a, email="x@example.org", months=3, by=admin)
    with pytest.raises(services.ConsentError) as refused:
        services.grant_by_email(organisation=cast.org_a, email="X@example.org", months=6, by=admin)
    assert str(refused.value) == "Cette adresse a déjà une invitation en attente."
    assert Consent.objects.get().months == 3


@pytest.mark.parametrize("who", ["pending_adviser", "plain_user"])
def test_an_address_without_an_approved_adviser_account_is_invited(cast, admin, who):
    if who == "pending_adviser":
        person = cast.pending_adviser.user
    else:
        person = UserFactory(email="simple@example.org")
    assert services.invitee_label(person.email.upper()) == person.email
    consent = services.grant_by_email(
        organisation=cast.org_a, email=person.email, months=3, by=admin
    )
    assert (consent.status, consent.adviser) == (Consent.Status.INVITED, None)
    assert f"autorise {person.email} à consulter" in consent.consent_text


def test_an_approved_advisers_address_is_granted_with_the_text_agreed_only(cast, adviser, admin):
    with pytest.raises(services.OfferChanged):
        services.grant_by_email(
            organisation=cast.org_a, email=adviser.email, months=3, by=admin, offer="inventé"
        )
    label = services.invitee_label(adviser.email)
    assert label == services.adviser_label(adviser)
    offer = services.consent_offer(organisation=cast.org_a, adviser_label=label, months=6)
    consent = services.grant_by_email(
        organisation=cast.org_a, email=adviser.email, months=6, by=admin, offer=offer.token
    )
    assert (consent.adviser, consent.months, consent.granted_by) == (adviser, 6, admin)
    assert consent.consent_text == offer.text


def test_invitations_wait_for_approval_then_all_open_at_once_except_ended_ones(cast, admin):
    for organisation, by in ((cast.org_a, admin), (cast.org_b, cast.admin_b)):
        services.grant_by_email(organisation=organisation, email="x@example.org", months=3, by=by)
    other = services.grant_by_email(
        organisation=cast.org_a, email="autre@example.org", months=3, by=admin
    )
    person = UserFactory(email="x@example.org")
    profile = AdviserProfileFactory(user=person, pending=True)
    assert services.attach_invitations(person) == 0
    assert set(Consent.objects.values_list("status", flat=True)) == {Consent.Status.INVITED}
    AdviserProfile.objects.filter(pk=profile.pk).update(status=AdviserProfile.Status.APPROVED)
    assert services.attach_invitations(person) == 2
    assert Consent.objects.live().filter(adviser=person).count() == 2
    other.refresh_from_db()  # sent to another address: still waiting for its own person
    assert (other.status, other.adviser) == (Consent.Status.INVITED, None)


def test_an_invitation_past_its_end_date_opens_nothing_and_is_closed(cast, admin):
    invitation = services.grant_by_email(
        organisation=cast.org_a, email="x@example.org", months=3, by=admin
    )
    person = UserFactory(email="x@example.org")
    AdviserProfileFactory(user=person)
    with time_machine.travel(invitation.expires_at + timedelta(minutes=1)):
        assert services.attach_invitations(person) == 0
        assert services.send_expiry_reminders() == 0
    invitation.refresh_from_db()
    assert (invitation.status, invitation.adviser) == (Consent.Status.EXPIRED, None)


# --- Requests, refusals and revocations: recorded and told -----------------------------------------


def test_a_request_records_the_message_and_date_and_tells_the_admins(
    cast, client_for, adviser, admin, django_capture_on_commit_callbacks, mailoutbox
):
    message = "  " + "Bonjour. " * 200 + "  "

    def ask():
        services.request_access(adviser=adviser, siren=f" {cast.org_a.siren} ", message=message)

    with time_machine.travel(OCTOBER_15, tick=False):
        _mails(django_capture_on_commit_callbacks, ask)
    request = Consent.objects.get()
    assert request.status == Consent.Status.REQUESTED and request.adviser == adviser
    assert request.requested_at == OCTOBER_15
    assert request.request_message == message.strip()[:1000]
    assert len(request.request_message) == 1000
    (mail,) = mailoutbox
    assert mail.to == [admin.email]
    assert plain(mail.subject) == "Demande d'accès d'un·e conseiller·e DLA"
    assert plain(services.adviser_label(adviser)) in plain(mail.body)
    assert _site(reverse("advisers:consents", args=[cast.org_a.pk])) in plain(mail.body)
    page = readable(client_for(admin).get(reverse("advisers:consents", args=[cast.org_a.pk])))
    assert "Demande du 15 octobre 2026" in page


def test_a_request_refused_says_why_in_full(cast, adviser):
    with pytest.raises(services.ConsentError) as refused:
        services.request_access(adviser=adviser, siren="123456782", message="")
    assert str(refused.value) == "Aucune organisation inscrite sur la plateforme n'a ce SIREN."
    services.request_access(adviser=adviser, siren=cast.org_a.siren, message="")
    with pytest.raises(services.ConsentError) as refused:
        services.request_access(adviser=adviser, siren=cast.org_a.siren, message="")
    assert str(refused.value) == (
        "Vous avez déjà un accès en cours ou une demande en attente pour cette organisation."
    )


def test_an_adviser_whose_consent_ended_may_ask_again(cast, adviser, admin):
    consent = live_consent(cast.org_a, adviser, months=3, by=admin)
    with time_machine.travel(consent.expires_at + timedelta(days=1)):
        request = services.request_access(adviser=adviser, siren=cast.org_a.siren, message="")
    consent.refresh_from_db()
    assert consent.status == Consent.Status.EXPIRED
    assert request.status == Consent.Status.REQUESTED


def test_a_refusal_is_recorded_and_told_to_the_adviser_once(
    cast, client_for, adviser, admin, django_capture_on_commit_callbacks, mailoutbox
):
    request = services.request_access(adviser=adviser, siren=cast.org_a.siren, message="")
    with time_machine.travel(OCTOBER_15, tick=False):
        _mails(
            django_capture_on_commit_callbacks, lambda: services.refuse(consent=request, by=admin)
        )
    request.refresh_from_db()
    assert (request.status, request.refused_at, request.refused_by) == (
        Consent.Status.REFUSED,
        OCTOBER_15,
        admin,
    )
    (mail,) = mailoutbox
    assert mail.to == [adviser.email]
    assert plain(mail.subject) == "Votre demande d'accès à Association A"
    assert "Association A n'ont pas donné suite à votre demande d'accès" in plain(mail.body)
    page = readable(client_for(admin).get(reverse("advisers:consents", args=[cast.org_a.pk])))
    assert f"demande refusée le 15 octobre 2026 par {plain(admin.display_name)}" in page
    for done in (request, live_consent(cast.org_b, adviser)):
        with pytest.raises(services.ConsentError) as refused:
            services.refuse(consent=done, by=admin)
        assert str(refused.value) == "Cette demande a déjà été traitée."


def test_a_revocation_is_recorded_and_told_to_the_adviser_once(
    cast, client_for, adviser, admin, django_capture_on_commit_callbacks, mailoutbox
):
    consent = live_consent(cast.org_a, adviser, by=admin)
    with time_machine.travel(OCTOBER_15, tick=False):
        _mails(
            django_capture_on_commit_callbacks, lambda: services.revoke(consent=consent, by=admin)
        )
    consent.refresh_from_db()
    assert (consent.status, consent.revoked_at, consent.revoked_by) == (
        Consent.Status.REVOKED,
        OCTOBER_15,
        admin,
    )
    (mail,) = mailoutbox
    assert mail.to == [adviser.email]
    assert plain(mail.subject) == "Accès retiré : Association A"
    assert "Association A a retiré votre accès à ses résultats" in plain(mail.body)
    page = readable(client_for(admin).get(reverse("advisers:consents", args=[cast.org_a.pk])))
    assert f"retiré le 15 octobre 2026 par {plain(admin.display_name)}" in page
    request = services.request_access(adviser=adviser, siren=cast.org_b.siren, message="")
    for closed in (consent, request):
        with pytest.raises(services.ConsentError) as refused:
            services.revoke(consent=closed, by=admin)
        assert str(refused.value) == "Cet accès n'est plus ouvert."


def test_cancelling_an_invitation_mails_nobody(
    cast, admin, django_capture_on_commit_callbacks, mailoutbox
):
    invitation = services.grant_by_email(
        organisation=cast.org_a, email="x@example.org", months=3, by=admin
    )
    _mails(
        django_capture_on_commit_callbacks, lambda: services.revoke(consent=invitation, by=admin)
    )
    assert mailoutbox == []
    invitation.refresh_from_db()
    assert invitation.status == Consent.Status.REVOKED


# --- Reminders: subjects, recipients, the fourteen days ---------------------------------------------


def test_reminders_name_the_adviser_and_the_organisation_for_each_consent_due(
    cast, adviser, admin, django_capture_on_commit_callbacks, mailoutbox
):
    with time_machine.travel(OCTOBER_15, tick=False):
        live_consent(cast.org_a, adviser, months=3, by=admin)
        live_consent(cast.org_b, adviser, months=3, by=cast.admin_b)
    sent = []
    with time_machine.travel(datetime(2027, 1, 5, 9, 30, tzinfo=PARIS), tick=False):
        _mails(
            django_capture_on_commit_callbacks,
            lambda: sent.append(services.send_expiry_reminders()),
        )
    assert sent == [2]
    by_recipient = {tuple(m.to): m for m in mailoutbox}
    assert set(by_recipient) == {(admin.email,), (cast.admin_b.email,), (adviser.email,)}
    to_admin = by_recipient[(admin.email,)]
    assert plain(to_admin.subject) == (
        f"L'accès de {plain(adviser.display_name)} à Association A se termine bientôt"
    )
    assert "se termine le 15 janvier 2027" in plain(to_admin.body)
    assert _site(reverse("advisers:consents", args=[cast.org_a.pk])) in plain(to_admin.body)
    to_adviser = [m for m in mailoutbox if m.to == [adviser.email]]
    assert sorted(plain(m.subject) for m in to_adviser) == sorted(
        f"L'accès de {plain(adviser.display_name)} à {name} se termine bientôt"
        for name in ("Association A", "Association B")
    )
    assert all("demandez à l'organisation de le prolonger" in plain(m.body) for m in to_adviser)


def test_the_reminder_leaves_fourteen_days_before_the_end_not_before(cast, adviser, admin):
    consent = live_consent(cast.org_a, adviser, months=3, by=admin)
    with time_machine.travel(consent.expires_at - timedelta(days=14, minutes=1)):
        assert services.send_expiry_reminders() == 0
    with time_machine.travel(consent.expires_at - timedelta(days=14) + timedelta(minutes=1)):
        assert services.send_expiry_reminders() == 1


# --- advisers.access, called directly ---------------------------------------------------------------


@adviser_required
def _adviser_page(request, pk):
    return HttpResponse(str(pk))


def _get(user):
    request = RequestFactory().get("/conseil/page/")
    request.user = user
    return request


def test_adviser_pages_are_for_approved_advisers_only(cast, adviser):
    response = _adviser_page(_get(AnonymousUser()), 4)
    assert response.status_code == 302 and "next=/conseil/page/" in response["Location"]
    for someone in (cast.pending_adviser.user, cast.users["admin_a"], cast.users["cress_admin"]):
        with pytest.raises(PermissionDenied):
            _adviser_page(_get(someone), 4)
    assert _adviser_page(_get(adviser), 4).content == b"4"


def test_only_a_live_consent_opens_an_organisation_to_its_adviser(cast, adviser, admin):
    assert not consented_organisations(AnonymousUser()).exists()
    assert not consented_organisations(adviser).exists()
    services.request_access(adviser=adviser, siren=cast.org_b.siren, message="")
    live_consent(cast.org_a, adviser, by=admin)
    assert list(consented_organisations(adviser)) == [cast.org_a]
    assert consented_organisation(adviser, cast.org_a.pk) == cast.org_a
    with pytest.raises(Http404):
        consented_organisation(adviser, cast.org_b.pk)
    assert not consented_organisations(cast.users["adviser_with"]).filter(pk=cast.org_a.pk).exists()


def test_an_invitation_from_an_organisation_already_open_to_the_adviser_is_skipped_not_the_rest(
    cast, admin
):
    with time_machine.travel(OCTOBER_15, tick=False):
        from_b = services.grant_by_email(
            organisation=cast.org_b, email="x@example.org", months=3, by=cast.admin_b
        )
    with time_machine.travel(OCTOBER_15 + timedelta(minutes=1), tick=False):
        from_a = services.grant_by_email(
            organisation=cast.org_a, email="x@example.org", months=3, by=admin
        )
    person = UserFactory(email="x@example.org")
    AdviserProfileFactory(user=person)
    direct = services.grant(organisation=cast.org_a, adviser=person, months=12, by=admin)
    assert services.attach_invitations(person) == 1
    from_a.refresh_from_db()
    from_b.refresh_from_db()
    assert (from_a.status, from_b.status) == (Consent.Status.INVITED, Consent.Status.ACTIVE)
    assert set(Consent.objects.live().filter(adviser=person)) == {direct, from_b}


def test_reminders_close_only_what_has_ended_and_leave_other_outcomes_as_they_are(
    cast, adviser, admin
):
    revoked = live_consent(cast.org_a, adviser, months=3, by=admin)
    services.revoke(consent=revoked, by=admin)
    invitation = services.grant_by_email(
        organisation=cast.org_b, email="x@example.org", months=12, by=cast.admin_b
    )
    with time_machine.travel(revoked.expires_at + timedelta(days=1)):
        services.send_expiry_reminders()
    revoked.refresh_from_db()
    invitation.refresh_from_db()
    assert revoked.status == Consent.Status.REVOKED  # still "retiré", not "expiré"
    assert invitation.status == Consent.Status.INVITED  # months left


def test_reminders_for_a_given_moment_use_that_moment(cast, adviser, admin):
    with time_machine.travel(datetime(2026, 1, 10, 9, 30, tzinfo=PARIS), tick=False):
        consent = live_consent(cast.org_a, adviser, months=3, by=admin)
    # Run today for the 1st of April, ten days before that consent's end.
    assert services.send_expiry_reminders(now=datetime(2026, 4, 1, tzinfo=PARIS)) == 1
    consent.refresh_from_db()
    assert consent.reminder_sent_for == consent.expires_at


def test_a_consent_whose_end_date_moved_is_reminded_again_for_the_new_date(
    cast, adviser, admin, django_capture_on_commit_callbacks, mailoutbox
):
    consent = live_consent(cast.org_a, adviser, months=3, by=admin)
    with time_machine.travel(consent.expires_at - timedelta(days=10)):
        assert services.send_expiry_reminders() == 1
        assert services.send_expiry_reminders() == 0
    later = consent.expires_at + timedelta(days=30)
    Consent.objects.filter(pk=consent.pk).update(expires_at=later)
    with time_machine.travel(later - timedelta(days=10)):
        assert services.send_expiry_reminders() == 1
        assert services.send_expiry_reminders() == 0


def test_two_reminder_runs_that_overlap_remind_each_consent_once(
    cast, adviser, admin, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    # Listed newest first: two consents ending on 15 January, then an older one ending on the
    # 20th. A second run for 3 January (when the 20th is not due yet) starts as the first run
    # mails about the first consent, and reminds the second; the first run must still remind
    # the third, and nobody twice.
    with time_machine.travel(datetime(2026, 7, 20, 9, 30, tzinfo=PARIS), tick=False):
        third = live_consent(cast.org_a, adviser, months=6, by=admin)
    with time_machine.travel(OCTOBER_15 + timedelta(minutes=1), tick=False):
        second = live_consent(cast.org_b, adviser, months=3, by=cast.admin_b)
    other = AdviserProfileFactory().user
    with time_machine.travel(OCTOBER_15 + timedelta(minutes=2), tick=False):
        first = live_consent(cast.org_a, other, months=3, by=admin)
    second_run = datetime(2027, 1, 3, 9, 30, tzinfo=PARIS)
    first_run = datetime(2027, 1, 10, 9, 30, tzinfo=PARIS)
    send = services.send_after_commit
    runs, started = [], []

    def send_and_start_another_run(**mail):
        send(**mail)
        if not started:
            started.append(second_run)
            runs.append(services.send_expiry_reminders(now=second_run))

    monkeypatch.setattr(services, "send_after_commit", send_and_start_another_run)
    with (
        time_machine.travel(first_run, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        runs.append(services.send_expiry_reminders())
    assert runs == [1, 2]
    reminded = sorted(
        (c.organisation.name, c.adviser_id)
        for c in Consent.objects.filter(reminder_sent_for=F("expires_at"))
    )
    assert reminded == sorted((c.organisation.name, c.adviser_id) for c in (first, second, third))
    to_adviser = sorted(plain(m.subject) for m in mailoutbox if m.to == [adviser.email])
    assert to_adviser == [
        f"L'accès de {plain(adviser.display_name)} à Association A se termine bientôt",
        f"L'accès de {plain(adviser.display_name)} à Association B se termine bientôt",
    ]


def test_granting_another_adviser_leaves_the_first_ones_access_open(cast, adviser, admin):
    first = live_consent(cast.org_a, adviser, by=admin)
    other = AdviserProfileFactory().user
    second = services.grant(organisation=cast.org_a, adviser=other, months=3, by=admin)
    first.refresh_from_db()
    assert first.status == Consent.Status.ACTIVE
    assert set(Consent.objects.live()) == {first, second}


def test_a_consent_that_ran_out_keeps_its_own_end_date_when_access_is_given_again(
    cast, adviser, admin
):
    with time_machine.travel(OCTOBER_15, tick=False):
        ended = live_consent(cast.org_a, adviser, months=3, by=admin)
    again = ended.expires_at + timedelta(days=20)
    with time_machine.travel(again, tick=False):  # no reminder run has closed it yet
        renewed = live_consent(cast.org_a, adviser, months=3, by=admin)
    ended.refresh_from_db()
    assert (ended.status, ended.expires_at) == (
        Consent.Status.EXPIRED,
        datetime(2027, 1, 15, 9, 30, tzinfo=PARIS),
    )
    assert renewed.granted_at == again and renewed.pk != ended.pk


def test_a_revoked_consent_stays_revoked_when_access_is_given_again_after_its_end(
    cast, client_for, adviser, admin
):
    revoked = live_consent(cast.org_a, adviser, months=3, by=admin)
    services.revoke(consent=revoked, by=admin)
    with time_machine.travel(revoked.expires_at + timedelta(days=1)):
        live_consent(cast.org_a, adviser, months=3, by=admin)
    revoked.refresh_from_db()
    assert revoked.status == Consent.Status.REVOKED
    page = readable(client_for(admin).get(reverse("advisers:consents", args=[cast.org_a.pk])))
    assert f"par {plain(admin.display_name)}" in page.split("Historique des accès", 1)[1]


def test_a_refused_request_stays_refused_when_access_is_then_given(cast, adviser, admin):
    request = services.request_access(adviser=adviser, siren=cast.org_a.siren, message="")
    services.refuse(consent=request, by=admin)
    consent = live_consent(cast.org_a, adviser, by=admin)
    request.refresh_from_db()
    assert request.status == Consent.Status.REFUSED and consent.pk != request.pk


def test_the_label_of_someone_without_an_adviser_account_is_their_name(cast):
    member = cast.users["member_a"]
    assert services.adviser_label(member) == member.display_name
