"""Load the community's demo content from fixtures/ambassadors.yaml. Idempotent; DEBUG only.

People are existing demo accounts (manage.py demo_data): entries for unknown addresses are skipped.
"""

from datetime import datetime, time, timedelta
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from ambassadors.models import Ambassador, Event, Registration, Resource, SupportRequest

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "ambassadors.yaml"


class Command(BaseCommand):
    help = "Charge les ambassadeur·rices, événements et fiches de démonstration (jamais en production)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Le contenu de démonstration n'est chargé qu'avec DEBUG=1.")
        data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
        users = {u.email: u for u in User.objects.all()}
        organisations = {o.name: o for o in Organisation.objects.all()}
        with transaction.atomic():
            ambassadors = self._ambassadors(data["ambassadors"], users, organisations)
            events = self._events(data["events"], users)
            self._registrations(data["registrations"], events, users)
            self._resources(data["resources"], users)
            self._requests(data["support_requests"], users, organisations, ambassadors)
        self.stdout.write(
            self.style.SUCCESS(
                f"Communauté : {len(ambassadors)} ambassadeur·rices, {len(events)} événements."
            )
        )

    def _ambassadors(self, entries, users, organisations):
        ambassadors = {}
        for entry in entries:
            user = users.get(entry["email"])
            if user is None:
                continue
            ambassador = Ambassador.objects.filter(user=user).first()
            if ambassador is None:
                ambassador = Ambassador(
                    user=user,
                    organisation=organisations.get(entry["organisation"]),
                    public_name=entry["public_name"],
                    motivation=entry["motivation"],
                    bio=entry["bio"],
                    departements=entry["departements"],
                    expertise_dimensions=entry["expertise_dimensions"],
                    expertise_tools=entry["expertise_tools"],
                    formats=entry["formats"],
                    availability=entry["availability"],
                )
            if entry["status"] == "approved" and not ambassador.is_active:
                ambassador.approve(by=users.get("cress@example.org"))
            ambassador.save()
            ambassadors[entry["email"]] = ambassador
        return ambassadors

    def _events(self, entries, users):
        events = {}
        today = timezone.localdate()
        tz = timezone.get_current_timezone()
        for entry in entries:
            organiser = users.get(entry["organiser"])
            if organiser is None:
                continue
            hour, minute = (int(x) for x in entry["time"].split(":"))
            starts_at = datetime.combine(
                today + timedelta(days=entry["in_days"]), time(hour, minute), tzinfo=tz
            )
            event, _ = Event.objects.get_or_create(
                title=entry["title"],
                organiser=organiser,
                defaults={
                    "kind": entry["kind"],
                    "description": entry["description"],
                    "starts_at": starts_at,
                    "ends_at": starts_at + timedelta(minutes=entry["duration_minutes"]),
                    "location": entry.get("location", ""),
                    "online_url": entry.get("online_url", ""),
                    "departement": entry.get("departement", ""),
                    "capacity": entry["capacity"],
                    "audience": entry["audience"],
                    "dimensions": entry["dimensions"],
                },
            )
            events[entry["title"]] = event
        return events

    def _registrations(self, entries, events, users):
        for entry in entries:
            event, user = events.get(entry["event"]), users.get(entry["email"])
            if event is None or user is None:
                continue
            full = event.registrations.confirmed().count() >= event.capacity
            Registration.objects.get_or_create(
                event=event,
                user=user,
                defaults={
                    "status": "waitlisted" if full else "confirmed",
                    "confirmed_at": None if full else event.created_at,
                    "attended": entry.get("attended"),
                },
            )

    def _resources(self, entries, users):
        for entry in entries:
            Resource.objects.get_or_create(
                title=entry["title"],
                defaults={
                    "author": users.get(entry["author"]),
                    "summary": entry["summary"],
                    "body": entry["body"],
                    "dimensions": entry["dimensions"],
                    "tools": entry["tools"],
                    "status": Resource.Status.PUBLISHED,
                    "published_at": timezone.now(),
                },
            )

    def _requests(self, entries, users, organisations, ambassadors):
        for entry in entries:
            organisation = organisations.get(entry["organisation"])
            ambassador = ambassadors.get(entry["ambassador"])
            if organisation is None or ambassador is None:
                continue
            SupportRequest.objects.get_or_create(
                organisation=organisation,
                ambassador=ambassador,
                defaults={
                    "created_by": users.get(entry["created_by"]),
                    "topics": entry["topics"],
                    "tools": entry["tools"],
                    "message": entry["message"],
                    "status": SupportRequest.Status.SENT,
                    "sent_at": timezone.now() - timedelta(days=1),
                },
            )
