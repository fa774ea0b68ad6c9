"""Community benchmark: directory and events pages with 500 ambassadors, 1,000 events and
20,000 registrations, in a throwaway database.

    DEBUG=1 .venv/bin/python bench/ambassadors_bench.py                 # SQLite file in /tmp
    DATABASE_URL=postgres://…/boussole_bench_ambassadors DEBUG=1 .venv/bin/python bench/ambassadors_bench.py

Server time is measured in-process with Django's test client (no network, no test-environment
template instrumentation), after warm-up:
median and 95th percentile over RUNS requests, and the SQL queries of one request.
Target (issue): directory and events pages ≤ 30 ms median, queries constant in the data size.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{tempfile.gettempdir()}/bench-ambassadors.sqlite3"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from ambassadors.models import Ambassador, Dimension, Event, Format, Registration  # noqa: E402

AMBASSADORS = 500
EVENTS = 1000
REGISTRATIONS = 20_000
PARTICIPANTS = 2000
RUNS = 200
WARMUP = 20
DEPARTEMENTS = ["16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"]


def generate() -> None:
    if Ambassador.objects.count() >= AMBASSADORS:
        return
    rng = random.Random(42)
    dimensions = [c for c, _ in Dimension.choices]
    formats = [c for c, _ in Format.choices]
    today = timezone.localdate()
    now = timezone.now()
    print("Génération des données…", flush=True)
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(
                email=f"bench{n}@example.org",
                first_name="Prénom",
                last_name=f"Nom{n}",
                password="!",
            )
            for n in range(AMBASSADORS + PARTICIPANTS)
        )
        users = list(User.objects.filter(email__startswith="bench").order_by("pk"))
        organisers, participants = users[:AMBASSADORS], users[AMBASSADORS:]
        ambassadors = []
        for n, user in enumerate(organisers):
            ambassador = Ambassador(
                user=user,
                public_name=f"Ambassadeur·rice {n:03d}",
                motivation="…",
                departements=rng.sample(DEPARTEMENTS, rng.randint(1, 3)),
                expertise_dimensions=rng.sample(dimensions, rng.randint(1, 4)),
                expertise_tools=["nextcloud"],
                formats=rng.sample(formats, rng.randint(1, 3)),
                availability="Le mardi",
                status=Ambassador.Status.APPROVED if n % 10 else Ambassador.Status.PENDING,
                valid_until=today + timedelta(days=rng.randint(-30, 365)),
            )
            ambassador.save()  # computes the régions
            ambassadors.append(ambassador)
        events = []
        for n in range(EVENTS):
            start = now + timedelta(days=rng.randint(-300, 200), hours=rng.randint(0, 10))
            events.append(
                Event(
                    title=f"Atelier {n}",
                    kind=rng.choice(Event.Kind.values),
                    description="Un atelier **pratique**.",
                    starts_at=start,
                    ends_at=start + timedelta(hours=2),
                    location="Maison de l'ESS",
                    departement=rng.choice(DEPARTEMENTS),
                    capacity=rng.randint(10, 30),
                    audience="public" if n % 5 else "members",
                    organiser=rng.choice(organisers),
                )
            )
        events = Event.objects.bulk_create(events)
        registrations = []
        per_event = REGISTRATIONS // EVENTS
        for event in events:
            for rank, user in enumerate(rng.sample(participants, per_event)):
                confirmed = rank < event.capacity
                registrations.append(
                    Registration(
                        event=event,
                        user=user,
                        status="confirmed" if confirmed else "waitlisted",
                        queued_at=now,
                        confirmed_at=now if confirmed else None,
                    )
                )
        Registration.objects.bulk_create(registrations, batch_size=2000)
    print(
        f"{Ambassador.objects.count()} ambassadeur·rices, {Event.objects.count()} événements, "
        f"{Registration.objects.count()} inscriptions.",
        flush=True,
    )


def measure(label: str, client: Client, url: str) -> dict:
    for _ in range(WARMUP):
        client.get(url)
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (label, response.status_code)
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    result = {
        "page": label,
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "queries": len(ctx.captured_queries),
    }
    print(
        f"{label:<40} médiane {result['median_ms']:>6} ms   p95 {result['p95_ms']:>6} ms   "
        f"{result['queries']} requêtes SQL",
        flush=True,
    )
    return result


def main() -> None:
    # No setup_test_environment(): its template instrumentation (a signal per rendered template,
    # each widget option included) would be measured too. Only GET requests: no e-mail sent.
    call_command("migrate", verbosity=0)
    generate()
    print(f"Base : {connection.vendor}, {RUNS} mesures après {WARMUP} de chauffe", flush=True)
    anonymous = Client(HTTP_HOST="localhost")
    member = Client(HTTP_HOST="localhost")
    member.force_login(User.objects.filter(email__startswith="bench").last())
    directory = reverse("ambassadors:directory")
    events = reverse("ambassadors:events")
    measure("annuaire (visiteur)", anonymous, directory)
    measure(
        "annuaire filtré (33 + expertise)",
        anonymous,
        f"{directory}?departement=33&dimension=collaboration",
    )
    measure("annuaire page 5", anonymous, f"{directory}?page=5")
    measure("événements à venir (visiteur)", anonymous, events)
    measure("événements à venir (connecté·e)", member, events)
    measure("événements passés, page 10", anonymous, f"{events}?periode=passes&page=10")
    measure(
        "événements filtrés (type + département)",
        anonymous,
        f"{events}?kind=atelier&departement=33",
    )


if __name__ == "__main__":
    main()
