"""The observatory's bar charts: each label written in full inside the drawing, and text that
stays readable once the drawing is shrunk to a phone's width."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from advisers import charts
from tests.advisers.factories import completed_diagnostic
from tests.factories import OrganisationFactory, UserFactory
from tests.pages import readable

SVG = "{http://www.w3.org/2000/svg}"
LONG = [
    ("Stratégie et pilotage du numérique", 55.0),
    ("Compétences, référent·es et accompagnement", 42.0),
    ("Outils de gestion (adhérent·es, comptabilité, RH, données)", None),
    ("Numérique responsable (sobriété, libre, éthique, inclusion)", 100.0),
]


def lines(root: ET.Element) -> list[tuple[float, str, str | None]]:
    """(x, text, anchor) of every line of text: a <text>, or each <tspan> of one."""
    out = []
    for text in root.iter(f"{SVG}text"):
        spans = list(text.iter(f"{SVG}tspan"))
        for line in spans or [text]:
            out.append((float(line.get("x")), line.text, text.get("text-anchor")))
    return out


def labels(root: ET.Element, count: int) -> list[str]:
    """The labels as read, line after line, for the first `count` rows."""
    texts = [t for t in root.iter(f"{SVG}text") if t.get("x") in (None, "0")]
    return [" ".join(t.strip() for t in text.itertext()) for text in texts[:count]]


def inside(root: ET.Element) -> None:
    """Every line starts at or after the drawing's left edge and, at 0.6 em a character,
    ends before its right edge."""
    x0, _y0, width, _height = map(float, root.get("viewBox").split())
    font = float(root.get("font-size"))
    for x, text, anchor in lines(root):
        length = len(text) * 0.6 * font
        start = x - length if anchor == "end" else x
        assert x0 <= start and start + length <= x0 + width, text


def test_long_labels_are_written_in_full_above_their_bars():
    markup = charts.bars_svg(LONG, title="Médianes", description="Par groupe")
    root = ET.fromstring(markup)
    assert "…" not in markup
    assert labels(root, len(LONG)) == [label for label, _value in LONG]
    inside(root)
    # Above its bar: each bar starts at the left edge, below its label.
    bars = list(root.iter(f"{SVG}rect"))
    assert [b.get("x") for b in bars] == ["0", "0", "0"]
    # Drawn at its own size at most, text 15 units high (about 13 px on a phone).
    assert root.get("width") == "400"
    assert root.get("viewBox").startswith("0 0 400 ")
    assert root.get("font-size") == "15"


def test_short_labels_stay_in_a_column_beside_the_bars():
    root = ET.fromstring(
        charts.bars_svg([("2025", 48.0), ("2026", 51.0)], title="t", description="d")
    )
    texts = list(root.iter(f"{SVG}text"))
    assert [t.text for t in texts] == ["2025", "48", "2026", "51"]
    assert texts[0].get("text-anchor") == "end"
    assert float(next(root.iter(f"{SVG}rect")).get("x")) > 0
    inside(root)


def test_stacked_bars_write_their_labels_and_legend_in_full():
    rows = [(label, [3, 5, 1]) for label, _value in LONG]
    markup = charts.stacked_svg(
        rows, legend=["Peu initiée", "En progrès", "Expérimentée"], title="t", description="d"
    )
    root = ET.fromstring(markup)
    assert "…" not in markup
    assert labels(root, len(rows)) == [label for label, _counts in rows]
    assert [t.text for t in root.iter(f"{SVG}text")][-3:] == [
        "Peu initiée",
        "En progrès",
        "Expérimentée",
    ]
    inside(root)
    # Every bar fills the drawing's width.
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("y") != "0"][:3]
    assert sum(widths) == pytest.approx(400, abs=0.2)


@pytest.mark.django_db
def test_the_observatory_page_names_each_dimension_in_full_in_its_chart(client):
    for score in (20.0, 40.0, 50.0, 60.0, 80.0):
        diagnostic = completed_diagnostic(OrganisationFactory(), score=score)
    client.force_login(UserFactory(cress_admin=True))
    page = readable(client.get(reverse("advisers:observatory")))
    chart = re.search(r'<svg[^>]*class="bar-chart".*?</svg>', page, re.S).group(0)
    assert "…" not in chart
    titles = [d["title"] for d in diagnostic.snapshot.data["dimensions"]]
    assert labels(ET.fromstring(chart), len(titles)) == titles
