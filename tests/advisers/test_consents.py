"""Consent: granted, asked, invited, revoked, expiring; the adviser's access follows it at once."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from advisers import services
from advisers.access import consented_organisation
from advisers.models import AccessLog, AdviserProfile, Consent
from tests.advisers.factories import completed_diagnostic, live_consent, shown_offer
from tests.factories import AdviserProfileFactory, UserFactory

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
