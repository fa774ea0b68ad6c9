"""The CRESS observatory: figures over latest diagnostics, suppression of small groups,
exports; the rules as plain functions."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from advisers import observatory
from tests.advisers.factories import completed_diagnostic
from tests.factories import OrganisationFactory

# --- Pure rules ---------------------------------------------------------------------------------


def test_a_group_needs_five_organisations():
    assert not observatory.group_is_shown(4)
    assert observatory.group_is_shown(5)


@pytest.mark.parametrize(
    ("count", "without", "shown"),
    [
        (4, [], False),  # too small
        (5, [], True),
        (12, [12], True),  # the filter removes nobody
        (12, [13], False),  # the filter sets one organisation apart
        (12, [16], False),  # … or four
        (12, [17], True),  # five or more removed: fine
        (12, [17, 13], False),  # any filter that singles out is enough to suppress
    ],
)
def test_population_rule_guards_against_differences(count, without, shown):
    assert observatory.population_is_shown(count, without) is shown


def test_level_bounds_from_thresholds():
    bounds = observatory.level_bounds(
        [
            {"code": "b", "label": "B", "min_score": 40},
            {"code": "a", "label": "A", "min_score": 0},
        ]
    )
    assert bounds == [("a", "A", 0, 40), ("b", "B", 40, None)]


# --- Figures ------------------------------------------------------------------------------------


def _organisations(count, *, score=50.0, **fields):
    made = []
    for n in range(count):
        organisation = OrganisationFactory(**fields)
        completed_diagnostic(organisation, score=score + n)
        made.append(organisation)
    return made


@pytest.mark.django_db
def test_figures_use_only_the_latest_diagnostic_of_each_organisation():
    organisations = _organisations(5, score=80)
    completed_diagnostic(
        organisations[0], score=10, when=timezone.now() - timedelta(days=400)
    )  # older
    figures = observatory.compute({}, "sector")
    assert figures.shown and figures.population == 5
    (culture,) = figures.groups
    assert culture["organisations"] == 5 and culture["median"] == 82.0
    assert sum(lv["count"] for lv in figures.overall_levels) == 5
    dimension = figures.dimensions[0]
    assert [lv["count"] for lv in dimension["levels"]] == [0, 0, 5]
    # Every completed diagnostic counts in the evolution by year, the old one too.
    assert sum(y["diagnostics"] or 0 for y in figures.years) in (5, 6)


@pytest.mark.django_db
def test_small_groups_are_suppressed_but_the_total_stays():
    _organisations(6, sector="culture")
    _organisations(2, sector="sport")
    figures = observatory.compute({}, "sector")
    groups = {g["value"]: g for g in figures.groups}
    assert groups["culture"]["shown"] and groups["culture"]["organisations"] == 6
    assert not groups["sport"]["shown"]
    assert groups["sport"]["organisations"] is None and groups["sport"]["median"] is None
    assert groups["sport"]["medians"] == [None] * len(figures.dimensions)


@pytest.mark.django_db
def test_a_filter_leaving_fewer_than_five_suppresses_everything():
    _organisations(6, sector="culture", departement="33")
    _organisations(3, sector="culture", departement="35")
    assert not observatory.compute({"departement": "35"}, "sector").shown
    # 33 has 6, but the filter sets the 3 of 35 apart from the culture total: suppressed too.
    figures = observatory.compute({"sector": "culture", "departement": "33"}, "sector")
    assert not figures.shown and figures.population is None and figures.groups == []
    # Without the sector filter, the difference with the whole is the 3 of 35: suppressed.
    assert not observatory.compute({"departement": "33"}, "sector").shown
    _organisations(2, sector="culture", departement="35")
    assert observatory.compute({"departement": "33"}, "sector").shown


# --- Pages and exports --------------------------------------------------------------------------


@pytest.mark.django_db
def test_observatory_page_with_suppression_said_clearly(cast, client_for):
    _organisations(6, sector="culture")
    _organisations(2, sector="sport")
    client = client_for(cast.users["cress_admin"])
    html = client.get(reverse("advisers:observatory")).content.decode()
    assert "masqué (moins de 5 organisations)" in html
    assert "<svg" in html and "<caption>" in html and 'style="' not in html
    assert "Évolution par année" in html
    hidden = client.get(reverse("advisers:observatory"), {"sector": "sport"}).content.decode()
    assert "Chiffres masqués." in hidden
    by_region = client.get(reverse("advisers:observatory"), {"by": "region"}).content.decode()
    assert "Nouvelle-Aquitaine" in by_region


@pytest.mark.django_db
def test_observatory_queries_are_bounded(cast, client_for, django_assert_max_num_queries):
    _organisations(12)
    client = client_for(cast.users["cress_admin"])
    client.get(reverse("advisers:observatory"))
    with django_assert_max_num_queries(16):
        client.get(
            reverse("advisers:observatory"),
            {"sector": "culture", "region": "75", "staff_band": "1-2", "by": "departement"},
        )


@pytest.mark.django_db
def test_exports_as_csv_and_json(cast, client_for):
    _organisations(6, sector="culture")
    _organisations(2, sector="sport")
    client = client_for(cast.users["cress_admin"])
    response = client.get(reverse("advisers:observatory_csv"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_group = {r["groupe"]: r for r in rows}
    assert by_group["culture"]["organisations"] == "6" and by_group["culture"]["masque"] == "non"
    assert by_group["sport"]["masque"] == "oui" and by_group["sport"]["organisations"] == ""
    assert any(key.startswith("mediane_") for key in rows[0] if key != "mediane_globale")
    document = json.loads(client.get(reverse("advisers:observatory_json")).content)
    assert document["minimum_group"] == 5 and document["organisations"] == 8
    groups = {g["code"]: g for g in document["breakdown"]["groups"]}
    assert groups["sport"]["suppressed"] and groups["sport"]["median_by_dimension"] is None
    assert len(document["dimensions"][0]["levels"]) == 3
    hidden = json.loads(
        client.get(reverse("advisers:observatory_json"), {"sector": "sport"}).content
    )
    assert hidden["suppressed"] and hidden["organisations"] is None and hidden["dimensions"] == []


@pytest.mark.django_db
def test_bad_filter_values_are_ignored(cast, client_for):
    _organisations(5)
    client = client_for(cast.users["cress_admin"])
    response = client.get(reverse("advisers:observatory"), {"sector": "inconnu", "by": "x"})
    assert response.status_code == 200
