"""Fiches pratiques: sharing, PDF limits, private files, moderation, search."""

from pathlib import Path

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ambassadors import forms
from ambassadors.models import Resource
from ambassadors.services import contact
from tests.ambassadors.factories import AmbassadorFactory, ResourceFactory
from tests.factories import UserFactory
from tests.pages import readable

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
FORM = {
    "title": "Sauvegarder ses données",
    "summary": "La règle 3-2-1 expliquée aux associations.",
    "body": "",
    "dimensions": ["securite_rgpd"],
    "tools": "Nextcloud, Borg",
}


def pdf_upload(content=PDF, name="fiche.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_an_ambassador_shares_a_pdf_stored_privately_and_cress_is_told(
    client, settings, django_capture_on_commit_callbacks
):
    UserFactory(cress_admin=True, email="cress@example.org")
    ambassador = AmbassadorFactory()
    client.force_login(ambassador.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("ambassadors:resource_create"), {**FORM, "pdf": pdf_upload()}
        )
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.status == Resource.Status.PENDING
    assert resource.tools == ["nextcloud", "borg"]
    stored = Path(resource.pdf.path)
    assert stored.is_relative_to(Path(settings.PRIVATE_STORAGE_ROOT))
    assert stored.read_bytes() == PDF
    assert "fiche.pdf" not in resource.pdf.name  # the uploader's file name is not reused
    assert mail.outbox[-1].to == ["cress@example.org"]


def test_a_file_that_is_not_a_pdf_is_refused_whatever_its_name(client):
    client.force_login(AmbassadorFactory().user)
    fake = pdf_upload(b"MZ\x90\x00 not a pdf", name="fiche.pdf")
    response = client.post(reverse("ambassadors:resource_create"), {**FORM, "pdf": fake})
    assert response.status_code == 400
    assert "n'est pas un PDF" in readable(response)
    assert "Sauvegarder ses données" in response.text  # kept
    assert not Resource.objects.exists()


def test_a_pdf_that_is_too_large_is_refused(client, monkeypatch):
    monkeypatch.setattr(forms, "MAX_PDF_BYTES", 1024)
    client.force_login(AmbassadorFactory().user)
    big = pdf_upload(PDF + b"0" * 2048)
    response = client.post(reverse("ambassadors:resource_create"), {**FORM, "pdf": big})
    assert response.status_code == 400
    assert "dépasse 5 Mo" in response.text
    assert not Resource.objects.exists()


def test_the_size_limit_is_five_megabytes():
    assert forms.MAX_PDF_BYTES == 5 * 1024 * 1024


def test_a_fiche_needs_a_body_or_a_pdf(client):
    client.force_login(AmbassadorFactory().user)
    response = client.post(reverse("ambassadors:resource_create"), FORM)
    assert response.status_code == 400
    assert "Écrivez le contenu de la fiche ou joignez un PDF." in response.text


def test_members_who_are_not_ambassadors_cannot_share(client):
    client.force_login(UserFactory())
    assert client.get(reverse("ambassadors:resource_create")).status_code == 403


def test_a_pending_fiche_is_seen_by_its_author_and_cress_admins_only(client):
    resource = ResourceFactory(pending=True)
    url = resource.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(resource.author)
    assert client.get(url).status_code == 200
    client.force_login(UserFactory(cress_admin=True))
    assert client.get(url).status_code == 200


def test_the_pdf_is_served_by_an_authorised_view_only(client):
    resource = ResourceFactory.build(pending=True, body="", author=UserFactory())
    resource.pdf.save("x.pdf", ContentFile(PDF))  # saves the row too
    url = reverse("ambassadors:resource_pdf", args=[resource.pk])
    assert client.get(url).status_code == 404
    client.force_login(resource.author)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    contact.moderate_resource(resource=resource, publish=True, by=UserFactory())
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_cress_admins_publish_or_reject_with_a_message(client, django_capture_on_commit_callbacks):
    published, rejected = ResourceFactory(pending=True), ResourceFactory(pending=True)
    client.force_login(UserFactory(cress_admin=True))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("ambassadors:resource_moderate", args=[published.pk]), {"decision": "publish"}
        )
        client.post(
            reverse("ambassadors:resource_moderate", args=[rejected.pk]),
            {"decision": "reject", "message": "Ajoutez des sources."},
        )
    published.refresh_from_db()
    rejected.refresh_from_db()
    assert published.status == "published" and published.published_at
    assert rejected.status == "rejected"
    assert "Ajoutez des sources." in mail.outbox[-1].body


def test_a_non_admin_cannot_moderate(client):
    resource = ResourceFactory(pending=True)
    client.force_login(AmbassadorFactory().user)
    response = client.post(
        reverse("ambassadors:resource_moderate", args=[resource.pk]), {"decision": "publish"}
    )
    assert response.status_code == 403


def test_editing_a_fiche_sends_it_back_to_review(client):
    resource = ResourceFactory()
    client.force_login(resource.author)
    client.post(
        reverse("ambassadors:resource_edit", args=[resource.pk]),
        {**FORM, "body": "## Nouveau contenu"},
    )
    resource.refresh_from_db()
    assert resource.status == Resource.Status.PENDING


def test_the_body_is_sanitised_markdown(client):
    resource = ResourceFactory(
        body="## Titre\n\n<script>alert(1)</script>\n\n[lien](javascript:alert(1)) **gras**"
    )
    page = client.get(resource.get_absolute_url()).text
    assert "<h2>Titre</h2>" in page and "<strong>gras</strong>" in page
    assert "<script>alert" not in page and "javascript:" not in page


def test_search_by_words_dimension_and_tool(client):
    ResourceFactory(
        title="Sauvegardes", summary="Règle 3-2-1", dimensions=["securite_rgpd"], tools=["borg"]
    )
    ResourceFactory(
        title="Site web sobre", summary="Éco-conception", dimensions=["communication"], tools=[]
    )
    ResourceFactory(title="Brouillon", pending=True)

    def titles(**params):
        response = client.get(reverse("ambassadors:resources"), params)
        return [r.title for r in response.context["page"].object_list]

    assert sorted(titles()) == ["Sauvegardes", "Site web sobre"]
    assert titles(q="sobre") == ["Site web sobre"]
    assert titles(q="3-2-1") == ["Sauvegardes"]
    assert titles(dimension="communication") == ["Site web sobre"]
    assert titles(outil="Borg") == ["Sauvegardes"]


@pytest.mark.parametrize("count", [1, 50])
def test_resources_list_queries_do_not_grow(client, count, django_assert_num_queries):
    ResourceFactory.create_batch(count)
    with django_assert_num_queries(2):
        assert client.get(reverse("ambassadors:resources")).status_code == 200
