"""A visitor without an account finds an event near them from the home page, registers with a
name and an e-mail address, confirms by the link e-mailed to them, then cancels by the link in
the next e-mail — in a real browser, with and without JavaScript."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from ambassadors.models import Registration
from tests.ambassadors.factories import AmbassadorFactory, EventFactory
from tests.browser.conftest import axe_violations

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    # The live server's request threads open their own SQLite connections, which Django does
    # not close when the thread ends; they are collected later. Only that warning is ignored.
    pytest.mark.filterwarnings("ignore:unclosed database in <sqlite3.Connection:ResourceWarning"),
]


def link_in_last_mail(kind: str) -> str:
    """The path of the visitor's link in the last e-mail: 'confirmer/' or the personal page."""
    pattern = r"https?://\S+?(/communaute/evenements/inscription/[^/\s]+/)"
    if kind == "confirm":
        pattern = pattern[:-1] + r"confirmer/)"
    return re.search(pattern, mail.outbox[-1].body).group(1)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_visitor_registers_to_an_event_without_an_account_and_cancels(visitor, javascript):
    start = timezone.now() + timedelta(days=10)
    # In Dordogne, a neighbour of Gironde where the visitor looks; Paris is not.
    EventFactory(
        title="Atelier « Nextcloud pour les associations »",
        departement="24",
        location="Tiers-lieu, Périgueux",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        organiser=AmbassadorFactory().user,
    )
    EventFactory(title="Atelier à Paris", departement="75", location="Paris")
    tab = visitor(javascript=javascript)

    page = tab.go("/")
    page.click("header >> text=Événements")
    page.wait_for_selector("h1:has-text('Événements de la communauté')")
    page.select_option("#id_departement", "33")
    page.check("#id_voisins")
    if javascript:  # htmx replaces the list at each change and keeps the choice in the URL
        page.wait_for_url(re.compile(r"voisins=on"))
        page.wait_for_selector("#resultats:has-text('Nextcloud pour les associations')")
    else:
        page.click("form[role=search] button[type=submit]")
    results = page.locator("#resultats")
    assert "Nextcloud pour les associations" in results.inner_text()
    assert "Atelier à Paris" not in results.inner_text()
    assert "voisins=on" in page.url

    page.click("text=Nextcloud pour les associations")
    page.wait_for_selector("h2:has-text('Inscription')")
    if javascript:
        assert axe_violations(page) == []
    tab.shoot(f"event-visitor-form-{'js' if javascript else 'nojs'}")
    page.fill("#id_name", "Awa Diallo")
    page.fill("#id_email", "awa@example.org")
    page.check("#id_consent")
    page.click("text=M’inscrire sans compte")
    page.wait_for_selector("text=Un e-mail vient de partir vers awa@example.org")
    assert Registration.objects.get(email="awa@example.org").status == "pending"

    page = tab.go(link_in_last_mail("confirm"))
    page.click("text=Je confirme mon inscription")
    page.wait_for_selector("text=Votre place est réservée, au nom d’Awa Diallo.")
    assert Registration.objects.get(email="awa@example.org").status == "confirmed"
    assert "Inscription confirmée" in mail.outbox[-1].subject
    if javascript:
        assert axe_violations(page) == []

    page = tab.go(link_in_last_mail("manage"))
    page.click("text=Annuler mon inscription")
    page.wait_for_selector("text=Votre inscription est annulée.")
    assert Registration.objects.get(email="awa@example.org").status == "cancelled"
    tab.shoot(f"visitor-registration-cancelled-{'js' if javascript else 'nojs'}")
