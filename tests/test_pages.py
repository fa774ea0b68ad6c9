import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from tests.factories import AdviserProfileFactory, MembershipFactory, UserFactory
from tests.pages import readable

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "home",
    "about",
    "privacy",
    "accessibility",
    "legal",
    "glossary",
    "account_login",
    "account_signup",
]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_are_french_accessible_and_self_contained(client, name):
    response = client.get(reverse(name))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in html
    assert 'href="#contenu"' in html and 'id="contenu"' in html  # skip link to main
    assert html.count("<h1") == 1
    # No third-party request: every src/href is local (or a fragment / mailto).
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        # "data:," is the empty favicon that spares browsers a request for /favicon.ico.
        assert url.startswith(("/", "#", "?", "mailto:")) or url == "data:,", url
    assert "<script>" not in html and "style=" not in html  # nothing the CSP would block


def test_every_page_sends_a_strict_content_security_policy(client):
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_unknown_page_is_a_french_404(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_forbidden_page_is_a_french_403(client):
    client.force_login(UserFactory())
    response = client.get(reverse("cress_dashboard"))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_an_adviser_refused_the_cress_observatory_is_sent_to_the_public_one(client):
    client.force_login(AdviserProfileFactory().user)
    response = client.get(reverse("advisers:observatory"))
    assert response.status_code == 403
    page = readable(response)
    assert "Cette page est réservée à l'équipe de la CRESS" in page
    assert f'<a href="{reverse("public_observatory:page")}">' in page
    assert "administrateur·rice de votre organisation" not in page


def test_a_refused_cress_page_other_than_the_observatory_names_no_public_page(client):
    client.force_login(AdviserProfileFactory().user)
    page = readable(client.get(reverse("cress_dashboard")))
    assert "Cette page est réservée à l'équipe de la CRESS" in page
    assert reverse("public_observatory:page") + '">l' not in page
    assert "administrateur·rice de votre organisation" not in page


def test_a_member_refused_an_admin_page_is_told_to_ask_the_organisation_s_admins(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    response = client.get(reverse("organisation_edit", args=[membership.organisation.pk]))
    assert response.status_code == 403
    page = readable(response)
    assert "Cette page est réservée aux administrateur·rices de l'organisation" in page
    assert "équipe de la CRESS" not in page


def test_server_error_page_is_french_and_standalone(client, settings):
    from config.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert "Un problème est survenu" in response.content.decode()


def test_health_answers_when_the_database_does(client):
    assert client.get(reverse("health")).json() == {"status": "ok"}


def test_navigation_follows_the_roles(client):
    member = UserFactory()
    client.force_login(member)
    html = client.get(reverse("home")).content.decode()
    assert "Inscrire mon organisation" in html and "Espace CRESS" not in html
    client.force_login(UserFactory(cress_admin=True))
    html = client.get(reverse("home")).content.decode()
    assert "Espace CRESS" in html and reverse("admin:index") in html


def test_htmx_is_vendored_and_configured_for_the_csp(client):
    html = client.get(reverse("home")).content.decode()
    assert "/static/js/htmx-2.0.11.min.js" in html
    assert '"allowEval": false' in html and '"includeIndicatorStyles": false' in html


def test_a_single_checkbox_comes_before_its_label_with_its_help_and_errors_tied_to_it():
    """Forms rendered by includes/form.html: a box, then its label beside it (Django's field group
    would put the label above the box, alone on its line on a phone)."""

    class Consent(forms.Form):
        consent = forms.BooleanField(label="J’accepte", help_text="Pourquoi on demande.")

    form = Consent(data={})
    assert not form.is_valid()
    html = render_to_string("includes/form.html", {"form": form})
    box = re.search(r'<div class="checkbox-field">(<input[^>]*>) <label for="id_consent">', html)
    assert box, html
    assert 'aria-describedby="id_consent_helptext id_consent_error"' in box.group(1)
    assert 'id="id_consent_helptext"' in html and 'id="id_consent_error"' in html
