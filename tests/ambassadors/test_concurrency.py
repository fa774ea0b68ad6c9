"""Simultaneous registrations on PostgreSQL: the event row lock means capacity is never exceeded.

SQLite serialises writers by itself (one writer at a time), so these run on PostgreSQL only.
"""

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from ambassadors.models import Registration
from ambassadors.services import events
from tests.ambassadors.factories import EventFactory
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="PostgreSQL only: row locks and concurrent transactions",
    ),
    pytest.mark.django_db(transaction=True),
]


def run_together(functions):
    """Start every function at the same instant, each in its own thread and connection."""
    barrier = threading.Barrier(len(functions))
    errors = []

    def run(function):
        try:
            barrier.wait(timeout=10)
            function()
        except Exception as exc:  # reported below, with the others
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


def counts(event):
    return {
        status: Registration.objects.filter(event=event, status=status).count()
        for status in ("confirmed", "waitlisted", "cancelled")
    }


def test_simultaneous_http_registrations_never_overbook():
    event = EventFactory(capacity=5)
    users = UserFactory.create_batch(20)
    url = reverse("ambassadors:event_register", args=[event.pk])
    statuses = []

    def post_as(user):
        def post():
            client = Client()
            client.force_login(user)
            statuses.append(client.post(url).status_code)

        return post

    run_together([post_as(user) for user in users])
    assert statuses == [302] * 20
    assert counts(event) == {"confirmed": 5, "waitlisted": 15, "cancelled": 0}


def test_simultaneous_cancellations_and_registrations_keep_the_count_right():
    event = EventFactory(capacity=3)
    holders = UserFactory.create_batch(3)
    waiting = UserFactory.create_batch(4)
    newcomers = UserFactory.create_batch(4)
    for user in holders + waiting:
        events.register(event_id=event.pk, user=user)

    def cancel(user):
        return lambda: events.cancel_registration(event_id=event.pk, user=user)

    def join(user):
        return lambda: events.register(event_id=event.pk, user=user)

    run_together([cancel(u) for u in holders] + [join(u) for u in newcomers])
    assert counts(event) == {"confirmed": 3, "waitlisted": 5, "cancelled": 3}
    # The places went to the people who had been waiting, in their order.
    confirmed = set(
        Registration.objects.filter(event=event, status="confirmed").values_list("user", flat=True)
    )
    assert confirmed == {u.pk for u in waiting[:3]}
