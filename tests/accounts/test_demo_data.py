import pytest
from django.core.management import call_command

from accounts.models import AdviserProfile, Membership, Organisation, User

pytestmark = pytest.mark.django_db


def test_demo_data_creates_every_role_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("demo_data")
    call_command("demo_data")
    assert Organisation.objects.count() == 12
    assert User.objects.count() == 6
    assert User.objects.get(email="cress@example.org").is_cress_admin
    assert AdviserProfile.objects.get(user__email="conseil@example.org").status == "approved"
    assert (
        Membership.objects.get(
            user__email="admin@example.org", organisation__name__startswith="Les Jardins"
        ).role
        == "admin"
    )
    assert Organisation.objects.values("sector").distinct().count() >= 8
    assert Organisation.objects.values("departement").distinct().count() >= 10
    assert User.objects.get(email="membre@example.org").check_password("demo-boussole-2026")
    # Every demo organisation but the first has results and a roadmap to show.
    from maturity.models import Diagnostic, Roadmap

    assert Diagnostic.objects.completed().count() == 11
    assert Roadmap.objects.count() == 11
    # Their inventories list equipment: the results show its footprint.
    assert {d.snapshot.data["footprint"]["status"] for d in Diagnostic.objects.completed()} == {
        "ok"
    }
