"""The CRESS observatory: figures over latest diagnostics, suppression of small groups,
exports; the rules as plain functions."""

import csv
import io
import json
import statistics
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from advisers import observatory
from advisers.models import DIMENSION_SLOTS, ObservatoryDimension, ObservatoryFact, score_column
from advisers.portfolio import reference_structure
from maturity.models import Diagnostic
from tests.advisers.factories import completed_diagnostic, questionnaire
from tests.factories import OrganisationFactory
from tests.pages import readable

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
    assert "<svg" in html and '<caption id="' in html and 'style="' not in html
    assert "Évolution par année" in html
    hidden = client.get(reverse("advisers:observatory"), {"sector": "sport"}).content.decode()
    assert "Chiffres masqués." in hidden
    by_region = client.get(reverse("advisers:observatory"), {"by": "region"}).content.decode()
    assert "Nouvelle-Aquitaine" in by_region


def _medians_table(html: str) -> str:
    return html.split('id="medianes"', 1)[1].split("</table>", 1)[0]


@pytest.mark.django_db
def test_the_medians_of_each_dimension_by_group_are_one_link_away(cast, client_for):
    _organisations(6, sector="culture")
    _organisations(2, sector="sport")
    client = client_for(cast.users["cress_admin"])
    url = reverse("advisers:observatory")
    # At first, the table of the chart: each group, its organisations and its global median.
    page = client.get(url, {"by": "sector"}).content.decode()
    table = _medians_table(page)
    assert table.count('<th scope="col">') == 3
    assert '<td colspan="2">masqué (moins de 5 organisations)</td>' in table
    assert 'href="?by=sector&amp;detail=dimensions#medianes"' in page
    # One link (no script) adds the median of every dimension; filtering again keeps them.
    detailed = client.get(url, {"by": "sector", "detail": "dimensions"}).content.decode()
    table = _medians_table(detailed)
    dimensions = len(observatory.compute({}, "sector").dimensions)
    assert dimensions and table.count('<th scope="col">') == 3 + dimensions
    assert f'<td colspan="{dimensions + 2}">masqué (moins de 5 organisations)</td>' in table
    assert '<input type="hidden" name="detail" value="dimensions">' in detailed
    assert 'href="?by=sector#medianes"' in detailed


@pytest.mark.django_db
def test_observatory_queries_are_bounded(cast, client_for, django_assert_num_queries):
    _organisations(12)
    client = client_for(cast.users["cress_admin"])
    client.get(reverse("advisers:observatory"))
    from django.db import connection

    # SQLite reads the scores twice more, for the medians computed in Python (as below).
    extra = 0 if connection.vendor == "postgresql" else 2
    with django_assert_num_queries(9 + extra):
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


@pytest.mark.django_db
def test_the_departement_is_typed_by_its_number(cast, client_for):
    _organisations(5, departement="33")
    _organisations(5, departement="86")
    client = client_for(cast.users["cress_admin"])
    page = client.get(reverse("advisers:observatory")).content.decode()
    assert '<select name="departement"' not in page and 'name="departement"' in page
    gironde = client.get(reverse("advisers:observatory"), {"departement": " 33 "})
    assert "5 organisations" in readable(gironde.content.decode())
    unknown = client.get(reverse("advisers:observatory"), {"departement": "99"})
    assert unknown.status_code == 200
    assert "Ce numéro de département n'existe pas." in readable(unknown.content.decode())


# --- The observatory's table, against an independent computation -------------------------------


def _varied_scores(diagnostic, seed: int, *, overall: float, missing: str | None = None):
    """Give each dimension of a factory diagnostic its own score, as a stored snapshot would,
    and record it again like store_snapshot does."""
    snapshot = diagnostic.snapshot
    snapshot.overall_score = overall
    snapshot.save(update_fields=["overall_score"])
    for index, result in enumerate(snapshot.dimension_results.order_by("dimension")):
        result.score = None if result.dimension == missing else float((seed * 7 + index * 13) % 101)
        result.save(update_fields=["score"])
    observatory.record([diagnostic.pk])


def _expected(filters: dict[str, str], field_name: str):
    """The observatory's figures computed in plain Python from the source tables."""
    structure = reference_structure()
    codes = [s.code for s in structure.dimensions]
    bounds = observatory.level_bounds(list(structure.level_texts.values()))
    diagnostics = [
        d
        for d in Diagnostic.objects.filter(status="completed").select_related(
            "organisation", "snapshot"
        )
        if all(getattr(d.organisation, k) == v for k, v in filters.items())
    ]
    latest: dict[int, Diagnostic] = {}
    for d in diagnostics:
        best = latest.get(d.organisation_id)
        if best is None or (d.completed_at, d.pk) > (best.completed_at, best.pk):
            latest[d.organisation_id] = d
    by_group: dict[str, list[Diagnostic]] = {}
    for d in latest.values():
        by_group.setdefault(getattr(d.organisation, field_name), []).append(d)

    def scores_of(d):
        return {r.dimension: r.score for r in d.snapshot.dimension_results.all()}

    def median(values):
        known = [v for v in values if v is not None]
        return round(statistics.median(known), 1) if known else None

    def level_counts(values):
        return [
            sum(1 for v in values if v is not None and v >= low and (high is None or v < high))
            for _code, _label, low, high in bounds
        ]

    groups = {
        value: (
            len(members),
            median([d.snapshot.overall_score for d in members]),
            [median([scores_of(d).get(code) for d in members]) for code in codes],
        )
        for value, members in by_group.items()
        if len(members) >= 5
    }
    everyone = list(latest.values())
    levels = {code: level_counts([scores_of(d).get(code) for d in everyone]) for code in codes}
    overall_levels = level_counts([d.snapshot.overall_score for d in everyone])
    years: dict[int, list[Diagnostic]] = {}
    for d in diagnostics:
        years.setdefault(timezone.localtime(d.completed_at).year, []).append(d)
    by_year = {
        year: (
            len(members),
            len({d.organisation_id for d in members}),
            median([d.snapshot.overall_score for d in members]),
        )
        for year, members in years.items()
        if len({d.organisation_id for d in members}) >= 5
    }
    return len(everyone), groups, levels, overall_levels, by_year


def _observed(figures):
    groups = {
        g["value"]: (g["organisations"], g["median"], g["medians"])
        for g in figures.groups
        if g["shown"]
    }
    levels = {d["code"]: [lv["count"] for lv in d["levels"]] for d in figures.dimensions}
    overall_levels = [lv["count"] for lv in figures.overall_levels]
    years = {
        y["year"]: (y["diagnostics"], y["organisations"], y["median"])
        for y in figures.years
        if y["shown"]
    }
    return figures.population, groups, levels, overall_levels, years


@pytest.fixture
def varied_population():
    """16 organisations in 3 sectors and 3 départements; some with an older diagnostic (one
    completed at the very same moment as the newer one), one dimension without a score, one
    diagnostic still in progress: what the latest-diagnostic and grouping rules must handle."""
    now = timezone.now()
    places = [("culture", "33", "75"), ("sport", "35", "53"), ("social", "33", "75")]
    organisations = []
    for n in range(16):
        sector, departement, region = places[n % 3] if n < 15 else places[0]
        organisation = OrganisationFactory(
            sector=sector, departement=departement, region=region, staff_band="1-2"
        )
        organisations.append(organisation)
        if n % 3 == 0:  # an older diagnostic, a year earlier, that only the years count
            old = completed_diagnostic(organisation, when=now - timedelta(days=400))
            _varied_scores(old, seed=n + 50, overall=float(90 - n))
        when = now - timedelta(days=n)
        diagnostic = completed_diagnostic(organisation, when=when)
        _varied_scores(
            diagnostic, seed=n, overall=float(20 + 4 * n), missing="gouvernance" if n == 3 else None
        )
        if n == 5:  # same completion time: the higher id is the latest
            tie = completed_diagnostic(organisation, when=when)
            _varied_scores(tie, seed=n + 80, overall=77.0)
    Diagnostic.objects.create(organisation=organisations[1], questionnaire=questionnaire())
    return organisations


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filters", "breakdown", "field_name"),
    [
        ({}, "sector", "sector"),
        ({}, "departement", "departement"),
        ({}, "region", "region"),
        ({"staff_band": "1-2"}, "legal_form", "legal_form"),
    ],
)
def test_figures_match_an_independent_computation(
    varied_population, filters, breakdown, field_name
):
    figures = observatory.compute(filters, breakdown)
    assert figures.shown
    assert _observed(figures) == _expected(filters, field_name)


@pytest.mark.django_db
def test_a_dimension_without_a_score_is_left_out_of_its_median_and_levels(varied_population):
    figures = observatory.compute({}, "sector")
    by_code = {d["code"]: d for d in figures.dimensions}
    assert by_code["gouvernance"]["organisations"] == 15
    assert sum(lv["count"] for lv in by_code["gouvernance"]["levels"]) == 15
    assert by_code["strategie"]["organisations"] == 16


@pytest.mark.django_db
def test_a_profile_edit_moves_the_organisation_to_its_new_group(varied_population):
    before = {g["value"]: g["organisations"] for g in observatory.compute({}, "sector").groups}
    moved = varied_population[1]  # sport → culture
    moved.sector = "culture"
    moved.save(update_fields=["sector"])
    after = {g["value"]: g["organisations"] for g in observatory.compute({}, "sector").groups}
    assert after["culture"] == before["culture"] + 1
    assert _observed(observatory.compute({}, "sector")) == _expected({}, "sector")


@pytest.mark.django_db
def test_an_erased_organisation_leaves_nothing_in_the_observatory(varied_population):
    from accounts import rgpd

    erased = varied_population[0]
    assert ObservatoryFact.objects.filter(organisation=erased).count() == 2
    rgpd.erase_organisation(erased)
    # Rows go with the organisation (cascade): no un-linked row is left to single it out.
    assert ObservatoryFact.objects.count() == Diagnostic.objects.filter(status="completed").count()
    assert not ObservatoryFact.objects.filter(organisation_id=erased.pk).exists()
    figures = observatory.compute({}, "sector")
    assert figures.population == 15
    assert _observed(figures) == _expected({}, "sector")


@pytest.mark.django_db
def test_rebuild_command_gives_the_same_figures(varied_population):
    before = _observed(observatory.compute({}, "departement"))
    ObservatoryFact.objects.all().delete()
    assert observatory.compute({}, "departement").population is None
    out = io.StringIO()
    call_command("rebuild_observatory", stdout=out)
    assert "23 diagnostics terminés repris" in out.getvalue()
    assert _observed(observatory.compute({}, "departement")) == before
    call_command("rebuild_observatory", stdout=io.StringIO())  # again: nothing doubled
    assert ObservatoryFact.objects.count() == 23
    assert ObservatoryFact.objects.filter(is_latest=True).count() == 16


@pytest.mark.django_db
def test_completing_a_diagnostic_records_it_and_moves_the_latest_flag(cast):
    from maturity import services as maturity_services
    from tests.maturity.factories import diagnostic_with_respondent
    from tests.maturity.test_collective_and_results import answer_all, strongest, weakest

    first, respondent = diagnostic_with_respondent(questionnaire=questionnaire())
    answer_all(respondent, weakest)
    maturity_services.complete(diagnostic=first, by=respondent.user)
    fact = ObservatoryFact.objects.get(diagnostic=first)
    assert fact.is_latest and fact.organisation_id == first.organisation_id
    assert fact.overall_score == first.snapshot.overall_score
    slots = dict(ObservatoryDimension.objects.values_list("code", "slot"))
    for result in first.snapshot.dimension_results.all():
        assert getattr(fact, score_column(slots[result.dimension])) == result.score

    second, respondent = maturity_services.start_diagnostic(
        organisation=first.organisation, user=respondent.user
    )
    answer_all(respondent, strongest)
    maturity_services.complete(diagnostic=second, by=respondent.user)
    facts = {
        f.diagnostic_id: f for f in ObservatoryFact.objects.filter(organisation=first.organisation)
    }
    assert not facts[first.pk].is_latest and facts[second.pk].is_latest
    assert facts[second.pk].overall_score > facts[first.pk].overall_score


@pytest.mark.django_db
def test_dimension_columns_are_given_once_and_never_reused(caplog):
    ObservatoryDimension.objects.create(code="ancienne", slot=1)
    slots = observatory._dimension_slots(["ancienne", "nouvelle", "autre"])
    assert slots == {"ancienne": 1, "nouvelle": 2, "autre": 3}
    assert observatory._dimension_slots(["autre"])["autre"] == 3
    ObservatoryDimension.objects.bulk_create(
        ObservatoryDimension(code=f"d{n}", slot=n) for n in range(4, DIMENSION_SLOTS + 1)
    )
    slots = observatory._dimension_slots(["de_trop"])
    assert "de_trop" not in slots and "de_trop" in caplog.text


@pytest.mark.django_db
def test_a_page_reads_the_observatory_table_only_in_a_few_queries(varied_population):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reference_structure()  # the questionnaire's structure is cached across pages
    with CaptureQueriesContext(connection) as unfiltered:
        observatory.compute({}, "departement")
    with CaptureQueriesContext(connection) as filtered:
        observatory.compute({"staff_band": "1-2", "region": "75"}, "legal_form")
    for captured in (unfiltered, filtered):
        sql = " ".join(q["sql"] for q in captured.captured_queries)
        # Never the per-dimension result rows (1,000,000 of them for 100,000 diagnostics).
        assert "maturity_dimensionresult" not in sql and "maturity_resultsnapshot" not in sql
    # Questionnaire, dimension columns, grouping, years (+ rule 2 with filters), and on SQLite
    # one read of the scores each for the medians computed in Python.
    extra = 0 if connection.vendor == "postgresql" else 2
    assert len(unfiltered.captured_queries) == 4 + extra
    assert len(filtered.captured_queries) == 5 + extra


@pytest.mark.django_db
def test_the_migration_backfills_an_existing_database_like_record(varied_population):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("advisers.migrations.0003_backfill_observatory_facts")
    pages = [({}, "sector"), ({}, "departement"), ({"staff_band": "1-2"}, "region")]
    before = [_observed(observatory.compute(f, by)) for f, by in pages]
    flags = set(
        ObservatoryFact.objects.values_list("diagnostic_id", "is_latest", "is_latest_of_year")
    )
    ObservatoryFact.objects.all().delete()
    ObservatoryDimension.objects.all().delete()
    migration.backfill(apps, None)
    assert [_observed(observatory.compute(f, by)) for f, by in pages] == before
    assert (
        set(ObservatoryFact.objects.values_list("diagnostic_id", "is_latest", "is_latest_of_year"))
        == flags
    )
