"""The instance's identity: who runs the service, shown on every page, in the legal notices
and the privacy page, set by a CRESS admin in the admin (or by the settings on a first run)."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from identity import services
from identity.models import InstanceIdentity
from tests.adminforms import admin_form_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 48"><title>CRESS</title>'
    '<circle cx="24" cy="24" r="20" fill="#0b5a48"/></svg>'
)
FULL = {
    "operator_name": "CRESS Nouvelle-Aquitaine",
    "short_name": "CRESS NA",
    "logo_svg": LOGO,
    "legal_form": "Association loi 1901",
    "siret": "90000000100017",
    "address": "7 rue de l’Exemple\n33000 Bordeaux",
    "phone": "05 56 00 00 00",
    "contact_email": "contact@cress-na.example.org",
    "website": "https://www.cress-na.example.org",
    "publication_director": "Dominique Durand, président",
    "dpo_name": "Claude Petit",
    "dpo_email": "dpo@cress-na.example.org",
    "host_name": "Hébergeur Coopératif",
    "host_address": "1 avenue des Serveurs\n69000 Lyon",
    "host_phone": "04 00 00 00 00",
}


@pytest.fixture
def identity():
    return InstanceIdentity.objects.create(**FULL)


def page(client, name: str) -> str:
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


def text_of(html: str) -> str:
    """The words of a page as read (tags dropped, no-break spaces as spaces)."""
    inline = re.sub(r"</?(?:a|strong|em|span|abbr|dfn)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", inline)).replace("\u00a0", " ").split())


def change_url() -> str:
    return reverse("admin:identity_instanceidentity_change", args=[1])


# --- What visitors see ------------------------------------------------------------------------


def test_every_page_says_who_runs_the_service(client, identity):
    for name in ("home", "about", "glossary", "account_login"):
        html = page(client, name)
        assert 'class="brand-logo"' in html and "/identite/logo.svg?v=" in html, name
        # The logo's proportions (96 × 48) at the header's height: no jump when it loads.
        assert 'width="80" height="40"' in html
        assert '<span class="brand-operator">CRESS NA</span>' in html
        words = text_of(html)
        assert "Service proposé par CRESS Nouvelle-Aquitaine — nous écrire" in words, name
        assert 'href="mailto:contact@cress-na.example.org"' in html
        assert "Instance de démonstration" not in words


def test_a_demonstration_instance_says_so_on_every_page(client):
    InstanceIdentity.objects.create(operator_name="CRESS de démonstration", is_demo=True)
    for name in ("home", "legal", "privacy"):
        assert '<p class="demo-strip">Instance de démonstration</p>' in page(client, name)
    assert "sont fictifs" in text_of(page(client, "legal"))


def test_the_legal_notices_name_the_publisher_the_director_and_the_host(client, identity):
    words = text_of(page(client, "legal"))
    for expected in (
        "Structure CRESS Nouvelle-Aquitaine, Association loi 1901",
        "SIRET 90000000100017",
        "Siège 7 rue de l’Exemple 33000 Bordeaux",
        "Téléphone 05 56 00 00 00",
        "Contact contact@cress-na.example.org",
        "Site web https://www.cress-na.example.org",
        "Direction de la publication Dominique Durand, président",
        "Hébergeur Nom Hébergeur Coopératif Adresse 1 avenue des Serveurs 69000 Lyon",
        "Délégué·e à la protection des données : Claude Petit (dpo@cress-na.example.org)",
    ):
        assert expected in words
    assert "Mises à jour le" in words
    assert "pas encore indiqué" not in words


def test_the_privacy_page_names_the_controller_the_dpo_and_whom_to_write_to(client, identity):
    words = text_of(page(client, "privacy"))
    assert "Le responsable du traitement est CRESS Nouvelle-Aquitaine" in words
    assert "Délégué·e à la protection des données : Claude Petit." in words
    assert "Les données sont hébergées par Hébergeur Coopératif." in words
    assert "écrivez à dpo@cress-na.example.org" in words


def test_an_instance_not_yet_set_up_says_so_instead_of_placeholders(client):
    words = text_of(page(client, "legal"))
    assert "n’a pas encore indiqué ses coordonnées" in words
    assert "L’hébergeur de cette instance n’est pas encore indiqué" in words
    assert "Service proposé par" not in text_of(page(client, "home"))
    assert "n’a pas encore indiqué ses coordonnées" in text_of(page(client, "privacy"))


def test_a_cress_admin_is_offered_to_complete_the_legal_notices(client):
    client.force_login(UserFactory(cress_admin=True))
    html = page(client, "legal")
    assert reverse("admin:identity_instanceidentity_changelist") in html
    client.force_login(UserFactory())
    assert reverse("admin:identity_instanceidentity_changelist") not in page(client, "legal")


def test_public_pages_link_nowhere_outside_even_with_a_website(client, identity):
    for name in ("home", "legal", "privacy", "about"):
        html = page(client, name)
        for url in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert url.startswith(("/", "#", "?", "mailto:")), url
        assert "style=" not in html and "<script>" not in html


def test_a_first_run_takes_its_identity_from_the_settings(client, settings):
    settings.INSTANCE_IDENTITY = {
        "operator_name": "CRESS Bretagne",
        "short_name": "",
        "contact_email": "contact@cress-bretagne.example.org",
        "brand_colour": "#1F4E79",
        "accent_colour": "",
    }
    words = text_of(page(client, "home"))
    assert "Service proposé par CRESS Bretagne" in words
    assert services.current().brand_colour == "#1f4e79"
    assert not InstanceIdentity.objects.exists()  # read, not written, until the admin saves it


def test_colours_from_the_settings_must_keep_white_text_readable(settings):
    settings.INSTANCE_IDENTITY = {**settings.INSTANCE_IDENTITY, "brand_colour": "#ffbf47"}
    with pytest.raises(
        ImproperlyConfigured, match=re.escape("INSTANCE_BRAND_COLOUR=#ffbf47 contrasts 1.6")
    ):
        services.check_settings()
    settings.INSTANCE_IDENTITY = {**settings.INSTANCE_IDENTITY, "brand_colour": "green"}
    with pytest.raises(ImproperlyConfigured, match="is not a colour"):
        services.check_settings()


# --- The instance's files -----------------------------------------------------------------------


def test_default_colours_cost_no_stylesheet_of_their_own(client):
    html = page(client, "home")
    assert reverse("identity_css") not in html


def test_the_instance_s_colours_come_from_its_own_cacheable_stylesheet(client, identity):
    identity.brand_colour, identity.accent_colour = "#1f4e79", "#7a2e8a"
    identity.save()
    html = page(client, "home")
    version = services.current().version
    assert f'<link rel="stylesheet" href="/identite.css?v={version}">' in html
    response = client.get(reverse("identity_css"), {"v": version})
    assert response["Content-Type"] == "text/css; charset=utf-8"
    css = response.content.decode()
    assert "--brand: #1f4e79;" in css and "--accent: #7a2e8a;" in css
    assert "--brand-dark: #" in css
    assert "max-age=31536000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    # An old version's URL gets today's colours, kept only a few minutes.
    stale = client.get(reverse("identity_css"), {"v": "ancienne"})
    assert "--brand: #1f4e79;" in stale.content.decode()
    assert "max-age=300" in stale["Cache-Control"]


def test_the_files_are_kept_by_browsers_even_for_someone_logged_in(client, identity):
    """They are the same for everyone: no-store would fetch them again with every page."""
    client.force_login(UserFactory())
    version = services.current().version
    for name in ("identity_css", "identity_logo", "identity_favicon"):
        response = client.get(reverse(name), {"v": version})
        assert response.status_code == 200
        assert "no-store" not in response["Cache-Control"], name
        assert "immutable" in response["Cache-Control"], name
    assert "no-store" in client.get(reverse("home"))["Cache-Control"]  # pages stay private


def test_favicon_ico_leads_to_the_png_icon_for_pages_without_an_icon_link(client, admin_client):
    # The admin's pages link no icon: browsers ask for /favicon.ico.
    index = admin_client.get("/admin/")
    assert index.status_code == 200 and 'rel="icon"' not in index.content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon-32.png"
    assert "max-age=86400" in response["Cache-Control"]


def test_the_logo_is_served_as_an_svg_that_can_run_nothing(client, identity):
    response = client.get(reverse("identity_logo"), {"v": services.current().version})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.decode().startswith('<svg xmlns="http://www.w3.org/2000/svg"')


def test_no_logo_is_no_file(client):
    assert client.get(reverse("identity_logo")).status_code == 404
    assert 'class="brand-logo"' not in page(client, "home")


def test_a_real_favicon_in_the_instance_s_colour_with_a_png_for_older_browsers(client, identity):
    identity.brand_colour = "#1f4e79"
    identity.save()
    html = page(client, "home")
    version = services.current().version
    assert f'<link rel="icon" href="/favicon.svg?v={version}" type="image/svg+xml">' in html
    assert '<link rel="icon" href="/static/img/favicon-32.png" sizes="32x32"' in html
    assert 'href="data:,"' not in html
    response = client.get(reverse("identity_favicon"), {"v": version})
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert 'fill="#1f4e79"' in response.content.decode()
    png = finders.find("img/favicon-32.png")
    with open(png, "rb") as file:
        head = file.read(24)
    # A PNG, 32 × 32 pixels (its IHDR chunk), about a kilobyte.
    assert head.startswith(b"\x89PNG") and head[16:24] == (32).to_bytes(4) * 2
    assert Path(png).stat().st_size < 3000


# --- The cache: one read after each save, none per page ------------------------------------------


def _identity_queries(client, name: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse(name))
    return [q["sql"] for q in queries if "identity_instanceidentity" in q["sql"]]


def test_pages_read_the_identity_from_the_cache_and_see_a_save_at_once(client, identity):
    assert len(_identity_queries(client, "legal")) == 1  # the first page after a save
    for name in ("legal", "home", "privacy"):
        assert _identity_queries(client, name) == [], name
    identity.operator_name = "CRESS Occitanie"
    identity.save()
    assert "Service proposé par CRESS Occitanie" in text_of(page(client, "home"))
    assert _identity_queries(client, "home") == []


def test_an_instance_without_a_row_is_cached_too(client):
    page(client, "home")
    assert _identity_queries(client, "home") == []


# --- The admin --------------------------------------------------------------------------------


@pytest.fixture
def cress_admin_client(client):
    client.force_login(UserFactory(cress_admin=True))
    return client


def _post(client, **changes):
    data = admin_form_data(client.get(change_url()))
    data.update(changes)
    return client.post(change_url(), data)


def test_a_cress_admin_finds_the_identity_made_from_the_settings(cress_admin_client, settings):
    settings.INSTANCE_IDENTITY = {**settings.INSTANCE_IDENTITY, "operator_name": "CRESS Grand Est"}
    response = cress_admin_client.get(reverse("admin:identity_instanceidentity_changelist"))
    assert response.status_code == 200
    assert InstanceIdentity.objects.get().operator_name == "CRESS Grand Est"
    assert change_url() in response.content.decode()
    # One row, always: nothing to add, nothing to delete.
    assert cress_admin_client.get(reverse("admin:identity_instanceidentity_add")).status_code == 403
    delete = reverse("admin:identity_instanceidentity_delete", args=[1])
    assert cress_admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert InstanceIdentity.objects.count() == 1


def test_a_cress_admin_sets_the_name_the_legal_notices_and_an_uploaded_logo(
    cress_admin_client, client
):
    services.stored()
    upload = SimpleUploadedFile(
        "logo.svg",
        (LOGO.replace("</svg>", '<script>alert("x")</script></svg>')).encode(),
        content_type="image/svg+xml",
    )
    response = _post(
        cress_admin_client,
        operator_name="CRESS Hauts-de-France",
        siret="900 000 001 00017",
        host_name="Hébergeur du Nord",
        logo_file=upload,
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    row = InstanceIdentity.objects.get()
    assert (row.operator_name, row.siret, row.host_name) == (
        "CRESS Hauts-de-France",
        "90000000100017",
        "Hébergeur du Nord",
    )
    assert "<circle" in row.logo_svg and "script" not in row.logo_svg
    client.logout()
    assert "Service proposé par CRESS Hauts-de-France" in text_of(page(client, "home"))


def test_a_pasted_logo_is_cleaned_too_and_an_empty_one_removes_it(cress_admin_client):
    services.stored()
    _post(cress_admin_client, logo_svg=LOGO.replace("<circle", '<circle onload="alert(1)"'))
    assert "onload" not in InstanceIdentity.objects.get().logo_svg
    assert "<circle" in InstanceIdentity.objects.get().logo_svg
    _post(cress_admin_client, logo_svg="")
    assert InstanceIdentity.objects.get().logo_svg == ""


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "brand_colour",
            "#ffbf47",
            "Cette couleur contraste à 1,6:1 seulement avec le blanc : il faut 4,5:1 au moins "
            "pour que les textes et les boutons restent lisibles. Une teinte plus foncée "
            "convient, par exemple #",
        ),
        ("accent_colour", "#ff0000", "contraste à 4,0:1 seulement"),
        ("brand_colour", "bleu", "« bleu » n’est pas une couleur"),
        ("siret", "12345678901234", "Ce SIRET n’est pas valide"),
        ("logo_svg", "<p>Bonjour</p>", "n’est pas un logo SVG utilisable"),
    ],
)
def test_what_cannot_be_kept_is_refused_in_french_keeping_what_was_typed(
    cress_admin_client, field, value, message
):
    services.stored()
    response = _post(cress_admin_client, operator_name="CRESS Normandie", **{field: value})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in text_of(html)
    form = response.context["adminform"].form
    assert form["operator_name"].value() == "CRESS Normandie"
    assert form[field].value() == value
    assert InstanceIdentity.objects.get().operator_name == ""


def test_an_oversized_logo_file_is_refused(cress_admin_client):
    services.stored()
    upload = SimpleUploadedFile("logo.svg", b"<svg>" + b" " * 60_000 + b"</svg>")
    response = _post(cress_admin_client, logo_file=upload)
    assert response.status_code == 200
    assert "Le logo pèse 60 ko : 50 ko au plus." in text_of(response.content.decode())
    assert InstanceIdentity.objects.get().logo_svg == ""


def test_a_colour_is_stored_as_written_in_the_stylesheet(cress_admin_client):
    services.stored()
    response = _post(cress_admin_client, brand_colour="1F4E79", accent_colour="#7A2E8A")
    assert response.status_code == 302
    row = InstanceIdentity.objects.get()
    assert (row.brand_colour, row.accent_colour) == ("#1f4e79", "#7a2e8a")


def test_a_row_written_without_the_form_cannot_inject_into_the_stylesheet(client):
    InstanceIdentity.objects.create(
        # Within the column's 7 characters (PostgreSQL enforces them), still no colour.
        brand_colour="red;}a{",
        logo_svg="<script>x</script>",
    )
    identity = services.current()
    assert identity.brand_colour == "#0b5a48" and identity.logo_svg == ""
    stylesheet = client.get(reverse("identity_css")).content.decode()
    assert "red;}" not in stylesheet and "#0b5a48" in stylesheet


def test_the_admin_page_of_the_identity_shows_every_field_and_its_save_button(
    admin_client, identity
):
    html = admin_client.get("/admin/identity/instanceidentity/1/change/").content.decode()
    # Nothing opens a style element that would hide the rest of the page as CSS.
    assert "<style" not in html.split("<body", 1)[1]
    for name in ("logo_file", "brand_colour", "siret", "dpo_email", "host_phone", "_save"):
        assert f'name="{name}"' in html, name
