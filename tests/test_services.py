"""Real PostgreSQL and Redis: run by .ci/run with DATABASE_URL and REDIS_URL set."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent

needs_redis = pytest.mark.skipif(
    not settings.REDIS_URL, reason="REDIS_URL not set: embedded default (eager tasks)"
)


def test_without_redis_tasks_run_in_process():
    if settings.REDIS_URL:
        pytest.skip("REDIS_URL is set")
    from config.celery import ping

    assert ping.delay(4).get() == {"pong": 8}


@needs_redis
@pytest.mark.services
def test_a_real_celery_worker_consumes_a_task_through_redis_and_returns_its_result(tmp_path):
    from config.celery import app, ping

    assert app.conf.task_always_eager is False
    log = (tmp_path / "worker.log").open("w")
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
            "--hostname=ci-test@%h",
        ],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        result = ping.delay(21)
        try:
            assert result.get(timeout=60) == {"pong": 42}
        except Exception:
            log.flush()
            print((tmp_path / "worker.log").read_text())
            raise
        assert result.successful()
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()


@needs_redis
@pytest.mark.services
def test_the_configured_redis_cache_stores_and_expires_values():
    from django.core.cache.backends.redis import RedisCache

    cache = RedisCache(settings.REDIS_CACHE_URL, {"KEY_PREFIX": f"test-{time.time_ns()}"})
    cache.set("bonjour", {"valeur": 1}, timeout=30)
    assert cache.get("bonjour") == {"valeur": 1}
    cache.delete("bonjour")
    assert cache.get("bonjour") is None


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="PostgreSQL only",
)
@pytest.mark.django_db
def test_the_suite_really_runs_on_postgresql():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert "PostgreSQL" in cursor.fetchone()[0]
