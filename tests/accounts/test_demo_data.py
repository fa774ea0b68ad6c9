import pytest
from django.core.management import call_command

from accounts.models import Membership, Organisation, User
from advisers.models import AdviserProfile, Consent
from tests.pages import readable

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
    # Every demo organisation has results and a roadmap to show.
    from maturity.models import Diagnostic, Roadmap

    assert Diagnostic.objects.completed().count() == 12
    assert Roadmap.objects.count() == 12
    # Their inventories list equipment: the results show its footprint.
    assert {d.snapshot.data["footprint"]["status"] for d in Diagnostic.objects.completed()} == {
        "ok"
    }
    # Each opened them to the demo adviser, once: her portfolio shows all twelve.
    assert (
        Consent.objects.live().filter(adviser__email="conseil@example.org").count()
        == Organisation.objects.count()
    )


def test_the_demo_admin_s_organisation_shows_something_on_every_page(settings, client):
    """Results, a roadmap under way (done, in progress, one late, with owners and due dates)
    and a second diagnostic under way: a newcomer trying the demo sees no empty page."""
    from django.urls import reverse
    from django.utils import timezone

    from maturity.models import Diagnostic, RoadmapAction

    settings.DEBUG = True
    call_command("demo_data")
    call_command("demo_data")  # idempotent: nothing is added the second time
    jardins = Organisation.objects.get(name="Les Jardins Partagés du Bastide")
    diagnostics = Diagnostic.objects.filter(organisation=jardins)
    assert [d.status for d in diagnostics.order_by("created_at")] == ["completed", "in_progress"]
    completed = diagnostics.get(status="completed")
    assert completed.respondents.count() == 3  # the admin, a member and the ambassador
    assert (timezone.now() - completed.completed_at).days >= 100
    in_progress = diagnostics.get(status="in_progress")
    assert in_progress.respondents.get().answers.exists()
    actions = RoadmapAction.objects.filter(roadmap__organisation=jardins)
    taken = actions.filter(decision="accepted").exclude(owner=None).exclude(due_date=None)
    assert taken.filter(status="done").count() == 2
    assert taken.filter(status="doing").count() == 2
    late = [a for a in taken if a.is_late]
    assert len(late) == 1 and late[0].status == "doing"

    client.force_login(User.objects.get(email="admin@example.org"))
    page = client.get(reverse("home")).content.decode()
    assert "Diagnostic en cours : vous avez répondu à" in readable(page)
    assert "Dernier résultat" in page and "2 actions prioritaires faites sur" in page
    assert "en retard" in page
    assert client.get(reverse("maturity:results", args=[completed.pk])).status_code == 200
    roadmap = client.get(reverse("maturity:roadmap", args=[jardins.pk]))
    assert roadmap.status_code == 200 and "À faire en premier" in roadmap.content.decode()
