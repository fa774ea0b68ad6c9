"""One way to send an e-mail from a service: after the commit, through the e-mail task."""

from types import SimpleNamespace

import pytest
from django.core import mail
from django.db import transaction

from accounts import services
from accounts.mail import send_after_commit
from accounts.models import Invitation, Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


class Abandoned(Exception):
    pass


def test_a_mail_leaves_only_once_the_transaction_commits(
    django_capture_on_commit_callbacks, settings
):
    org = SimpleNamespace(name="Les Amis du Quartier")
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        send_after_commit(
            to=["awa@example.org"],
            subject="Bonjour",
            template="accounts/email/join_request_decided.txt",
            context={"join_request": SimpleNamespace(organisation=org), "accepted": True},
        )
        assert mail.outbox == []  # not while the change may still be undone
    assert len(callbacks) == 1
    [message] = mail.outbox
    assert message.to == ["awa@example.org"] and message.subject == "Bonjour"
    # Rendered with the site's name and address as every e-mail is.
    assert "Les Amis du Quartier" in message.body
    assert settings.SITE_NAME in message.body and settings.SITE_URL in message.body


def test_no_mail_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    admin = MembershipFactory(role=Membership.Role.ADMIN)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Abandoned),
        transaction.atomic(),
    ):
        services.invite(
            organisation=admin.organisation,
            email="ines@example.org",
            role=Membership.Role.MEMBER,
            invited_by=admin.user,
        )
        raise Abandoned
    assert callbacks == [] and mail.outbox == []
    assert not Invitation.objects.exists()


def test_a_committed_invitation_is_mailed_with_the_site_s_name_and_address(
    django_capture_on_commit_callbacks, settings
):
    admin = MembershipFactory(role=Membership.Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        services.invite(
            organisation=admin.organisation,
            email="ines@example.org",
            role=Membership.Role.MEMBER,
            invited_by=admin.user,
        )
    [message] = mail.outbox
    assert message.to == ["ines@example.org"]
    assert admin.organisation.name in message.subject
    assert settings.SITE_URL in message.body


def test_a_body_is_sent_as_it_is_and_empty_addresses_are_left_out(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        send_after_commit(to=["", "lea@example.org"], subject="Sujet", body="Texte exact.\n")
    [message] = mail.outbox
    assert message.to == ["lea@example.org"] and message.body == "Texte exact.\n"


def test_nobody_to_tell_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_after_commit(to=["", ""], subject="Sujet", body="Texte")
        send_after_commit(to=[], subject="Sujet", body="Texte")
    assert callbacks == [] and mail.outbox == []
