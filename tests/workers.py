"""A real Celery worker, started by a test, consuming its own queue through Redis and reaching
the test database (CI sets REDIS_URL and a PostgreSQL DATABASE_URL)."""

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

needs_worker = [
    pytest.mark.skipif(not settings.REDIS_URL, reason="REDIS_URL not set: tasks run in-process"),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="the worker must reach the test database",
    ),
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]


def test_database_url() -> str:
    db = connection.settings_dict
    password = quote(db["PASSWORD"] or "", safe="")
    return f"postgres://{quote(db['USER'], safe='')}:{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


@contextmanager
def real_worker(log_dir: Path, name: str, extra_env: dict | None = None):
    """Yield the name of a queue that only this worker consumes; print its log on failure."""
    queue = f"{name}-{uuid.uuid4().hex}"  # another run's worker on the same Redis must not take it
    log_path = log_dir / "worker.log"
    log = log_path.open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", f"--hostname={name}@%h", f"--queues={queue}"],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1", "DATABASE_URL": test_database_url(), **(extra_env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield queue
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
