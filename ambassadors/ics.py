"""iCalendar (RFC 5545) for events: one file per event and a feed of public events."""

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, vText
from icalendar import Event as VEvent

from ambassadors.models import Event


def _one_line(text: str) -> str:
    # A title is one line; one saved before the form refused line breaks is joined up.
    return " ".join(text.split())


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Boussole numérique ESS//Communauté//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # icalendar does not know this property's type and would write it unescaped.
    calendar.add("x-wr-calname", vText(_one_line(name)))
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _vevent(event: Event, *, stamp) -> VEvent:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    tz = timezone.get_current_timezone()
    url = settings.SITE_URL.rstrip("/") + event.get_absolute_url()
    vevent = VEvent()
    vevent.add("uid", f"evenement-{event.pk}@{host}")
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", timezone.localtime(event.starts_at, tz))
    vevent.add("dtend", timezone.localtime(event.ends_at, tz))
    vevent.add("summary", f"{event.get_kind_display()} — {_one_line(event.title)}")
    vevent.add("description", f"{event.description}\n\n{url}")
    vevent.add("url", url)
    if event.location:
        vevent.add("location", event.location)
    elif event.online_url:
        vevent.add("location", event.online_url)
    vevent.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    vevent.add("categories", [str(event.get_kind_display())])
    return vevent


def events_calendar(events: Iterable[Event], *, name: str) -> bytes:
    stamp = timezone.now()
    calendar = _calendar(name)
    for event in events:
        calendar.add_component(_vevent(event, stamp=stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()
