"""Nothing lost: invariants in the database, a killed worker's task done again, and a
backup restored row for row."""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction

from accounts import services
from accounts.models import Membership
from maturity.models import Answer, PdfExport, Roadmap
from tests.factories import MembershipFactory
from tests.maturity.factories import diagnostic_with_respondent, published_questionnaire

ROOT = Path(__file__).resolve().parent.parent.parent
on_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="PostgreSQL only",
)


def _constraint_names(model) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, model._meta.db_table))


@pytest.mark.django_db
def test_the_invariants_are_database_constraints():
    from ambassadors.models import Event, Registration

    assert "one_answer_per_question" in _constraint_names(Answer)
    assert "one_membership_per_user_and_organisation" in _constraint_names(Membership)
    assert "event_capacity_positive" in _constraint_names(Event)
    assert "one_registration_per_person_and_event" in _constraint_names(Registration)
    assert "one_pdf_per_roadmap_content" in _constraint_names(PdfExport)
    # The constraint really refuses a second answer to the same question.
    diagnostic, respondent = diagnostic_with_respondent()
    question = diagnostic.questionnaire.questions.first()
    Answer.objects.create(respondent=respondent, question=question)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(respondent=respondent, question=question)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_admins_removing_each_other_at_once_leave_one_admin():
    first = MembershipFactory(admin=True)
    second = MembershipFactory(organisation=first.organisation, admin=True)
    barrier = threading.Barrier(2)
    outcomes = []

    def remove(membership, by):
        try:
            barrier.wait()
            services.deactivate_membership(membership=membership, by=by)
            outcomes.append("removed")
        except services.MembershipError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=remove, args=(first, second.user)),
        threading.Thread(target=remove, args=(second, first.user)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "removed"]
    assert first.organisation.active_admins().count() == 1


def _database_url(name: str) -> str:
    db = connection.settings_dict
    password = quote(db["PASSWORD"] or "", safe="")
    return f"postgres://{quote(db['USER'], safe='')}:{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _pg_env() -> dict:
    db = connection.settings_dict
    return {
        **os.environ,
        "PGHOST": db["HOST"] or "127.0.0.1",
        "PGPORT": str(db["PORT"] or 5432),
        "PGUSER": db["USER"],
        "PGPASSWORD": db["PASSWORD"] or "",
    }


def _tables() -> list[str]:
    return sorted({m._meta.db_table for m in apps.get_models(include_auto_created=True)})


def _counts(database: str) -> dict[str, int]:
    """Rows per table of the platform, read over a connection of its own."""
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or "",
        dbname=database,
    ) as conn:
        return {
            table: conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table in _tables()
        }


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_pg_dump_restored_into_a_fresh_database_holds_every_row(tmp_path, cast, settings):
    from tests.maturity.authz_rows import world

    settings.DEBUG = True  # the demo data refuses to load otherwise
    call_command("demo_data", verbosity=0)
    settings.DEBUG = False
    world(cast)
    source = _counts(connection.settings_dict["NAME"])
    assert sum(source.values()) > 50
    dump = tmp_path / "boussole.dump"
    env = _pg_env()
    name = f"boussole_restore_{uuid.uuid4().hex[:8]}"
    subprocess.run(
        ["pg_dump", "-Fc", "--no-owner", "-f", str(dump), connection.settings_dict["NAME"]],
        env=env,
        check=True,
        timeout=120,
    )
    subprocess.run(["createdb", name], env=env, check=True, timeout=60)
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "-d", name, str(dump)],
            env=env,
            check=True,
            timeout=120,
        )
        restored = _counts(name)
    finally:
        subprocess.run(["dropdb", "--if-exists", name], env=env, check=False, timeout=60)
    assert restored == source
    print(f"restore round trip: {len(source)} tables, {sum(source.values())} rows")


@pytest.mark.skipif(not settings.REDIS_URL, reason="REDIS_URL not set: tasks run in-process")
@on_postgresql
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_pdf_task_whose_worker_is_killed_is_redelivered_and_completes(tmp_path):
    from config.celery import app
    from maturity import pdf
    from maturity.tasks import build_roadmap_pdf

    assert app.conf.task_always_eager is False
    published_questionnaire()
    call_command("load_roadmap_rules", verbosity=0)
    membership = MembershipFactory(admin=True)
    roadmap = Roadmap.objects.create(organisation=membership.organisation)
    export = PdfExport.objects.create(roadmap=roadmap, content_hash="f" * 64)
    queue = f"pdf-test-{uuid.uuid4().hex}"
    marker = tmp_path / "rendering-started"
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": _database_url(connection.settings_dict["NAME"]),
        "DATA_DIR": str(tmp_path),
        # Unacknowledged tasks of a dead worker come back after 3 s instead of an hour.
        "CELERY_VISIBILITY_TIMEOUT": "3",
    }
    args = ["--pool=solo", "--loglevel=WARNING", "--without-gossip", "--without-mingle"]
    log_path = tmp_path / "workers.log"
    log = log_path.open("w")
    first = subprocess.Popen(
        [sys.executable, "-m", "tests.security.slow_pdf_worker", str(marker), *args,
         f"--queues={queue}", "--hostname=pdf-killed@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    second = None
    try:
        build_roadmap_pdf.apply_async(args=[export.pk], queue=queue)
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert marker.exists(), log_path.read_text()
        export.refresh_from_db()
        assert export.status == PdfExport.Status.RUNNING
        first.send_signal(signal.SIGKILL)  # mid-task: no ack, no clean shutdown
        first.wait(timeout=10)
        second = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", *args,
             f"--queues={queue}", "--hostname=pdf-rescuer@%h"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            export.refresh_from_db()
            if export.status == PdfExport.Status.DONE:
                break
            time.sleep(0.5)
        assert export.status == PdfExport.Status.DONE, log_path.read_text()
    finally:
        for worker in (first, second):
            if worker and worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
        log.close()
    assert export.attempts == 2  # the killed attempt, then the redelivered one
    settings_root = tmp_path / "private" / "roadmaps" / export.file_name
    assert settings_root.read_bytes().startswith(b"%PDF")
    assert pdf.file_path  # the same storage layout as the platform's
