"""One rounding for every score shown: the radar, the tables, the written synthesis, the PDF
and the adviser's CSV show 32.5 as 33 (halves up, as people round; Python's round() and
format() gave 32 in the table beside a 33 in the radar)."""

import csv
import io
import re

import pytest
from django.urls import reverse

from maturity import charts, results_document
from maturity.scoring import display_score
from maturity.structure import structure_for
from maturity.templatetags.maturity_tags import score_display
from tests.advisers.factories import completed_diagnostic, live_consent

pytestmark = pytest.mark.django_db

HALF = 32.5


@pytest.mark.parametrize(
    ("value", "shown"),
    [(32.5, 33), (32.49, 32), (0.5, 1), (99.5, 100), (100, 100), (0, 0), (None, None)],
)
def test_display_score_rounds_halves_up(value, shown):
    assert display_score(value) == shown
    assert score_display(value) == ("—" if shown is None else str(shown))


def test_a_mean_a_hair_below_a_half_is_still_rounded_up():
    assert display_score((32 + 33) / 2 - 1e-12) == 33


def test_the_radar_describes_the_score_as_the_table_shows_it():
    svg = charts.radar_svg(
        [("Stratégie", HALF), ("Équipement", 10.0), ("Gestion", 70.0)],
        title="Scores",
        description="",
    )
    assert "Stratégie : 33 sur 100" in svg


def _cells(html: str) -> list[str]:
    return re.findall(r"<td>(\d+)</td>", html)


def test_results_page_pdf_and_csv_agree_on_a_half_score(cast, client_for):
    organisation = cast.org_a
    diagnostic = completed_diagnostic(organisation, score=HALF)
    dimensions = len(diagnostic.snapshot.data["dimensions"])

    page = client_for(cast.users["member_a"]).get(reverse("maturity:results", args=[diagnostic.pk]))
    html = page.content.decode()
    assert _cells(html)[:dimensions] == ["33"] * dimensions  # the table
    assert html.count("33 sur 100") >= dimensions  # the radar's description and the synthesis
    assert "32 sur 100" not in html and "<td>32</td>" not in html

    structure = structure_for(diagnostic.questionnaire)
    document = results_document.document_html(diagnostic, diagnostic.snapshot.data, structure)
    assert _cells(document)[:dimensions] == ["33"] * dimensions
    assert "<td>32</td>" not in document

    adviser = cast.users["adviser"]
    live_consent(organisation, adviser, by=cast.users["admin_a"])
    exported = client_for(adviser).get(reverse("advisers:portfolio_csv")).content.decode()
    (row,) = csv.DictReader(io.StringIO(exported))
    assert row["Score global"] == "33"
