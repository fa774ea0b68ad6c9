"""A member proposes a tool, a CRESS admin approves it with its history visible, and validates
an ambassador — in a real browser."""

import pytest
from django.core.management import call_command

from ambassadors.models import Ambassador
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from toolbox.models import Tool

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:unclosed database in <sqlite3.Connection:ResourceWarning"),
]


def test_cress_admin_approves_a_proposed_tool_and_validates_an_ambassador(
    visitor, settings, tmp_path
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    call_command("load_toolbox", verbosity=0)
    member = MembershipFactory().user
    admin = UserFactory(cress_admin=True)

    tab = visitor()
    tab.login(member.email, PASSWORD)
    page = tab.go("/outils/proposer/")
    page.fill("#id_name", "Logiciel Coopératif Test")
    page.fill("#id_summary", "Un outil libre pour partager des fichiers en équipe.")
    page.fill("#id_description", "Un **outil** libre. <script>alert(1)</script>")
    page.locator("input[name=usages][value=stockage]").check()
    page.fill("#id_licence_spdx", "AGPL-3.0-or-later")
    page.select_option("#id_licence_status", "libre")
    page.locator("input[name=deployments][value=saas]").check()
    page.fill("#id_website_url", "https://logiciel.example.org")
    for checkbox in page.locator("main input[type=checkbox][required]").all():
        checkbox.check()
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=CRESS")

    # A member applies to become an ambassador.
    applicant = UserFactory()
    Ambassador.objects.create(
        user=applicant,
        public_name="Camille Ambassadrice",
        motivation="J'anime des ateliers numériques depuis trois ans.",
        departements=["86"],
        expertise_dimensions=["competences"],
        formats=["atelier"],
        is_public=True,
    )

    cress = visitor()
    cress.login(admin.email, PASSWORD)
    page = cress.go("/outils/moderation/")
    page.click("text=Logiciel Coopératif Test")
    page.click("text=Accepter et publier")
    tool = Tool.objects.get(name="Logiciel Coopératif Test")
    assert tool.status == "published"
    detail = cress.go(f"/outils/{tool.slug}/").content()
    assert "<strong>outil</strong>" in detail and "<script>alert(1)</script>" not in detail
    page = cress.go(f"/outils/{tool.slug}/historique/")
    assert admin.display_name in page.content() or member.display_name in page.content()
    cress.shoot("cress-tool-history")

    page = cress.go("/communaute/cress/")
    page.click("text=Valider pour un an")
    assert Ambassador.objects.get(user=applicant).status == "approved"
    page = cress.go("/communaute/")
    assert "Camille Ambassadrice" in page.content()
