import math
import xml.etree.ElementTree as ET

import pytest
import yaml
from django.conf import settings
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from maturity.charts import COMPARISON_COLOUR, SCORE_COLOUR, radar_key, radar_svg

SVG = "{http://www.w3.org/2000/svg}"
SHIPPED = settings.BASE_DIR / "fixtures" / "questionnaire.yaml"
AXES = [("Gouvernance", 62.4), ("Outils", 80.0), ("Compétences", None), ("Données", 30.0)]


def draw(axes=AXES, **kwargs):
    kwargs.setdefault("title", "Profil de maturité")
    kwargs.setdefault("description", "Score de chaque dimension, sur 100.")
    return radar_svg(axes, **kwargs)


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def by_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [el for el in root.iter() if name in el.get("class", "").split()]


def points(polygon: ET.Element) -> list[tuple[float, float]]:
    return [tuple(map(float, pair.split(","))) for pair in polygon.get("points").split()]


def rings(root: ET.Element) -> list[list[tuple[float, float]]]:
    return [points(p) for p in by_class(root, "radar-grid")[0].iter(f"{SVG}polygon")]


def centre(root: ET.Element) -> tuple[float, float]:
    # The centroid of a regular polygon's vertices is its centre.
    outer = rings(root)[-1]
    return (sum(x for x, _ in outer) / len(outer), sum(y for _, y in outer) / len(outer))


def labels(root: ET.Element) -> list[str]:
    texts = by_class(root, "radar-labels")[0].iter(f"{SVG}text")
    return [" ".join(t.strip() for t in text.itertext()) for text in texts]


def close(a: tuple[float, float], b: tuple[float, float]) -> bool:
    # Coordinates are written with one decimal.
    return math.dist(a, b) < 0.15


@pytest.mark.parametrize("count", range(3, 13))
def test_output_is_well_formed_svg_with_one_label_per_axis(count):
    axes = [(f"Dimension {i}", 10.0 * i) for i in range(count)]
    markup = draw(axes)
    assert isinstance(markup, SafeString)
    root = parse(markup)
    assert root.tag == f"{SVG}svg"
    assert labels(root) == [label for label, _ in axes]
    assert len(points(by_class(root, "radar-score")[0])) == count
    assert len(by_class(root, "radar-dots")[0]) == count
    assert [len(ring) for ring in rings(root)] == [count] * 4


def test_chart_is_an_image_named_by_its_title_and_description():
    root = parse(draw())
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    assert title.text == "Profil de maturité"
    assert desc.text.startswith("Score de chaque dimension, sur 100.")
    # Scores are rounded for reading; a missing one is said, not shown as a zero.
    assert "Gouvernance : 62 sur 100" in desc.text
    assert "Compétences : non renseigné" in desc.text


def test_description_mentions_the_comparison_values():
    root = parse(draw(comparison=[50.0, None, 70.0, 49.5]))
    desc = root.find(f"{SVG}desc").text
    assert "Outils : 80 sur 100 (comparaison : non renseigné)" in desc
    assert "Données : 30 sur 100 (comparaison : 50)" in desc  # 49.5 rounds half up


def test_ids_differ_between_different_charts_and_match_for_equal_ones():
    first, again = draw(), draw()
    other = draw(title="Autre profil")
    assert first == again
    assert parse(first).get("aria-labelledby") != parse(other).get("aria-labelledby")


def test_lazy_title_gives_the_same_output_as_plain_text():
    assert draw(title=gettext_lazy("Profil de maturité")) == draw(title="Profil de maturité")


def test_labels_and_texts_are_escaped_never_markup():
    axes = [("<script> alert(1)", 50.0), ("R&D", 40.0), ('Dons "en ligne"', 30.0)]
    markup = draw(axes, title="<b>Titre</b>", description="<i>desc</i>")
    root = parse(markup)
    assert "<script" not in markup
    assert "&lt;script&gt;" in markup
    assert not [el for el in root.iter() if el.tag.split("}")[-1] in {"script", "b", "i"}]
    assert labels(root) == ["<script> alert(1)", "R&D", 'Dons "en ligne"']
    assert root.find(f"{SVG}title").text == "<b>Titre</b>"


def test_long_labels_wrap_onto_as_many_lines_as_they_need_and_are_never_shortened():
    axes = [
        ("Compétences numériques", 50.0),
        ("Gouvernance et stratégie numérique de la structure", 40.0),
        ("Outils", 30.0),
    ]
    root = parse(draw(axes))
    texts = list(by_class(root, "radar-labels")[0].iter(f"{SVG}text"))
    assert texts[0].text == "Compétences numériques"
    assert [t.text for t in texts[1].iter(f"{SVG}tspan")] == [
        "Gouvernance et stratégie",
        "numérique de la",
        "structure",
    ]
    assert list(texts[2].iter(f"{SVG}tspan")) == []
    assert texts[2].text == "Outils"
    assert "…" not in draw(axes)
    # The full label stays available to screen readers.
    assert "Gouvernance et stratégie numérique de la structure" in root.find(f"{SVG}desc").text


def view_box(root: ET.Element) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of the drawing."""
    x, y, width, height = map(float, root.get("viewBox").split())
    return x, y, x + width, y + height


def test_the_shipped_dimensions_are_written_in_full_inside_the_drawing():
    """The ten dimensions of the shipped questionnaire, whose titles run up to 59 characters:
    each label reads in full, and the drawing holds every line (at a generous 0.6 em a
    character; the browser test measures the real text)."""
    titles = [d["title"] for d in yaml.safe_load(SHIPPED.read_text())["dimensions"]]
    root = parse(draw([(title, 50.0) for title in titles], comparison=[40.0] * len(titles)))
    assert labels(root) == titles
    left, top, right, bottom = view_box(root)
    font = float(by_class(root, "radar-labels")[0].get("font-size"))
    for text in by_class(root, "radar-labels")[0].iter(f"{SVG}text"):
        lines = list(text.iter(f"{SVG}tspan")) or [text]
        for line in lines:
            x, y = float(line.get("x")), float(line.get("y"))
            width = len(line.text) * 0.6 * font
            start = {"start": x, "middle": x - width / 2, "end": x - width}[text.get("text-anchor")]
            assert left <= start and start + width <= right, line.text
            assert top <= y - font and y + font * 0.3 <= bottom, line.text
    # The rings stay in the middle of the drawing, however wide the labels made it.
    assert math.isclose(centre(root)[0], (left + right) / 2, abs_tol=0.1)
    # As wide as it is drawn (it never grows past its size on a wide screen).
    assert float(root.get("width")) == right - left


def test_the_key_names_each_polygon_with_its_line_style():
    key = radar_key("Même région : Nouvelle-Aquitaine", 12)
    root = ET.fromstring(key)
    items = root.findall("li")
    assert [" ".join("".join(li.itertext()).split()) for li in items] == [
        "Votre organisation (trait plein vert)",
        "Médiane des organisations comparables (tirets orange) — Même région : "
        "Nouvelle-Aquitaine, 12 organisations",
    ]
    # Inline in HTML: no namespace.
    score, median = (li.find("svg") for li in items)
    assert score.get("aria-hidden") == median.get("aria-hidden") == "true"
    assert score.find("rect").get("stroke") == SCORE_COLOUR
    line = median.find("line")
    assert line.get("stroke") == COMPARISON_COLOUR
    assert line.get("stroke-dasharray") == "6 4"
    # The same dashes as the chart's median.
    chart = parse(draw(comparison=[50.0, 60.0, None, 70.0]))
    assert by_class(chart, "radar-comparison")[0].get("stroke-dasharray") == "6 4"
    assert "style" not in key


def test_no_comparison_no_key():
    assert radar_key(None) == ""
    assert isinstance(radar_key(None), SafeString)


def test_the_key_escapes_the_group_label():
    assert "<b>" not in radar_key("<b>Même secteur</b>", 5)


def test_a_full_score_lies_on_the_outer_ring_and_zero_at_the_centre():
    root = parse(draw([("A", 100.0), ("B", 0.0), ("C", 50.0), ("D", 100.0), ("E", 75.0)]))
    score = points(by_class(root, "radar-score")[0])
    quarter, half, three_quarters, outer = rings(root)
    middle = centre(root)
    assert close(score[0], outer[0])
    assert close(score[3], outer[3])
    assert close(score[1], middle)
    assert close(score[2], half[2])
    assert close(score[4], three_quarters[4])
    assert not close(score[2], outer[2])
    # The first axis points straight up from the centre.
    assert math.isclose(outer[0][0], middle[0], abs_tol=0.15)
    assert outer[0][1] < middle[1]
    assert close(quarter[0], ((middle[0] + outer[0][0]) / 2, (3 * middle[1] + outer[0][1]) / 4))


def test_missing_scores_are_drawn_at_the_centre_with_a_hollow_dot():
    root = parse(draw())
    score = points(by_class(root, "radar-score")[0])
    assert close(score[2], centre(root))
    dots = list(by_class(root, "radar-dots")[0])
    assert dots[2].get("fill") == "#ffffff"
    assert dots[0].get("fill") is None  # inherits the score colour from the group


def test_out_of_range_scores_stay_inside_the_chart():
    root = parse(draw([("A", 140.0), ("B", -20.0), ("C", 50.0)]))
    score = points(by_class(root, "radar-score")[0])
    outer = rings(root)[-1]
    assert close(score[0], outer[0])
    assert close(score[1], centre(root))


def test_comparison_is_a_dashed_polygon_in_its_own_colour():
    root = parse(draw(comparison=[100.0, None, 0.0, 50.0]))
    (comparison,) = by_class(root, "radar-comparison")
    assert comparison.get("stroke") == COMPARISON_COLOUR
    assert comparison.get("stroke-dasharray")
    assert comparison.get("fill") == "none"
    compared = points(comparison)
    assert close(compared[0], rings(root)[-1][0])
    assert close(compared[1], centre(root))
    (score,) = by_class(root, "radar-score")
    assert score.get("fill") == SCORE_COLOUR
    assert score.get("fill-opacity") == "0.25"
    assert not score.get("stroke-dasharray")


def test_no_comparison_means_no_comparison_polygon():
    assert by_class(parse(draw()), "radar-comparison") == []


def test_comparison_must_have_one_value_per_axis():
    with pytest.raises(ValueError):
        draw(comparison=[50.0, 60.0])


def test_no_inline_style_anywhere_because_the_csp_forbids_it():
    markup = draw(comparison=[50.0, 60.0, None, 70.0])
    root = parse(markup)
    assert not [el for el in root.iter() if "style" in el.attrib]
    assert root.find(f".//{SVG}style") is None
    assert "style" not in markup


def test_chart_stays_small_for_ten_axes_with_long_labels_and_a_comparison():
    axes = [(f"Dimension numéro {i} au libellé très long", 55.0) for i in range(10)]
    root = parse(draw(axes, comparison=[45.0] * 10))
    assert len(list(root.iter())) <= 60


@pytest.mark.parametrize("count", [0, 1, 2, 13])
def test_too_few_or_too_many_axes_give_an_empty_chart(count):
    markup = draw([(f"D{i}", 50.0) for i in range(count)])
    assert markup == ""
    assert isinstance(markup, SafeString)
