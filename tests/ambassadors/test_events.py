"""Events: registration and waiting list, organiser's tools, lists, iCal, reminders."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from ambassadors.models import Event, Registration
from ambassadors.services import events
from tests.ambassadors.factories import AmbassadorFactory, EventFactory, RegistrationFactory
from tests.factories import UserFactory
from tests.pages import readable

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def register(client, event, user):
    client.force_login(user)
    return client.post(reverse("ambassadors:event_register", args=[event.pk]), follow=True)


def statuses(event):
    return dict(Registration.objects.filter(event=event).values_list("user__email", "status"))


# --- Registration and waiting list ----------------------------------------------------------------


def test_registering_confirms_a_place_and_sends_an_e_mail(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=2)
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, event, user)
    assert "Vous êtes inscrit·e" in response.text
    assert statuses(event) == {user.email: "confirmed"}
    assert mail.outbox[-1].to == [user.email]
    assert event.title in mail.outbox[-1].subject


def test_registering_twice_is_refused_with_a_message(client):
    event = EventFactory()
    user = UserFactory()
    register(client, event, user)
    response = register(client, event, user)
    assert "déjà inscrit·e" in response.text
    assert Registration.objects.filter(event=event).count() == 1


def test_a_full_event_puts_people_on_the_waiting_list_and_says_so(client):
    event = EventFactory(capacity=1)
    first, second = UserFactory(), UserFactory()
    register(client, event, first)
    response = register(client, event, second)
    assert "est complet : vous êtes sur la liste d" in readable(response)
    assert "position 1" in response.text
    assert statuses(event) == {first.email: "confirmed", second.email: "waitlisted"}
    again = register(client, event, second)
    assert "déjà sur la liste d" in again.text


def test_registering_to_a_past_event_is_refused(client):
    event = EventFactory(past=True)
    response = register(client, event, UserFactory())
    assert "déjà eu lieu" in response.text
    assert not Registration.objects.exists()


def test_registering_to_a_cancelled_event_is_refused(client):
    event = EventFactory(cancelled=True)
    response = register(client, event, UserFactory())
    assert "annulé" in response.text
    assert not Registration.objects.exists()


def test_cancelling_promotes_the_first_on_the_waiting_list_and_tells_them(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    holder, first, second = UserFactory(), UserFactory(), UserFactory()
    for user in (holder, first, second):
        register(client, event, user)
    client.force_login(holder)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ambassadors:event_unregister", args=[event.pk]))
    assert statuses(event) == {
        holder.email: "cancelled",
        first.email: "confirmed",
        second.email: "waitlisted",
    }
    assert mail.outbox[-1].to == [first.email]
    assert "place s'est libérée" in mail.outbox[-1].subject


def test_leaving_the_waiting_list_promotes_nobody():
    event = EventFactory(capacity=1)
    holder, waiting = UserFactory(), UserFactory()
    events.register(event_id=event.pk, user=holder)
    events.register(event_id=event.pk, user=waiting)
    assert events.cancel_registration(event_id=event.pk, user=waiting) == []
    assert statuses(event) == {holder.email: "confirmed", waiting.email: "cancelled"}


def test_registering_again_after_cancelling_queues_at_the_back():
    event = EventFactory(capacity=1)
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    for user in (a, b, c):
        events.register(event_id=event.pk, user=user)
    events.cancel_registration(event_id=event.pk, user=b)  # b leaves the queue
    events.register(event_id=event.pk, user=b)  # ...and comes back behind c
    events.cancel_registration(event_id=event.pk, user=a)
    assert statuses(event) == {a.email: "cancelled", b.email: "waitlisted", c.email: "confirmed"}


def test_unregistering_without_a_registration_is_refused(client):
    event = EventFactory()
    client.force_login(UserFactory())
    response = client.post(reverse("ambassadors:event_unregister", args=[event.pk]), follow=True)
    assert "pas inscrit·e" in response.text


# --- Organising -----------------------------------------------------------------------------------

FORM = {
    "title": "Atelier Nextcloud",
    "kind": "atelier",
    "description": "Découvrir **Nextcloud**.",
    "location": "Maison de l'ESS, Bordeaux",
    "online_url": "",
    "departement": "33",
    "capacity": "12",
    "audience": "public",
    "dimensions": ["collaboration"],
}


def _when(days=10, hour=14, hours=2):
    start = (timezone.localtime() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )
    end = start + timedelta(hours=hours)
    return {
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": end.strftime("%Y-%m-%dT%H:%M"),
    }


def test_a_validated_ambassador_creates_an_event_in_paris_time(client):
    ambassador = AmbassadorFactory()
    client.force_login(ambassador.user)
    response = client.post(reverse("ambassadors:event_create"), {**FORM, **_when(hour=14)})
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.organiser == ambassador.user
    assert event.starts_at.astimezone(PARIS).hour == 14


def test_an_event_whose_end_precedes_its_start_is_refused(client):
    client.force_login(AmbassadorFactory().user)
    when = _when()
    response = client.post(
        reverse("ambassadors:event_create"),
        {**FORM, "starts_at": when["ends_at"], "ends_at": when["starts_at"]},
    )
    assert response.status_code == 400
    assert "La fin doit être postérieure au début." in response.text
    assert "Atelier Nextcloud" in response.text  # kept
    assert not Event.objects.exists()


def test_the_database_also_refuses_an_end_before_the_start():
    with pytest.raises(IntegrityError):
        EventFactory(ends_at=timezone.now())


def test_an_event_in_the_past_or_without_place_nor_link_is_refused(client):
    client.force_login(AmbassadorFactory().user)
    response = client.post(reverse("ambassadors:event_create"), {**FORM, **_when(days=-3)})
    assert "déjà passée" in response.text
    response = client.post(
        reverse("ambassadors:event_create"), {**FORM, **_when(), "location": "", "online_url": ""}
    )
    assert "Indiquez un lieu, un lien de connexion" in response.text
    response = client.post(
        reverse("ambassadors:event_create"), {**FORM, **_when(), "capacity": "0"}
    )
    assert response.status_code == 400
    assert not Event.objects.exists()


def test_an_expired_ambassador_cannot_organise(client):
    client.force_login(AmbassadorFactory(expired=True).user)
    assert client.get(reverse("ambassadors:event_create")).status_code == 403


def test_capacity_cannot_drop_below_registrations_and_raising_it_promotes(
    client, django_capture_on_commit_callbacks
):
    organiser = AmbassadorFactory().user
    event = EventFactory(organiser=organiser, capacity=1)
    a, b = UserFactory(), UserFactory()
    events.register(event_id=event.pk, user=a)
    events.register(event_id=event.pk, user=b)
    RegistrationFactory.create_batch(0)
    client.force_login(organiser)
    data = {
        **FORM,
        "title": event.title,
        "starts_at": timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(event.ends_at).strftime("%Y-%m-%dT%H:%M"),
    }
    response = client.post(
        reverse("ambassadors:event_edit", args=[event.pk]), {**data, "capacity": "0"}
    )
    assert response.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("ambassadors:event_edit", args=[event.pk]), {**data, "capacity": "2"}
        )
    assert response.status_code == 302
    assert statuses(event) == {a.email: "confirmed", b.email: "confirmed"}
    assert mail.outbox[-1].to == [b.email]


def test_the_organiser_cancels_and_registrants_are_told_one_by_one(
    client, django_capture_on_commit_callbacks
):
    organiser = AmbassadorFactory().user
    event = EventFactory(organiser=organiser)
    registrations = RegistrationFactory.create_batch(3, event=event)
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ambassadors:event_cancel", args=[event.pk]))
    event.refresh_from_db()
    assert event.is_cancelled
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.user.email for r in registrations)


def test_another_ambassador_cannot_touch_someone_elses_event(client):
    event = EventFactory()
    client.force_login(AmbassadorFactory().user)
    assert client.get(reverse("ambassadors:event_edit", args=[event.pk])).status_code == 404
    assert client.post(reverse("ambassadors:event_cancel", args=[event.pk])).status_code == 404
    assert client.get(reverse("ambassadors:event_attendance", args=[event.pk])).status_code == 404


def test_the_organiser_marks_attendance_after_the_event(client):
    organiser = AmbassadorFactory().user
    event = EventFactory(organiser=organiser, past=True)
    came, missed = RegistrationFactory.create_batch(2, event=event)
    client.force_login(organiser)
    page = client.get(reverse("ambassadors:event_attendance", args=[event.pk]))
    assert came.user.email in page.text
    client.post(reverse("ambassadors:event_attendance", args=[event.pk]), {"present": [came.pk]})
    came.refresh_from_db()
    missed.refresh_from_db()
    assert (came.attended, missed.attended) == (True, False)


def test_attendance_cannot_be_marked_before_the_event(client):
    organiser = AmbassadorFactory().user
    event = EventFactory(organiser=organiser)
    registration = RegistrationFactory(event=event)
    client.force_login(organiser)
    client.post(
        reverse("ambassadors:event_attendance", args=[event.pk]), {"present": [registration.pk]}
    )
    registration.refresh_from_db()
    assert registration.attended is None


# --- Lists and visibility -------------------------------------------------------------------------


def test_members_only_events_are_hidden_from_visitors(client):
    event = EventFactory(members_only=True, title="Réservé")
    assert client.get(reverse("ambassadors:event_detail", args=[event.pk])).status_code == 404
    assert "Réservé" not in client.get(reverse("ambassadors:events")).text
    client.force_login(UserFactory())
    assert client.get(reverse("ambassadors:event_detail", args=[event.pk])).status_code == 200
    assert "Réservé" in client.get(reverse("ambassadors:events")).text


def test_upcoming_and_past_lists(client):
    EventFactory(title="Bientôt")
    EventFactory(title="Hier", past=True)
    upcoming = client.get(reverse("ambassadors:events")).text
    past = client.get(reverse("ambassadors:events"), {"periode": "passes"}).text
    assert "Bientôt" in upcoming and "Hier" not in upcoming
    assert "Hier" in past and "Bientôt" not in past


def test_events_filter_by_kind_and_online(client):
    EventFactory(title="Webi-42", kind="webinaire", online=True)
    EventFactory(title="Atel-42", kind="atelier")
    assert "Atel-42" not in client.get(reverse("ambassadors:events"), {"kind": "webinaire"}).text
    online = client.get(reverse("ambassadors:events"), {"en_ligne": "on"}).text
    assert "Webi-42" in online and "Atel-42" not in online


def test_the_online_link_is_given_only_to_people_with_a_place(client):
    event = EventFactory(online=True)
    url = reverse("ambassadors:event_detail", args=[event.pk])
    assert event.online_url not in client.get(url).text
    user = UserFactory()
    register(client, event, user)
    assert event.online_url in client.get(url).text


@pytest.mark.parametrize("count", [1, 50])
def test_events_list_queries_do_not_grow(client, count, django_assert_num_queries):
    for event in EventFactory.create_batch(count):
        RegistrationFactory.create_batch(2, event=event)
    with django_assert_num_queries(2):
        assert client.get(reverse("ambassadors:events")).status_code == 200
    client.force_login(UserFactory())
    client.get(reverse("ambassadors:events"))
    # + session, user, header memberships, own ambassador profile, own registrations
    with django_assert_num_queries(7):
        client.get(reverse("ambassadors:events"))


def test_htmx_gets_the_events_fragment(client):
    EventFactory(title="Atelier fragment")
    fragment = client.get(reverse("ambassadors:events"), headers={"HX-Request": "true"}).text
    assert fragment.strip().startswith('<section id="resultats"')
    assert fragment.strip() in client.get(reverse("ambassadors:events")).text


# --- iCal -----------------------------------------------------------------------------------------


def test_the_ics_file_parses_and_carries_paris_time(client):
    start = datetime(2031, 3, 30, 14, 0, tzinfo=PARIS)  # the day after the switch to summer time
    event = EventFactory(title="Atelier RGPD", starts_at=start, ends_at=start + timedelta(hours=2))
    response = client.get(reverse("ambassadors:event_ics", args=[event.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    [vevent] = calendar.walk("VEVENT")
    assert "Atelier RGPD" in str(vevent["SUMMARY"])
    assert vevent.decoded("DTSTART") == start
    assert str(vevent.decoded("DTSTART").tzinfo) == "Europe/Paris"
    assert vevent.decoded("DTEND") == start + timedelta(hours=2)
    assert str(vevent["UID"]).startswith(f"evenement-{event.pk}@")
    assert calendar.walk("VTIMEZONE"), "the time zone is described for calendar apps"


def test_the_feed_lists_public_events_only(client):
    public = EventFactory(title="Public")
    EventFactory(title="Membres", members_only=True)
    cancelled = EventFactory(title="Annulé", cancelled=True)
    calendar = Calendar.from_ical(client.get(reverse("ambassadors:events_feed")).content)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert {uid.split("@")[0] for uid in events} == {
        f"evenement-{public.pk}",
        f"evenement-{cancelled.pk}",
    }
    assert str(events[next(u for u in events if f"-{cancelled.pk}@" in u)]["STATUS"]) == "CANCELLED"


# --- Reminders ------------------------------------------------------------------------------------


def test_reminders_go_the_day_before_to_confirmed_people_only_once(
    django_capture_on_commit_callbacks,
):
    with time_machine.travel(datetime(2031, 5, 12, 9, 0, tzinfo=PARIS), tick=False):
        tomorrow = datetime(2031, 5, 13, 23, 30, tzinfo=PARIS)  # late evening still counts
        event = EventFactory(starts_at=tomorrow, ends_at=tomorrow + timedelta(hours=1))
        confirmed = RegistrationFactory(event=event)
        RegistrationFactory(event=event, status="waitlisted", confirmed_at=None)
        RegistrationFactory(event=event, status="cancelled")
        later = EventFactory(starts_at=datetime(2031, 5, 14, 0, 30, tzinfo=PARIS))
        RegistrationFactory(event=later)
        cancelled_event = EventFactory(starts_at=tomorrow, cancelled=True)
        RegistrationFactory(event=cancelled_event)
        with django_capture_on_commit_callbacks(execute=True):
            assert events.send_event_reminders() == 1
            assert events.send_event_reminders() == 0
    assert [m.to for m in mail.outbox] == [[confirmed.user.email]]
    assert "Rappel" in mail.outbox[0].subject
    assert "13:30" not in mail.outbox[0].body and "23:30" in mail.outbox[0].body


def test_the_reminder_task_runs_the_service(django_capture_on_commit_callbacks):
    from ambassadors.tasks import send_event_reminders

    start = timezone.localtime() + timedelta(days=1)
    RegistrationFactory(event=EventFactory(starts_at=start, ends_at=start + timedelta(hours=1)))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_event_reminders.delay().get() == 1
    assert len(mail.outbox) == 1


def test_the_beat_schedule_runs_the_community_tasks():
    from config.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {
        "ambassadors.send_event_reminders",
        "ambassadors.send_expiry_reminders",
        "ambassadors.escalate_unanswered_requests",
    } <= tasks


# --- The waiting list's rules, called directly: messages, dates, who is told ----------------------


def _refused(call) -> str:
    with pytest.raises(events.CommunityError) as refused:
        call()
    return str(refused.value)


def _visitor(event, email="visiteuse@example.org"):
    events.register_visitor(event_id=event.pk, name="Awa", email=email)
    return Registration.objects.get(event=event, email=email)


def test_each_refusal_says_why_in_full():
    event = EventFactory(capacity=2)
    user = UserFactory()
    assert _refused(lambda: events.cancel_registration(event_id=event.pk, user=user)) == (
        "Vous n'êtes pas inscrit·e à cet événement."
    )
    visitor = _visitor(event)
    events.cancel_visitor(registration_id=visitor.pk)
    assert _refused(lambda: events.cancel_visitor(registration_id=visitor.pk)) == (
        "Cette inscription est déjà annulée."
    )
    assert _refused(lambda: events.confirm_visitor(registration_id=visitor.pk)) == (
        "Cette inscription a été annulée. Pour venir, inscrivez-vous à nouveau."
    )
    members = EventFactory(members_only=True)
    assert _refused(
        lambda: events.register_visitor(event_id=members.pk, name="Awa", email="a@example.org")
    ) == ("Cet événement est réservé aux personnes qui ont un compte.")
    events.register(event_id=event.pk, user=user)
    with time_machine.travel(event.starts_at + timedelta(minutes=1)):
        assert _refused(lambda: events.cancel_registration(event_id=event.pk, user=user)) == (
            "Cet événement a déjà eu lieu."
        )
    events.cancel_event(event=event)
    assert _refused(lambda: events.cancel_event(event=event)) == "Cet événement est déjà annulé."


def test_a_visitor_confirming_at_the_very_end_of_the_delay_is_too_late():
    event = EventFactory()
    visitor = _visitor(event)
    with time_machine.travel(visitor.expires_at, tick=False):
        assert _refused(lambda: events.confirm_visitor(registration_id=visitor.pk)) == (
            "Le délai pour confirmer est passé : rien n'a été réservé. Inscrivez-vous à nouveau "
            "depuis la page de l'événement."
        )


def test_a_freed_place_is_dated_and_the_person_promoted_is_told(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1, title="Atelier Nextcloud")
    first, second = UserFactory(), UserFactory()
    events.register(event_id=event.pk, user=first)
    events.register(event_id=event.pk, user=second)
    moment = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
        promoted = events.cancel_registration(event_id=event.pk, user=first)
    assert [r.user for r in promoted] == [second]
    cancelled = Registration.objects.get(event=event, user=first)
    place = Registration.objects.get(event=event, user=second)
    assert (cancelled.status, cancelled.cancelled_at) == (Registration.Status.CANCELLED, moment)
    assert (place.status, place.confirmed_at) == (Registration.Status.CONFIRMED, moment)
    assert [m.to for m in mail.outbox] == [[second.email]]
    assert readable(mail.outbox[0].subject) == "Une place s'est libérée : Atelier Nextcloud"


def test_a_cancelled_event_promotes_nobody_and_tells_everyone_registered(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=1, title="Atelier Nextcloud")
    first, second = UserFactory(), UserFactory()
    events.register(event_id=event.pk, user=first)
    events.register(event_id=event.pk, user=second)
    with django_capture_on_commit_callbacks(execute=True):
        assert events.cancel_event(event=event) == 2
    assert {readable(m.subject) for m in mail.outbox} == {"Événement annulé : Atelier Nextcloud"}
    assert events.cancel_registration(event_id=event.pk, user=first) == []
    assert statuses(event) == {first.email: "cancelled", second.email: "waitlisted"}


def test_cancelling_one_event_leaves_ones_other_registrations():
    user = UserFactory()
    kept, left = EventFactory(), EventFactory()
    events.register(event_id=kept.pk, user=user)
    events.register(event_id=left.pk, user=user)
    events.cancel_registration(event_id=left.pk, user=user)
    assert statuses(kept) == {user.email: "confirmed"}
    assert statuses(left) == {user.email: "cancelled"}


def test_an_address_registered_elsewhere_may_ask_for_this_event(
    django_capture_on_commit_callbacks,
):
    elsewhere, here = EventFactory(), EventFactory()
    member = UserFactory(email="membre@example.org")
    events.register(event_id=elsewhere.pk, user=member)
    visitor = _visitor(elsewhere)
    events.confirm_visitor(registration_id=visitor.pk)
    for email in (visitor.email, member.email):
        assert _visitor(here, email).status == Registration.Status.PENDING


def test_an_address_already_registered_is_told_so_and_where_it_stands(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=1, title="Atelier Nextcloud")
    events.register(event_id=event.pk, user=UserFactory())
    visitor = _visitor(event)
    events.confirm_visitor(registration_id=visitor.pk)  # the waiting list: the event is full
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        events.register_visitor(event_id=event.pk, name="Awa", email=visitor.email)
    (told,) = mail.outbox
    assert readable(told.subject) == "Vous êtes déjà inscrit·e : Atelier Nextcloud"
    assert "Rien n'a changé : vous êtes sur la liste d'attente." in readable(told.body)


def test_registering_is_dated_told_and_refused_in_full(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1, title="Atelier Nextcloud")
    first, second = UserFactory(), UserFactory()
    moment = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
        events.register(event_id=event.pk, user=first)
        events.register(event_id=event.pk, user=second)
        events.register_visitor(event_id=event.pk, name="Awa", email="awa@example.org")
    place, waiting = (Registration.objects.get(event=event, user=u) for u in (first, second))
    assert (place.confirmed_at, waiting.confirmed_at) == (moment, None)
    told = [(m.to, readable(m.subject), readable(m.body)) for m in mail.outbox]
    assert [(to, subject) for to, subject, _body in told] == [
        ([first.email], "Inscription confirmée : Atelier Nextcloud"),
        ([second.email], "Liste d'attente : Atelier Nextcloud"),
        (["awa@example.org"], "Confirmez votre inscription : Atelier Nextcloud"),
    ]
    assert "Votre inscription est confirmée" in told[0][2]
    assert "vous êtes sur la liste d'attente" in told[1][2]
    assert _refused(lambda: events.register(event_id=event.pk, user=first)) == (
        "Vous êtes déjà inscrit·e à cet événement."
    )
    assert _refused(lambda: events.register(event_id=event.pk, user=second)) == (
        "Vous êtes déjà sur la liste d'attente de cet événement."
    )
    with time_machine.travel(event.starts_at, tick=False):  # from the very start
        assert _refused(lambda: events.register(event_id=event.pk, user=UserFactory())) == (
            "Cet événement a déjà eu lieu : les inscriptions sont fermées."
        )
    events.cancel_event(event=event)
    assert _refused(lambda: events.register(event_id=event.pk, user=UserFactory())) == (
        "Cet événement est annulé : les inscriptions sont fermées."
    )


def test_an_account_holders_address_asking_as_a_visitor_is_told_it_is_registered(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(title="Atelier Nextcloud")
    member = UserFactory()
    events.register(event_id=event.pk, user=member)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        events.register_visitor(event_id=event.pk, name="Awa", email=member.email.upper())
    (told,) = mail.outbox
    assert (told.to, readable(told.subject)) == (
        [member.email],
        "Vous êtes déjà inscrit·e : Atelier Nextcloud",
    )
    assert "celle d'un compte déjà inscrit" in readable(told.body)
    assert Registration.objects.filter(event=event).count() == 1


def test_a_cancelled_visitor_request_is_kept_when_unconfirmed_ones_are_purged():
    event = EventFactory()
    cancelled = _visitor(event, "annule@example.org")
    events.cancel_visitor(registration_id=cancelled.pk)
    unconfirmed = _visitor(event, "oubli@example.org")
    with time_machine.travel(unconfirmed.expires_at + timedelta(minutes=1)):
        assert events.purge_visitor_registrations()["expired"] == 1
    assert list(Registration.objects.filter(event=event).values_list("email", "status")) == [
        ("annule@example.org", "cancelled")
    ]
