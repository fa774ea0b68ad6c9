"""Reminders through a real Celery worker and Redis (CI sets REDIS_URL and DATABASE_URL)."""

from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from tests.ambassadors.factories import EventFactory, RegistrationFactory
from tests.workers import real_worker

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.skipif(not settings.REDIS_URL, reason="REDIS_URL not set: tasks run in-process")
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="the worker must reach the test database",
)
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_event_reminders_go_through_a_real_celery_worker(tmp_path):
    from ambassadors.tasks import send_event_reminders
    from config.celery import app

    assert app.conf.task_always_eager is False
    tomorrow_noon = datetime.combine(
        timezone.localdate() + timedelta(days=1), time(12), tzinfo=timezone.get_current_timezone()
    )
    registration = RegistrationFactory(
        event=EventFactory(starts_at=tomorrow_noon, ends_at=tomorrow_noon + timedelta(hours=2))
    )
    with real_worker(tmp_path, "ambassadors-test") as queue:
        result = send_event_reminders.apply_async(queue=queue)
        assert result.get(timeout=60) == 1
    registration.refresh_from_db()
    assert registration.reminder_sent_at is not None
