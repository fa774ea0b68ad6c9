"""A guest is welcomed (who asks, why, how long, what is shared) and thanked at the end; the
admin who invites them can copy their link or show it as a QR code."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from common.typography import french_text
from maturity import services
from maturity.models import Respondent
from maturity.structure import structure_for
from maturity.views.diagnostics import FRESH_GUEST_LINKS_KEY
from tests.maturity.factories import diagnostic_with_respondent, published_questionnaire
from tests.pages import readable

pytestmark = pytest.mark.django_db

LINK = re.compile(r'value="(https?://[^"]+/diagnostic/lien/[^"]+/)"')


@pytest.fixture
def diagnostic_and_admin(client):
    published_questionnaire()
    diagnostic, respondent = diagnostic_with_respondent()
    admin = respondent.user
    admin.first_name, admin.last_name = "Louise", "Martin"
    admin.save()
    client.force_login(admin)
    return diagnostic, admin


def _invite(client, diagnostic, **data):
    return client.post(
        reverse("maturity:invite_guest", args=[diagnostic.pk]),
        {"name": "Jeanne", "role_label": "Présidente", **data},
    )


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_a_guest_without_e_mail_gets_a_link_to_copy_and_a_qr_code(
    client, diagnostic_and_admin, mailoutbox, django_capture_on_commit_callbacks
):
    diagnostic, _admin = diagnostic_and_admin
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, diagnostic, email="")
    guest = Respondent.objects.get(name="Jeanne")
    assert guest.email == "" and mailoutbox == []
    assert response["Location"] == reverse("maturity:guest_link", args=[diagnostic.pk, guest.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Le lien personnel de Jeanne est prêt" in page
    url = LINK.search(page).group(1)
    assert "readonly" in page and "Copier" in page and "js/copy-link.js" in page
    # segno's inline SVG, named for screen readers, with nothing the CSP would block.
    svg = page[page.index('<svg role="img"') : page.index("</svg>")]
    assert 'class="qr-code"' in svg and "<title>QR code du lien personnel de Jeanne</title>" in svg
    assert "<path" in svg and "style=" not in svg
    # The link opens the diagnostic for this guest.
    visitor = client.__class__()
    assert visitor.get(_path(url))["Location"] == reverse("maturity:welcome", args=[guest.pk])


def test_the_link_on_the_page_is_the_one_e_mailed(
    client, diagnostic_and_admin, mailoutbox, django_capture_on_commit_callbacks
):
    diagnostic, _admin = diagnostic_and_admin
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, diagnostic, email="jeanne@example.org")
    page = client.get(response["Location"]).content.decode()
    assert "Un lien personnel a été envoyé à jeanne@example.org" in page
    assert LINK.search(page).group(1) in mailoutbox[0].body


def test_the_clear_link_is_shown_in_the_inviting_session_only_and_a_new_one_replaces_it(
    client, diagnostic_and_admin
):
    diagnostic, admin = diagnostic_and_admin
    response = _invite(client, diagnostic, email="")
    link_page = response["Location"]
    first = LINK.search(client.get(link_page).content.decode()).group(1)
    # Only the hash is stored: another session of the same admin cannot read it back.
    other = client.__class__()
    other.force_login(admin)
    page = other.get(link_page).content.decode()
    assert "n’est plus affichable" in page and not LINK.search(page)
    assert first not in page
    # A new link: shown to copy, and the former one stops working.
    other.post(link_page.replace("/lien/", "/nouveau-lien/"))
    second = LINK.search(other.get(link_page).content.decode()).group(1)
    assert second != first
    visitor = client.__class__()
    assert visitor.get(_path(first)).status_code == 404  # no such link any more
    assert visitor.get(_path(second)).status_code == 302


def test_a_revoked_link_is_no_longer_shown_and_can_be_renewed(client, diagnostic_and_admin):
    diagnostic, _admin = diagnostic_and_admin
    link_page = _invite(client, diagnostic, email="")["Location"]
    guest = Respondent.objects.get(name="Jeanne")
    client.post(reverse("maturity:revoke_guest", args=[diagnostic.pk, guest.pk]))
    assert str(guest.pk) not in client.session.get(FRESH_GUEST_LINKS_KEY, {})
    page = client.get(link_page).content.decode()
    assert "a expiré ou a été désactivé" in page and not LINK.search(page)
    client.post(reverse("maturity:renew_guest_link", args=[diagnostic.pk, guest.pk]))
    guest.refresh_from_db()
    assert guest.revoked_at is None and guest.guest_link_is_live
    assert LINK.search(client.get(link_page).content.decode())


def test_the_diagnostic_page_links_each_guest_s_link_page(client, diagnostic_and_admin):
    diagnostic, _admin = diagnostic_and_admin
    _invite(client, diagnostic, email="")
    guest = Respondent.objects.get(name="Jeanne")
    page = client.get(reverse("maturity:diagnostic_detail", args=[diagnostic.pk])).content.decode()
    assert reverse("maturity:guest_link", args=[diagnostic.pk, guest.pk]) in page
    assert "Son adresse e-mail (facultatif)" in page


def _open_link(client, diagnostic, guest_name="Jeanne"):
    admin_page = client.get(_invite(client, diagnostic, email="")["Location"]).content.decode()
    url = LINK.search(admin_page).group(1)
    visitor = client.__class__()
    response = visitor.get(_path(url))
    return visitor, Respondent.objects.get(name=guest_name), response


def test_a_guest_is_welcomed_by_name_with_time_and_privacy_then_starts(
    client, diagnostic_and_admin
):
    diagnostic, _admin = diagnostic_and_admin
    visitor, guest, response = _open_link(client, diagnostic)
    page = visitor.get(response["Location"]).content.decode()
    invites = f"Louise Martin vous invite, au nom de « {diagnostic.organisation.name} »"
    assert french_text(escape(invites)) in page
    assert "Vous répondez en tant que Présidente." in page
    structure = structure_for(diagnostic.questionnaire)
    total = services.overall_progress(services.section_progress(structure, {})).total
    assert f"Environ {services.estimated_minutes(total)} minutes." in page
    assert f"Le questionnaire compte {len(structure.sections)} parties." in page
    assert "sans savoir qui a répondu quoi" in page and "que si vous l’acceptez" in page
    assert "compétences personnelles ne sont jamais montrées" in page
    assert "Vous n’avez pas de compte à créer" in page
    first = structure.sections[0]
    start = reverse("maturity:section", args=[guest.pk, first.code])
    assert f'href="{start}">Commencer</a>' in page
    assert visitor.get(start).status_code == 200


def _answer_everything(respondent):
    structure = structure_for(respondent.diagnostic.questionnaire)
    for section in structure.sections:
        for question in section.questions:
            if question.is_text:
                parsed = services.parse_answer(question, [], "Une réponse")
            else:
                parsed = services.parse_answer(question, [str(question.choices[0].id)])
            services.save_answer(
                respondent=respondent, structure=structure, question=question, parsed=parsed
            )


def test_a_guest_is_thanked_once_every_required_answer_is_given(client, diagnostic_and_admin):
    diagnostic, _admin = diagnostic_and_admin
    visitor, guest, _response = _open_link(client, diagnostic)
    home = reverse("maturity:respondent_home", args=[guest.pk])
    assert "Merci, vous avez terminé" not in visitor.get(home).content.decode()
    _answer_everything(guest)
    page = visitor.get(home).content.decode()
    assert "Merci, vous avez terminé !" in readable(page)
    assert "termineront le diagnostic" in page and "Vous pouvez fermer cette page" in page
    section = structure_for(diagnostic.questionnaire).sections[-1]
    page = visitor.get(reverse("maturity:section", args=[guest.pk, section.code]))
    assert "vous avez répondu à tout ce qui était demandé" in page.content.decode()
    # Coming back through the link: nothing left to do, and the welcome says so.
    welcome = visitor.get(reverse("maturity:welcome", args=[guest.pk])).content.decode()
    assert "Vous avez déjà répondu à toutes les questions" in welcome


def test_estimated_minutes_round_up_to_five():
    assert services.estimated_minutes(0) == 5
    assert services.estimated_minutes(15) == 5
    assert services.estimated_minutes(16) == 10
    assert services.estimated_minutes(74) == 25
