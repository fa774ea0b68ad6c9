"""Every background task starts from the same options: acknowledged when done, retried on a
database error with a growing wait, stopped by a time limit with a warning before it."""

import importlib
from unittest import mock

import pytest
from django.apps import apps
from django.db import OperationalError

from common.task_options import TASK_OPTIONS
from config.celery import app


def platform_tasks():
    for config in apps.get_app_configs():
        try:
            importlib.import_module(f"{config.name}.tasks")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.tasks":
                raise
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_every_task_is_acknowledged_late_retried_and_time_limited():
    tasks = platform_tasks()
    assert {
        "accounts.tasks.send_email",
        "maturity.tasks.build_roadmap_pdf",
        "toolbox.send_stale_digest",
        "ambassadors.send_event_reminders",
        "advisers.send_consent_reminders",
        "accounts.warn_inactive_accounts",
        "config.ping",
    } <= set(tasks)
    for name, task in tasks.items():
        assert task.acks_late, name
        assert task.autoretry_for and task.retry_backoff and task.max_retries, name
        assert 0 < task.soft_time_limit < task.time_limit, name


def test_periodic_tasks_use_the_shared_options_as_they_are():
    tasks = platform_tasks()
    for name in [
        "toolbox.send_stale_digest",
        "ambassadors.send_event_reminders",
        "ambassadors.purge_visitor_registrations",
        "advisers.send_consent_reminders",
        "advisers.purge_access_logs",
        "accounts.purge_login_attempts",
    ]:
        task = tasks[name]
        for option, value in TASK_OPTIONS.items():
            assert getattr(task, option) == value, (name, option)


@pytest.mark.django_db
def test_the_stale_digest_still_goes_out_after_the_database_was_briefly_locked():
    from toolbox import tasks

    attempts = []

    def locked_once():
        attempts.append("try")
        if len(attempts) == 1:
            raise OperationalError("database is locked")
        return 2

    with mock.patch("toolbox.services.curation.send_stale_digest", locked_once):
        result = tasks.send_stale_digest.apply(throw=False)
    assert result.successful() and result.get() == 2
    assert attempts == ["try", "try"]
