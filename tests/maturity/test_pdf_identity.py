"""The PDF covers carry the instance's identity: who runs the service, its logo and colours."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from identity.models import InstanceIdentity
from maturity import pdf, results_document, roadmap
from maturity.models import PdfExport, Roadmap
from maturity.structure import structure_for
from tests.maturity.test_synthesis import needs_pdftotext, pdf_pages, strongest, team, weakest

pytestmark = pytest.mark.django_db

LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 48"><title>Logo</title>'
    '<circle cx="24" cy="24" r="20" fill="#1f4e79"/></svg>'
)


@pytest.fixture
def identity():
    return InstanceIdentity.objects.create(
        operator_name="CRESS Nouvelle-Aquitaine",
        contact_email="contact@cress-na.example.org",
        logo_svg=LOGO,
        brand_colour="#1f4e79",
        is_demo=True,
    )


@pytest.fixture
def questionnaire():
    from tests.maturity.factories import published_questionnaire

    return published_questionnaire()


@needs_pdftotext
def test_the_results_document_s_cover_says_who_runs_the_service(client, questionnaire, identity):
    diagnostic, admin = team(questionnaire, [strongest, weakest])
    client.force_login(admin.user)
    response = client.post(reverse("maturity:results_pdf", args=[diagnostic.pk]))
    assert response.status_code == 200
    cover = pdf_pages(response.content)[0]
    assert "Un service proposé par CRESS Nouvelle-Aquitaine" in cover
    assert "contact@cress-na.example.org" in cover
    assert "Instance de démonstration" in cover
    # Only the cover: the pages after it are the organisation's.
    assert all("CRESS Nouvelle-Aquitaine" not in page for page in pdf_pages(response.content)[1:])


def test_the_cover_draws_the_logo_inline_in_the_instance_s_colours(questionnaire, identity):
    diagnostic, _admin = team(questionnaire, [weakest])
    html = results_document.document_html(
        diagnostic, diagnostic.snapshot.data, structure_for(questionnaire)
    )
    cover = html[html.index('<section class="cover">') : html.index("</section>")]
    # Inline (the PDF renderer fetches nothing), as sanitised, before the title.
    assert '<circle cx="24" cy="24" r="20" fill="#1f4e79"></circle>' in cover
    assert cover.index("<svg") < cover.index("<h1>")
    assert ".cover h1 { color: #1f4e79; }" in html


@needs_pdftotext
def test_the_roadmap_pdf_s_cover_carries_the_identity_and_follows_its_changes(
    client, questionnaire, identity, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    call_command("load_roadmap_rules", verbosity=0)
    diagnostic, admin = team(questionnaire, [weakest])
    client.force_login(admin.user)
    url = reverse("maturity:pdf_request", args=[diagnostic.organisation_id])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    export = PdfExport.objects.get()
    cover = pdf_pages(pdf.file_path(export).read_bytes())[0]
    assert "Un service proposé par CRESS Nouvelle-Aquitaine" in cover
    assert "Feuille de route numérique" in cover

    # Another operator's name: the unchanged roadmap gets a new cover, not its old file.
    the_roadmap = Roadmap.objects.get(organisation=diagnostic.organisation)
    before = roadmap.content_hash(the_roadmap, list(the_roadmap.actions.all()))
    identity.operator_name = "CRESS Occitanie"
    identity.save()
    assert roadmap.content_hash(the_roadmap, list(the_roadmap.actions.all())) != before
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    newest = PdfExport.objects.exclude(pk=export.pk).get()
    assert (
        "Un service proposé par CRESS Occitanie" in pdf_pages(pdf.file_path(newest).read_bytes())[0]
    )
