import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from ambassadors.models import Ambassador, Event, Registration, Resource, SupportRequest

pytestmark = pytest.mark.django_db


def test_demo_data_makes_yann_a_validated_ambassador_and_loads_idempotently(settings):
    settings.DEBUG = True
    call_command("demo_data")
    counts = [
        m.objects.count() for m in (Ambassador, Event, Registration, Resource, SupportRequest)
    ]
    call_command("load_ambassadors")
    call_command("demo_data")
    assert [
        m.objects.count() for m in (Ambassador, Event, Registration, Resource, SupportRequest)
    ] == counts
    assert counts[0] >= 2 and counts[1] >= 3 and counts[3] >= 3
    yann = Ambassador.objects.get(user__email="ambassadeur@example.org")
    assert yann.is_active and yann.is_public
    assert Ambassador.objects.filter(status="pending").exists()  # something for CRESS to validate
    assert Event.objects.upcoming().exists() and Event.objects.past().exists()
    assert User.objects.count() == 6  # no account added


def test_demo_pages_render(settings, client):
    settings.DEBUG = True
    call_command("demo_data")
    client.force_login(User.objects.get(email="cress@example.org"))
    for name in ("directory", "events", "resources", "cress", "my_space"):
        from django.urls import reverse

        assert client.get(reverse(f"ambassadors:{name}")).status_code == 200
    for event in Event.objects.all():
        assert client.get(event.get_absolute_url()).status_code == 200
    for resource in Resource.objects.all():
        assert client.get(resource.get_absolute_url()).status_code == 200


def test_load_ambassadors_is_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_ambassadors")
