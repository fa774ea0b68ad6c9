"""The results' radar as people read it: every dimension named in full, and a key that says
which polygon is the organisation's and which the median of comparable organisations, in the
page and in the results document."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from maturity import results_document
from maturity.structure import structure_for
from tests.advisers.factories import completed_diagnostic
from tests.factories import MembershipFactory, OrganisationFactory
from tests.pages import readable

pytestmark = pytest.mark.django_db

SCORE_KEY = "Votre organisation (trait plein vert)"
MEDIAN_KEY = "Médiane des organisations comparables (tirets orange) — Même secteur : "


def _organisation_with(peers: int):
    """An organisation with its completed diagnostic, and `peers` others of its sector."""
    membership = MembershipFactory(admin=True, organisation=OrganisationFactory(sector="culture"))
    diagnostic = completed_diagnostic(membership.organisation, score=70.0)
    for _ in range(peers):
        completed_diagnostic(OrganisationFactory(sector="culture"), score=40.0)
    cache.clear()  # the groups' medians are cached
    return membership, diagnostic


def _results_page(client, membership, diagnostic) -> str:
    client.force_login(membership.user)
    return readable(client.get(reverse("maturity:results", args=[diagnostic.pk])))


def test_the_dashed_median_is_explained_right_under_the_radar(client):
    membership, diagnostic = _organisation_with(peers=4)
    page = _results_page(client, membership, diagnostic)
    assert 'class="radar-comparison"' in page
    chart = page.index('class="radar-chart"')
    key = page.index('class="chart-key"')
    assert chart < key < page.index("Score et niveau par dimension")
    assert SCORE_KEY in page
    assert re.search(re.escape(MEDIAN_KEY) + r"[^<]+, 5 organisations</li>", page)


def test_without_a_group_of_five_there_is_no_median_and_no_key(client):
    membership, diagnostic = _organisation_with(peers=3)
    page = _results_page(client, membership, diagnostic)
    assert 'class="radar-chart"' in page
    assert 'class="radar-comparison"' not in page
    assert "chart-key" not in page


def test_the_results_document_has_the_same_key(client):
    _membership, diagnostic = _organisation_with(peers=4)
    structure = structure_for(diagnostic.questionnaire)
    html = readable(results_document.document_html(diagnostic, diagnostic.snapshot.data, structure))
    chart = html.index('class="radar-chart"')
    assert chart < html.index(SCORE_KEY) < html.index(MEDIAN_KEY)


def test_the_radar_writes_every_dimension_title_in_full(client):
    membership, diagnostic = _organisation_with(peers=4)
    page = _results_page(client, membership, diagnostic)
    labels = re.search(r'<g class="radar-labels"[^>]*>(.*?)</g>', page).group(1)
    written = [
        " ".join(re.findall(r">([^<]+)<", text))
        for text in re.findall(r"<text[^>]*>.*?</text>", labels)
    ]
    titles = [d["title"] for d in diagnostic.snapshot.data["dimensions"]]
    assert written == titles
    assert "…" not in labels
