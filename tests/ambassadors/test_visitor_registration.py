"""Events open to everyone: registration without an account (a name and an e-mail address,
confirmed by a link, cancelled by a link in every e-mail), the same capacity and waiting list
as account holders, visitors' data removed after the event."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from ambassadors.models import Event, Registration, VisitorLink
from ambassadors.services import events
from ambassadors.services.shared import CommunityError
from tests.ambassadors.factories import (
    AmbassadorFactory,
    EventFactory,
    RegistrationFactory,
    VisitorRegistrationFactory,
    visitor_token,
)
from tests.factories import UserFactory
from tests.pages import readable

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+?(/communaute/evenements/inscription/[^/\s]+/(?:confirmer/)?)")


def visitor_form(name="Awa Diallo", email="awa@example.org", **extra):
    return {"name": name, "email": email, "consent": "on", **extra}


def ask(client, event, capture, **data):
    """A visitor fills in the form on the event page; the e-mails leave (after the commit)."""
    with capture(execute=True):
        return client.post(
            reverse("ambassadors:event_register_visitor", args=[event.pk]), visitor_form(**data)
        )


def links(message) -> dict[str, str]:
    """The personal links of an e-mail, by kind: 'confirm' and 'manage' (see or cancel)."""
    found = {}
    for path in LINK.findall(message.body):
        found["confirm" if path.endswith("/confirmer/") else "manage"] = path
    return found


def confirm(client, message, capture):
    with capture(execute=True):
        return client.post(links(message)["confirm"])


def registration_of(email):
    return Registration.objects.get(email=email)


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


# --- Registering, confirming, appearing on the list ------------------------------------------------


def test_a_visitor_registers_without_an_account_and_confirms_by_the_link(
    client, django_capture_on_commit_callbacks
):
    organiser = AmbassadorFactory().user
    event = EventFactory(organiser=organiser, capacity=2, title="Atelier Nextcloud")
    page = client.get(event.get_absolute_url())
    assert "M’inscrire sans compte" in page.text
    assert 'name="email"' in page.text and 'name="consent"' in page.text

    response = ask(client, event, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "Un e-mail vient de partir vers awa@example.org" in response.text
    assert no_store(response)
    # Nothing is held before the visitor confirms.
    assert registration_of("awa@example.org").status == "pending"
    # French plural: 0 and 1 take the singular.
    assert "0 inscrit·e sur 2" in client.get(event.get_absolute_url()).text

    [message] = mail.outbox
    assert message.to == ["awa@example.org"]
    assert "Confirmez votre inscription : Atelier Nextcloud" in message.subject
    assert "Bonjour Awa Diallo," in message.body
    assert set(links(message)) == {"confirm", "manage"}

    page = client.get(links(message)["confirm"])
    assert page.status_code == 200
    assert "Je confirme mon inscription" in page.text
    assert no_store(page)
    assert registration_of("awa@example.org").status == "pending"  # opening is not confirming

    response = confirm(client, message, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert registration_of("awa@example.org").status == "confirmed"
    page = client.get(response["Location"])
    assert "Votre place est réservée, au nom d’Awa Diallo." in page.text
    assert "1 inscrit·e sur 2" in client.get(event.get_absolute_url()).text

    confirmed = mail.outbox[-1]
    assert confirmed.to == ["awa@example.org"]
    assert "Inscription confirmée" in confirmed.subject
    assert "manage" in links(confirmed) and links(confirmed)["manage"] != links(message)["manage"]

    # The organiser sees the name, not the address.
    client.force_login(organiser)
    attendance = client.get(reverse("ambassadors:event_attendance", args=[event.pk])).text
    assert "Awa Diallo" in attendance
    assert "awa@example.org" not in attendance
    assert "inscrit·e sans compte" in attendance


def test_the_tokens_are_stored_hashed_never_in_clear(client, django_capture_on_commit_callbacks):
    event = EventFactory()
    ask(client, event, django_capture_on_commit_callbacks)
    token = links(mail.outbox[-1])["confirm"].rstrip("/").split("/")[-2]
    stored = list(VisitorLink.objects.values_list("token_hash", flat=True))
    assert token not in stored
    assert hashlib.sha256(token.encode()).hexdigest() in stored


def test_form_errors_keep_what_was_typed_and_send_nothing(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory()
    url = reverse("ambassadors:event_register_visitor", args=[event.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"name": "Awa Diallo", "email": "pas-une-adresse"})
    assert response.status_code == 400
    assert 'value="Awa Diallo"' in response.text
    assert 'value="pas-une-adresse"' in response.text
    assert "Saisissez une adresse de courriel valide." in response.text
    assert "Sans cet accord, nous ne pouvons pas vous envoyer le lien à confirmer." in response.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"name": "   ", "email": "awa@example.org", "consent": "on"})
    assert response.status_code == 400
    assert mail.outbox == []
    assert not Registration.objects.exists()


def test_visitor_requests_are_rate_limited_per_address_and_per_connection(
    client, settings, django_capture_on_commit_callbacks
):
    event = EventFactory()
    for _ in range(3):
        assert ask(client, event, django_capture_on_commit_callbacks).status_code == 200
    refused = ask(client, event, django_capture_on_commit_callbacks, name="Awa D.")
    assert refused.status_code == 429
    assert "Réessayez dans une heure" in refused.text
    assert 'value="Awa D."' in refused.text  # kept
    assert len(mail.outbox) == 3

    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "event_visitor": "2/h/ip"}
    other = EventFactory()
    for n in range(2):
        response = ask(client, other, django_capture_on_commit_callbacks, email=f"p{n}@example.org")
        assert response.status_code == 200
    refused = ask(client, other, django_capture_on_commit_callbacks, email="p9@example.org")
    assert refused.status_code == 429
    assert not Registration.objects.filter(email="p9@example.org").exists()


def test_the_same_address_twice_is_refused_gently_by_e_mail(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory(title="Atelier RGPD")
    ask(client, event, django_capture_on_commit_callbacks)
    confirm(client, mail.outbox[-1], django_capture_on_commit_callbacks)
    first_page = ask(client, event, django_capture_on_commit_callbacks, email="AWA@example.org ")
    # The page says what it says to anyone (nobody learns who is registered)...
    assert first_page.status_code == 200
    assert "Un e-mail vient de partir vers awa@example.org" in first_page.text
    # ...the address itself is told, with its own link, and nothing is added.
    again = mail.outbox[-1]
    assert "Vous êtes déjà inscrit·e : Atelier RGPD" in again.subject
    assert "Rien n'a changé : votre place est réservée." in again.body
    assert client.get(links(again)["manage"]).status_code == 200
    assert Registration.objects.filter(event=event).count() == 1
    assert registration_of("awa@example.org").status == "confirmed"


def test_asking_again_before_confirming_sends_a_new_link_for_the_same_request(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory()
    ask(client, event, django_capture_on_commit_callbacks, name="Awa")
    ask(client, event, django_capture_on_commit_callbacks, name="Awa Diallo")
    assert Registration.objects.filter(event=event).count() == 1
    assert registration_of("awa@example.org").name == "Awa Diallo"
    # Both links work: the first e-mail was not in vain.
    confirm(client, mail.outbox[0], django_capture_on_commit_callbacks)
    assert registration_of("awa@example.org").status == "confirmed"


def test_an_address_registered_with_an_account_is_told_to_log_in(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory()
    user = UserFactory(email="camille@example.org")
    events.register(event_id=event.pk, user=user)
    ask(client, event, django_capture_on_commit_callbacks, email="Camille@example.org")
    assert "celle d'un compte déjà inscrit" in mail.outbox[-1].body
    assert not Registration.objects.filter(user=None).exists()


def test_a_full_event_puts_a_visitor_on_the_waiting_list(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    page = client.get(event.get_absolute_url())
    assert "L'événement est complet : en vous inscrivant, vous rejoignez la liste d'attente." in (
        readable(page)
    )
    ask(client, event, django_capture_on_commit_callbacks)
    response = confirm(client, mail.outbox[-1], django_capture_on_commit_callbacks)
    assert registration_of("awa@example.org").status == "waitlisted"
    assert "Liste d'attente" in mail.outbox[-1].subject
    assert "Pour quitter la liste d'attente" in mail.outbox[-1].body
    assert "liste d’attente (position 1)" in client.get(response["Location"]).text


def test_cancelling_by_the_link_frees_the_place_for_the_next_who_gets_their_own_link(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1, title="Atelier compta")
    ask(client, event, django_capture_on_commit_callbacks, name="Awa", email="awa@example.org")
    confirm(client, mail.outbox[-1], django_capture_on_commit_callbacks)
    awa_confirmed = mail.outbox[-1]
    ask(client, event, django_capture_on_commit_callbacks, name="Bao", email="bao@example.org")
    confirm(client, mail.outbox[-1], django_capture_on_commit_callbacks)
    late = UserFactory()
    events.register(event_id=event.pk, user=late)
    assert registration_of("bao@example.org").status == "waitlisted"

    cancel_url = links(awa_confirmed)["manage"]
    page = client.get(cancel_url)
    assert "Annuler mon inscription" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel_url)
    assert response.status_code == 302
    assert "Votre inscription est annulée." in client.get(cancel_url).text
    assert registration_of("awa@example.org").status == "cancelled"
    assert registration_of("bao@example.org").status == "confirmed"
    assert Registration.objects.get(user=late).status == "waitlisted"

    promoted = mail.outbox[-1]
    assert promoted.to == ["bao@example.org"]
    assert "Une place s'est libérée : Atelier compta" in promoted.subject
    bao_page = client.get(links(promoted)["manage"])
    assert "Votre place est réservée, au nom de Bao." in bao_page.text
    # Cancelling twice: a clear answer, nothing changes.
    again = client.post(cancel_url)
    assert again.status_code == 400
    assert "Cette inscription est déjà annulée." in again.text


def test_a_request_can_be_cancelled_before_it_is_confirmed(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory()
    ask(client, event, django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    client.post(links(message)["manage"])
    assert registration_of("awa@example.org").status == "cancelled"
    response = client.post(links(message)["confirm"])
    assert response.status_code == 410
    assert "Cette inscription a été annulée" in response.text


def test_unknown_expired_and_used_links_give_a_clear_page_never_stored(
    client, django_capture_on_commit_callbacks
):
    unknown = client.get(reverse("ambassadors:visitor_registration", args=["pas-un-jeton"]))
    assert unknown.status_code == 404
    assert "ou plus : les inscriptions sans compte sont effacées" in readable(unknown)
    assert no_store(unknown)
    unknown = client.post(reverse("ambassadors:visitor_confirm", args=["x" * 5000]))
    assert unknown.status_code == 404

    event = EventFactory()
    ask(client, event, django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    Registration.objects.filter(email="awa@example.org").update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    expired = client.get(links(message)["confirm"])
    assert expired.status_code == 410
    assert "Le délai pour confirmer est passé" in expired.text
    assert no_store(expired)
    expired = client.post(links(message)["confirm"])
    assert expired.status_code == 410
    assert registration_of("awa@example.org").status == "pending"
    # Asking again gives a new deadline and a new link.
    ask(client, event, django_capture_on_commit_callbacks)
    used = mail.outbox[-1]
    confirm(client, used, django_capture_on_commit_callbacks)
    again = client.get(links(used)["confirm"])  # already confirmed: the registration's page
    assert again.status_code == 302
    assert again["Location"] == links(used)["manage"]
    page = client.get(again["Location"])
    assert page.status_code == 200 and no_store(page)


def test_registrations_close_when_the_event_is_cancelled_or_past(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory()
    ask(client, event, django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    Event.objects.filter(pk=event.pk).update(cancelled_at=timezone.now())
    closed = client.get(links(message)["confirm"])
    assert closed.status_code == 410
    assert "Les inscriptions à cet événement sont fermées." in closed.text
    response = ask(client, EventFactory(past=True), django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "déjà eu lieu" in response.text


def test_members_only_events_keep_requiring_an_account(client):
    event = EventFactory(members_only=True)
    url = reverse("ambassadors:event_register_visitor", args=[event.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, visitor_form()).status_code == 404
    with pytest.raises(CommunityError):
        events.register_visitor(event_id=event.pk, name="Awa", email="awa@example.org")
    client.force_login(UserFactory())
    page = client.get(event.get_absolute_url())
    assert "M’inscrire sans compte" not in page.text


def test_people_logged_in_keep_the_one_click_registration(client):
    event = EventFactory()
    user = UserFactory()
    client.force_login(user)
    page = client.get(event.get_absolute_url())
    assert "M’inscrire sans compte" not in page.text
    assert "M’inscrire" in page.text
    form = client.get(reverse("ambassadors:event_register_visitor", args=[event.pk]))
    assert form.status_code == 302 and form["Location"] == event.get_absolute_url()
    client.post(reverse("ambassadors:event_register", args=[event.pk]))
    assert Registration.objects.get(user=user).status == "confirmed"


def test_the_online_link_goes_to_visitors_with_a_place_only(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory(online=True)
    ask(client, event, django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    assert event.online_url not in message.body
    assert event.online_url not in client.get(links(message)["manage"]).text
    confirm(client, message, django_capture_on_commit_callbacks)
    assert event.online_url in client.get(links(message)["manage"]).text
    assert event.online_url not in mail.outbox[-1].body  # on the page, behind the link


def test_reminders_and_the_organisers_cancellation_reach_visitors_with_their_link(
    client, django_capture_on_commit_callbacks
):
    start = timezone.localtime() + timedelta(days=1)
    event = EventFactory(starts_at=start, ends_at=start + timedelta(hours=2))
    visitor = VisitorRegistrationFactory(event=event, email="awa@example.org")
    RegistrationFactory(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        assert events.send_event_reminders() == 2
    reminder = next(m for m in mail.outbox if m.to == ["awa@example.org"])
    assert "Rappel" in reminder.subject
    assert client.get(links(reminder)["manage"]).status_code == 200
    assert len([m for m in mail.outbox if "inscription/" in m.body]) == 1  # the visitor's only

    with django_capture_on_commit_callbacks(execute=True):
        assert events.cancel_event(event=event) == 2
    cancelled = mail.outbox[-2:]
    to_visitor = next(m for m in cancelled if m.to == [visitor.email])
    assert "Événement annulé" in to_visitor.subject
    assert "Cet événement est annulé." in client.get(links(to_visitor)["manage"]).text


def test_the_organiser_marks_a_visitor_present(client):
    organiser = AmbassadorFactory().user
    event = EventFactory(organiser=organiser, past=True)
    visitor = VisitorRegistrationFactory(event=event, name="Awa Diallo")
    client.force_login(organiser)
    client.post(reverse("ambassadors:event_attendance", args=[event.pk]), {"present": [visitor.pk]})
    visitor.refresh_from_db()
    assert visitor.attended is True


# --- Personal data ---------------------------------------------------------------------------------


def test_unconfirmed_requests_go_at_their_deadline_and_names_a_month_after_the_event(client):
    now = timezone.now()
    expired = VisitorRegistrationFactory(pending=True, expires_at=now - timedelta(minutes=1))
    waiting = VisitorRegistrationFactory(pending=True)
    old_event = EventFactory(
        starts_at=now - timedelta(days=32), ends_at=now - timedelta(days=31, hours=22)
    )
    old = VisitorRegistrationFactory(event=old_event, attended=True)
    old_link = visitor_token(old)
    recent_event = EventFactory(
        starts_at=now - timedelta(days=20), ends_at=now - timedelta(days=20) + timedelta(hours=2)
    )
    recent = VisitorRegistrationFactory(event=recent_event)
    account = RegistrationFactory(event=old_event)

    assert events.purge_visitor_registrations(now=now) == {"expired": 1, "anonymised": 1}
    assert events.purge_visitor_registrations(now=now) == {"expired": 0, "anonymised": 0}
    assert not Registration.objects.filter(pk=expired.pk).exists()
    assert Registration.objects.filter(pk=waiting.pk).exists()
    old.refresh_from_db()
    assert (old.name, old.email, old.attended) == ("", "", True)  # still counted as present
    assert old.anonymised_at is not None
    assert client.get(reverse("ambassadors:visitor_registration", args=[old_link])).status_code == (
        404
    )
    recent.refresh_from_db()
    assert recent.email
    account.refresh_from_db()
    assert account.user_id is not None


def test_the_purge_runs_every_hour_as_a_task(django_capture_on_commit_callbacks):
    from ambassadors.tasks import purge_visitor_registrations
    from config.celery import app

    VisitorRegistrationFactory(pending=True, expires_at=timezone.now() - timedelta(hours=1))
    assert purge_visitor_registrations.delay().get() == {"expired": 1, "anonymised": 0}
    schedule = {e["task"]: e["schedule"] for e in app.conf.beat_schedule.values()}
    assert schedule["ambassadors.purge_visitor_registrations"].hour == set(range(24))


def test_the_database_refuses_a_registration_without_a_person_or_with_both():
    event = EventFactory()
    user = UserFactory()
    for fields in (
        {"user": None, "name": "", "email": ""},
        {"user": None, "name": "Awa", "email": ""},
        {"user": user, "name": "Awa", "email": "awa@example.org"},
        {"user": user, "status": "pending", "expires_at": timezone.now()},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Registration.objects.create(event=event, **{"status": "confirmed", **fields})
    VisitorRegistrationFactory(event=event, email="awa@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitorRegistrationFactory(event=event, email="AWA@example.org")


def test_constraint_messages_are_readable():
    event = EventFactory()
    VisitorRegistrationFactory(event=event, email="awa@example.org")
    duplicate = Registration(event=event, name="Awa", email="AWA@example.org", status="confirmed")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert error.value.messages == ["Cette adresse e-mail est déjà inscrite à cet événement."]
    nobody = Registration(event=event, status="confirmed")
    with pytest.raises(ValidationError) as error:
        nobody.full_clean()
    assert len(error.value.messages) == 1
    assert "donne son nom et son adresse e-mail" in error.value.messages[0]


def test_a_persons_export_holds_the_registrations_made_without_an_account(client):
    user = UserFactory(email="awa@example.org")
    VisitorRegistrationFactory(email="awa@example.org", name="Awa D.")
    VisitorRegistrationFactory(email="someone@example.org")
    from accounts import rgpd

    tables = rgpd.account_tables(user)
    [row] = tables["inscriptions_evenements_sans_compte"]
    assert row["name"] == "Awa D."


def test_the_privacy_page_states_how_long_visitors_data_is_kept(client):
    page = client.get(reverse("privacy")).text
    assert "Inscriptions aux événements sans compte" in page
    assert "un mois après l’événement" in page


def test_hostile_input_in_the_visitor_form_never_fails_nor_comes_back_unescaped(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory()
    url = reverse("ambassadors:event_register_visitor", args=[event.pk])
    for value in (
        "<script>fz()</script>",
        '"><img src=x onerror=fz()>',
        "x" * 100_000,
        "\x00\x01",
        "²",
        "\u202e\u200b",
        "a@b" + "c" * 300 + ".fr",
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"name": value, "email": value, "consent": value})
        assert response.status_code in (200, 400, 429)
        assert "<script>fz()" not in response.text and "<img src=x" not in response.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, visitor_form(name="<script>fz()</script>"))
    assert response.status_code == 200
    client.force_login(event.organiser)
    page = client.get(reverse("ambassadors:event_attendance", args=[event.pk])).text
    assert "<script>fz()" not in page


def test_a_refused_link_is_logged_without_its_token(client, caplog):
    registration = VisitorRegistrationFactory(pending=True)
    token = visitor_token(registration)
    registration.expires_at = timezone.now() - timedelta(minutes=1)
    registration.save()
    with caplog.at_level("WARNING", logger="django.request"):
        assert client.get(reverse("ambassadors:visitor_confirm", args=[token])).status_code == 410
        assert client.get(reverse("ambassadors:visitor_registration", args=["x" * 40])).status_code
    messages = [record.getMessage() for record in caplog.records]
    assert any("/communaute/evenements/inscription/…/confirmer/" in m for m in messages), messages
    assert not any(token in m or "x" * 40 in m for m in messages)
