"""axe-core (WCAG 2.0/2.1 A and AA rules) in Chromium on every main page, and again after an
htmx swap. axe finds about half of real problems: keyboard and announcements are tested in
test_journeys.py."""

import pytest
from django.core.management import call_command

from ambassadors.models import Ambassador, Event
from maturity import services
from maturity.models import Diagnostic
from tests.browser.conftest import axe_violations
from toolbox.models import Tool

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:unclosed database in <sqlite3.Connection:ResourceWarning"),
]


@pytest.fixture
def demo(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    settings.DEBUG = True  # demo data refuses to load otherwise
    call_command("demo_data", verbosity=0)
    settings.DEBUG = False


def test_main_pages_have_no_wcag_violations(visitor, demo):
    from accounts.models import User

    member = User.objects.get(email="autre@example.org")
    diagnostic = Diagnostic.objects.filter(
        organisation__memberships__user=member, status="completed"
    ).first()
    organisation = diagnostic.organisation
    tool_slugs = list(Tool.objects.filter(status="published").values_list("slug", flat=True)[:3])
    ambassador = Ambassador.objects.filter(status="approved").first()
    event = Event.objects.order_by("starts_at").first()

    anonymous = visitor()
    pages = {
        "accueil": "/",
        "inscription": "/compte/signup/",
        "boîte à outils": "/outils/?usage=stockage&q=fichiers",
        "fiche outil": f"/outils/{tool_slugs[0]}/",
        "comparaison": "/outils/comparer/?" + "&".join(f"outils={s}" for s in tool_slugs),
        "annuaire": "/communaute/",
        "ambassadeur·rice": f"/communaute/ambassadeurs/{ambassador.pk}/",
        "événement": f"/communaute/evenements/{event.pk}/",
    }
    failures = {}
    for name, path in pages.items():
        page = anonymous.go(path)
        assert page.locator("h1").count() == 1, name
        if violations := axe_violations(page):
            failures[name] = violations

    tab = visitor()
    tab.login(member.email, "demo-boussole-2026")
    diagnostic_in_progress, respondent = services.start_diagnostic(
        organisation=organisation, user=member
    )
    member_pages = {
        "partie du diagnostic": f"/diagnostic/repondre/{respondent.pk}/partie/securite_rgpd/",
        "résultats": f"/diagnostic/{diagnostic.pk}/resultats/",
        "feuille de route": f"/diagnostic/organisation/{organisation.pk}/feuille-de-route/",
        "inventaire": f"/diagnostic/{diagnostic_in_progress.pk}/inventaire/",
        "membres": f"/organisations/{organisation.pk}/membres/",
    }
    for name, path in member_pages.items():
        page = tab.go(path)
        if violations := axe_violations(page):
            failures[name] = violations

    # After an htmx swap: an autosave reveals a follow-up question out of band.
    page = tab.go(f"/diagnostic/repondre/{respondent.pk}/partie/strategie/")
    page.locator("fieldset.question").first.locator("label").nth(3).click()
    page.wait_for_selector("#autosave-status:has-text('Réponse enregistrée')")
    if violations := axe_violations(page):
        failures["partie après enregistrement htmx"] = violations
    # And after the catalogue's results are swapped in place by a filter.
    page = anonymous.go("/outils/")
    page.locator("input[name=usage][value=visio]").check()
    page.wait_for_timeout(800)
    if violations := axe_violations(page):
        failures["boîte à outils après filtre htmx"] = violations

    assert failures == {}
