"""The weekly digest of stale toolbox entries (not reviewed for 12 months), with time travel."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from tests.factories import UserFactory
from tests.toolbox.factories import ToolFactory
from toolbox.models import Tool
from toolbox.services import curation
from toolbox.tasks import send_stale_digest

pytestmark = pytest.mark.django_db
PARIS = datetime.timezone(datetime.timedelta(hours=1))


def at(day: str):
    """Travel to 09:00 (Paris, winter) on `day`, time frozen."""
    moment = datetime.datetime.fromisoformat(day).replace(hour=9, tzinfo=PARIS)
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def admins(db):
    UserFactory(email="b-cress@example.org", cress_admin=True)
    UserFactory(email="a-cress@example.org", cress_admin=True)
    UserFactory(email="partie@example.org", cress_admin=True, is_active=False)
    UserFactory(email="membre@example.org")


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the task as beat would, e-mails sent at commit; returns how many entries it announced."""

    def run_task() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return send_stale_digest.delay().get()

    return run_task


def digest_names(message) -> list[str]:
    return [line[2:].split(" (")[0] for line in message.body.splitlines() if line.startswith("- ")]


def test_an_entry_is_announced_once_when_it_becomes_stale(admins, run):
    with at("2026-01-10"):
        ToolFactory(name="Nextcloud")
    with at("2027-01-05"):  # 360 days: not stale yet
        assert run() == 0
    assert mail.outbox == []
    with at("2027-01-12"):  # 367 days
        assert run() == 1
        assert run() == 0  # the same day again: nothing twice
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["a-cress@example.org", "b-cress@example.org"]
    assert message.subject == "Boîte à outils : 1 fiche à relire"
    assert digest_names(message) == ["Nextcloud"]
    assert "relue le 10 janvier 2026" in message.body
    assert "/outils/nextcloud/" in message.body and "/outils/moderation/" in message.body
    for day in ["2027-01-19", "2027-03-01", "2027-12-31"]:  # still stale, already announced
        with at(day):
            assert run() == 0
    assert len(mail.outbox) == 1


def test_each_digest_lists_only_the_entries_that_became_stale_since_the_last(admins, run):
    with at("2026-01-10"):
        ToolFactory(name="Ancienne")
    with at("2026-02-20"):
        ToolFactory(name="Récente")
    with at("2027-01-18"):
        assert run() == 1
    with at("2027-02-22"):
        assert run() == 1
    assert [digest_names(m) for m in mail.outbox] == [["Ancienne"], ["Récente"]]


def test_a_new_review_starts_a_new_period(admins, run):
    cress = UserFactory(cress_admin=True, email="c-cress@example.org")
    with at("2026-01-10"):
        tool = ToolFactory(name="Nextcloud")
    with at("2027-01-18"):
        assert run() == 1
    with at("2027-02-01"):
        curation.mark_reviewed(Tool.objects.get(pk=tool.pk), moderator=cress)
        assert run() == 0
    with at("2028-01-31"):  # 364 days after the review
        assert run() == 0
    with at("2028-02-07"):
        assert run() == 1
    assert [digest_names(m) for m in mail.outbox] == [["Nextcloud"], ["Nextcloud"]]


def test_never_reviewed_entries_are_announced_once_and_archived_ones_never(admins, run):
    with at("2026-01-10"):
        ToolFactory(name="Jamais relue", last_reviewed=None, status="in_review")
        ToolFactory(name="Archivée", status="archived", stale=True)
        ToolFactory(name="Fraîche")
        assert run() == 1
        assert run() == 0
    with at("2027-06-01"):
        assert run() == 1
    assert [digest_names(m) for m in mail.outbox] == [["Jamais relue"], ["Fraîche"]]
    assert "jamais relue, en relecture" in mail.outbox[0].body


def test_without_a_cress_admin_nothing_is_claimed(db, run):
    with at("2026-01-10"):
        ToolFactory(name="Nextcloud", stale=True)
        assert run() == 0
    assert Tool.objects.get().stale_notified_at is None
    UserFactory(cress_admin=True)
    with at("2026-01-12"):
        assert run() == 1
    assert len(mail.outbox) == 1


def test_the_notice_is_not_a_version_of_the_entry(admins, run):
    with at("2026-01-10"):
        tool = ToolFactory(name="Nextcloud", stale=True)
        versions = tool.history.count()
        assert run() == 1
    tool.refresh_from_db()
    assert tool.history.count() == versions and tool.version == 1
    assert tool.stale_notified_at == timezone.now().replace(
        year=2026, month=1, day=10, hour=8, minute=0, second=0, microsecond=0,
        tzinfo=datetime.UTC,
    )  # fmt: skip


def test_the_beat_schedule_runs_the_digest_weekly():
    from config.celery import app

    entry = app.conf.beat_schedule["toolbox-stale-digest"]
    assert entry["task"] == "toolbox.send_stale_digest"
    assert entry["schedule"].day_of_week == {1}
    # The other apps' periodic tasks are still scheduled.
    assert "accounts.purge_login_attempts" in {e["task"] for e in app.conf.beat_schedule.values()}


def test_the_moderation_page_says_when_an_entry_was_announced(admins, run, client):
    with at("2026-01-10"):
        ToolFactory(name="Nextcloud", stale=True)
        run()
    client.force_login(UserFactory(cress_admin=True))
    body = client.get("/outils/moderation/").content.decode()
    assert "signalée par e-mail le 10 janvier 2026" in body
