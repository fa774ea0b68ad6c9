"""Community figures for CRESS admins."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ambassadors.services.figures import community_figures
from ambassadors.services.support import respond
from tests.ambassadors.factories import (
    AmbassadorFactory,
    EventFactory,
    RegistrationFactory,
    SupportRequestFactory,
)

pytestmark = pytest.mark.django_db


def test_figures_count_ambassadors_events_attendance_and_answer_delays():
    first = AmbassadorFactory(departements=["33", "24"])
    second = AmbassadorFactory(departements=["33"])
    AmbassadorFactory(expired=True, departements=["87"])
    held = EventFactory(past=True)
    RegistrationFactory(event=held, attended=True)
    RegistrationFactory(event=held, attended=False)
    RegistrationFactory(event=held)  # not marked
    EventFactory(past=True, cancelled=True)
    EventFactory()  # upcoming
    now = timezone.now()
    fast = SupportRequestFactory(sent=True, ambassador=first, sent_at=now - timedelta(hours=10))
    slow = SupportRequestFactory(sent=True, ambassador=second, sent_at=now - timedelta(hours=30))
    SupportRequestFactory(sent=True, ambassador=first)  # waiting
    SupportRequestFactory()  # draft: not opened
    respond(support_request=fast, accept=True)
    respond(support_request=slow, accept=False)

    figures = community_figures()

    assert figures["ambassadors_total"] == 2
    assert figures["by_departement"][0] == ("33", "Gironde", 2)
    assert ("24", "Dordogne", 1) in figures["by_departement"]
    assert figures["events_held"] == 1
    assert figures["attendance"] == {"registered": 3, "marked": 2, "attended": 1}
    assert figures["attendance_rate"] == 50
    assert figures["requests"] == {"opened": 3, "answered": 2, "accepted": 1, "waiting": 1}
    assert figures["median_delay_hours"] == pytest.approx(20, abs=0.2)


def test_figures_with_an_empty_community():
    figures = community_figures()
    assert figures["ambassadors_total"] == 0
    assert figures["median_delay_hours"] is None
    assert figures["attendance_rate"] is None
