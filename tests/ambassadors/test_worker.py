"""Reminders through a real Celery worker and Redis (CI sets REDIS_URL and DATABASE_URL)."""

import os
import subprocess
import sys
import uuid
from datetime import datetime, time, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from tests.ambassadors.factories import EventFactory, RegistrationFactory

ROOT = Path(__file__).resolve().parent.parent.parent


def _test_database_url() -> str:
    db = connection.settings_dict
    password = quote(db["PASSWORD"] or "", safe="")
    return f"postgres://{quote(db['USER'], safe='')}:{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


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
    # A queue of its own: another worker on the same Redis (another test run) must not take it.
    queue = f"ambassadors-test-{uuid.uuid4().hex}"
    log_path = tmp_path / "worker.log"
    log = log_path.open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--hostname=ambassadors-test@%h",
            f"--queues={queue}",
        ],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1", "DATABASE_URL": _test_database_url()},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        result = send_event_reminders.apply_async(queue=queue)
        try:
            assert result.get(timeout=60) == 1
        except Exception:
            log.flush()
            print(log_path.read_text())
            raise
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()
    registration.refresh_from_db()
    assert registration.reminder_sent_at is not None
