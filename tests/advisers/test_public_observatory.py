"""The public observatory: the secret rules as pure functions (with an exact audit of what
the published figures let anyone recompute), the figures, the page and the open data (CSV
per RFC 4180, Table Schema, data package, checked by frictionless)."""

import csv
import io
import itertools
import json
from datetime import datetime
from fractions import Fraction

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisers import observatory
from advisers import public_observatory as po
from advisers.models import ObservatoryFact
from advisers.portfolio import reference_structure
from maturity.models import DimensionResult
from tests.advisers.factories import completed_diagnostic
from tests.factories import OrganisationFactory

K = po.MIN_GROUP

# --- The exact audit ----------------------------------------------------------------------------


def _constraints(counts: po.YearCounts, region_of) -> tuple[dict, list[tuple]]:
    """Every cell of a year (its count) and every sum a reader knows holds between them."""
    total = ("ensemble", "ensemble")
    values = {total: counts.total}
    sums = []
    for name, parts in counts.flat.items():
        values.update({(name, key): n for key, n in parts.items()})
        sums.append((total, [(name, key) for key in parts]))
    members: dict[str, list[str]] = {}
    for code, n in counts.departements.items():
        values[("departement", code)] = n
        members.setdefault(region_of.get(code, ""), []).append(code)
    for region, codes in members.items():
        values[("region", region)] = sum(counts.departements[c] for c in codes)
        sums.append((("region", region), [("departement", c) for c in codes]))
    sums.append((total, [("region", region) for region in members]))
    sums.append((total, [("departement", code) for code in counts.departements]))
    return values, sums


def _withheld_vars(hidden: dict[str, set]) -> set[tuple]:
    return {(name, key) for name, keys in hidden.items() for key in keys}


def _echelon(rows: list[dict]) -> list[tuple]:
    basis: list[tuple] = []
    for row in rows:
        vector = _reduce(row, basis)
        if vector:
            pivot = min(vector, key=str)
            scale = vector[pivot]
            basis.append((pivot, {k: c / scale for k, c in vector.items()}))
    return basis


def _reduce(row: dict, basis: list[tuple]) -> dict:
    vector = {k: Fraction(c) for k, c in row.items() if c}
    for pivot, base in basis:
        factor = vector.get(pivot)
        if factor:
            for k, c in base.items():
                vector[k] = vector.get(k, 0) - factor * c
            vector = {k: c for k, c in vector.items() if c}
    return vector


def audit(counts: po.YearCounts, region_of, hidden, minimum: int = K) -> list[str]:
    """What a reader of the published figures could learn, exactly: linear algebra over the
    sums that hold between the cells (a breakdown adds up to the total, départements to their
    region). Returns the problems found: a small cell published, a withheld cell (or the sum
    of two withheld cells, or of a breakdown's withheld cells) recomputable and under
    `minimum`."""
    values, sums = _constraints(counts, region_of)
    withheld = _withheld_vars(hidden)
    problems = []
    if counts.total < minimum:
        problems += [f"published in a small year: {v}" for v in values if v not in withheld]
    problems += [
        f"small cell published: {v}"
        for v, n in values.items()
        if 0 < n < minimum and v not in withheld
    ]
    # Each sum, the published cells moved to the right-hand side: rows over the withheld ones.
    rows = []
    for total, parts in sums:
        row = {total: 1}
        for part in parts:
            row[part] = row.get(part, 0) - 1
        rows.append({v: c for v, c in row.items() if v in withheld and c})
        known_total = total not in withheld
        hidden_parts = [p for p in parts if p in withheld]
        if known_total and hidden_parts:
            share = sum(values[p] for p in hidden_parts)
            if len(hidden_parts) < 2 or share < minimum:
                problems.append(f"{total}: withheld parts {hidden_parts} add up to {share}")
    basis = _echelon([r for r in rows if r])
    unknowns = sorted(withheld, key=str)
    for v in unknowns:
        if not _reduce({v: 1}, basis):
            problems.append(f"recomputable: {v} = {values[v]}")
    for a, b in itertools.combinations(unknowns, 2):
        share = values[a] + values[b]
        if 0 < share < minimum and not _reduce({a: 1, b: 1}, basis):
            problems.append(f"recomputable small pair: {a} + {b} = {share}")
    return problems


# --- Pure rules ---------------------------------------------------------------------------------


def test_a_small_cell_is_withheld_with_the_next_smallest():
    assert po.withheld_parts(20, {"a": 3, "b": 5, "c": 12}) == {"a", "b"}
    assert po.withheld_parts(20, {"a": 8, "b": 12}) == set()
    assert po.withheld_parts(20, {"a": 0, "b": 20}) == set()  # an empty group gives nobody away


def test_complements_are_added_until_the_withheld_cells_add_up_to_five():
    # 1 + 1 = 2 could be recomputed from the total: the 6 goes too (not the 12).
    assert po.withheld_parts(20, {"a": 1, "b": 1, "c": 6, "d": 12}) == {"a", "b", "c"}
    # Two small cells that already add up to 5 need no complement.
    assert po.withheld_parts(15, {"a": 2, "b": 3, "c": 10}) == {"a", "b"}
    # Ties: the first key in order.
    assert po.withheld_parts(17, {"a": 2, "c": 5, "b": 5, "d": 5}) == {"a", "b"}


def test_a_year_under_five_withholds_everything_even_empty_groups():
    assert po.withheld_parts(4, {"a": 4, "b": 0}) == {"a", "b"}
    hidden = po.withheld_cells(
        po.YearCounts(total=4, flat={"secteur": {"a": 4}}, departements={"33": 4}), {"33": "75"}
    )
    assert hidden == {
        "ensemble": {"ensemble"},
        "secteur": {"a"},
        "region": {"75"},
        "departement": {"33"},
    }


def test_a_withheld_region_withholds_all_its_departements():
    region_of = {"33": "75", "64": "75", "87": "75", "35": "53", "75": "11"}
    departements = {"33": 6, "64": 2, "87": 5, "35": 3, "75": 8}
    regions, depts = po.withheld_geography(24, departements, region_of)
    # Bretagne (3) is small, Île-de-France (8) its complement; Nouvelle-Aquitaine is shown.
    assert regions == {"53", "11"}
    # Inside Nouvelle-Aquitaine: 64 (2) is small, 87 (5) its complement; 33 stays.
    assert depts == {"64", "87", "35", "75"}


SECTORS = ["a", "b", "c", "d"]
SIZES = ["s", "m", "l"]
REGION_OF = {"d1": "r1", "d2": "r1", "d3": "r2", "d6": "r2", "d4": "r3", "d5": ""}
LEVELS = ["l1", "l2", "l3", po.NO_LEVEL]
ORGANISATION = st.tuples(
    st.sampled_from(SECTORS),
    st.sampled_from(SIZES),
    st.sampled_from(sorted(REGION_OF)),
    st.sampled_from(LEVELS),
)
# Clumps of identical organisations: groups of every size, from 1 to over a hundred.
POPULATION = st.lists(st.tuples(ORGANISATION, st.integers(1, 12)), min_size=1, max_size=14)


def _year_counts(population) -> po.YearCounts:
    flat: dict[str, dict[str, int]] = {"secteur": {}, "taille": {}, "niveau": {}}
    departements: dict[str, int] = {}
    total = 0
    for (sector, size, departement, level), n in population:
        total += n
        for name, key in (("secteur", sector), ("taille", size), ("niveau", level)):
            flat[name][key] = flat[name].get(key, 0) + n
        departements[departement] = departements.get(departement, 0) + n
    return po.YearCounts(total=total, flat=flat, departements=departements)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(POPULATION)
def test_no_withheld_count_can_be_recomputed_within_a_year(population):
    counts = _year_counts(population)
    hidden = po.withheld_cells(counts, REGION_OF)
    assert audit(counts, REGION_OF, hidden) == []


def test_the_audit_finds_a_missing_complement():
    """The audit itself: without complementary suppression, it sees the small cell."""
    counts = po.YearCounts(
        total=14, flat={"secteur": {"a": 6, "b": 3, "c": 5}}, departements={"d1": 14}
    )
    only_primary = {"ensemble": set(), "secteur": {"b"}, "region": set(), "departement": set()}
    assert any("recomputable" in p for p in audit(counts, REGION_OF, only_primary))
    assert audit(counts, REGION_OF, po.withheld_cells(counts, REGION_OF)) == []


# --- Figures ------------------------------------------------------------------------------------

LAST_YEAR = timezone.localdate().year - 1


def _in(year: int, month: int = 6):
    return timezone.make_aware(datetime(year, month, 1, 12))


def _organisations(count, *, year=LAST_YEAR, score=40.0, **fields):
    made = []
    for n in range(count):
        organisation = OrganisationFactory(**fields)
        completed_diagnostic(organisation, score=score + n, when=_in(year))
        made.append(organisation)
    return made


def _cells(figures: po.PublicFigures, year: int) -> dict[str, po.Cell]:
    index = figures.years.index(year)
    return {row.code: row.cells[index] for row in figures.rows}


@pytest.fixture
def sectors():
    """Last year: culture 6, social 5, sport 3; this year (not published yet): 5 more."""
    _organisations(6, sector="culture")
    _organisations(5, sector="social", score=60)
    _organisations(3, sector="sport")
    _organisations(5, sector="sport", year=LAST_YEAR + 1)


@pytest.mark.django_db
def test_a_small_sector_is_withheld_with_its_complement(sectors):
    figures = po.compute("secteur")
    assert figures.years == [LAST_YEAR]  # the current year waits for its close
    assert figures.total.cells[0].organisations == 14
    cells = _cells(figures, LAST_YEAR)
    assert cells["culture"].organisations == 6 and cells["culture"].median == 42.5
    assert len(cells["culture"].medians) == len(figures.dimensions) == 10
    # Sport (3) is small; social (5), the next smallest, goes too: 14 - 6 gives 8, not 3.
    assert cells["sport"].withheld and cells["sport"].median is None
    assert cells["social"].withheld and cells["social"].medians == []
    assert cells["sante"].organisations == 0  # every sector is listed, empty ones too


@pytest.mark.django_db
def test_a_page_takes_the_medians_of_its_year_only(sectors):
    _organisations(5, year=LAST_YEAR - 1, score=20)
    figures = po.compute("secteur", LAST_YEAR)
    assert figures.years == [LAST_YEAR - 1, LAST_YEAR]
    before, last = figures.total.cells
    assert before.median == 22 and before.medians == []  # the years' chart has every median
    assert last.median == 43.5 and len(last.medians) == 10
    culture = next(row for row in figures.rows if row.code == "culture")
    assert culture.cells[0].organisations == 5 and culture.cells[0].median is None
    assert culture.cells[1].median == 42.5 and culture.cells[1].medians[0] == 42.5
    earlier = po.compute("secteur", LAST_YEAR - 1)
    culture = next(row for row in earlier.rows if row.code == "culture")
    assert culture.cells[0].median == 22 and culture.cells[1].median is None


@pytest.mark.django_db
def test_each_organisation_counts_once_a_year_by_its_latest_diagnostic():
    organisations = _organisations(5, score=30)
    for organisation in organisations:  # a second diagnostic the same year
        completed_diagnostic(organisation, score=90, when=_in(LAST_YEAR, 9))
    completed_diagnostic(organisations[0], score=10, when=_in(LAST_YEAR - 1))
    figures = po.compute("secteur")
    assert figures.years == [LAST_YEAR - 1, LAST_YEAR]
    assert figures.withheld_years == [LAST_YEAR - 1]  # one organisation that year
    assert figures.total.cells[1].organisations == 5 and figures.total.cells[1].median == 90
    assert all(row.cells[0].withheld for row in figures.rows + figures.levels)


@pytest.fixture
def territories_population():
    """Nouvelle-Aquitaine: 33 (6), 64 (2), 87 (5); Bretagne: 35 (3); Île-de-France: 75 (8)."""
    for departement, region, count in [
        ("33", "75", 6),
        ("64", "75", 2),
        ("87", "75", 5),
        ("35", "53", 3),
        ("75", "11", 8),
    ]:
        _organisations(count, departement=departement, region=region)


@pytest.mark.django_db
def test_geography_withholds_regions_then_their_departements(territories_population):
    regions = _cells(po.compute("region"), LAST_YEAR)
    assert regions["75"].organisations == 13 and regions["75"].median is not None
    assert regions["53"].withheld and regions["11"].withheld  # 3, and its complement
    departements = _cells(po.compute("departement"), LAST_YEAR)
    assert departements["33"].organisations == 6
    assert {code for code, c in departements.items() if c.withheld} == {"64", "87", "35", "75"}
    for key in ("region", "departement"):  # a page reads its counts apart from its medians
        page, csv_figures = po.compute(key, LAST_YEAR), po.compute(key)
        assert [[c.organisations for c in r.cells] for r in page.rows] == [
            [c.organisations for c in r.cells] for r in csv_figures.rows
        ]
        assert [r.cells[0].median for r in page.rows] == [
            r.cells[0].median for r in csv_figures.rows
        ]


@pytest.mark.django_db
def test_regions_follow_the_departement_whatever_the_stored_region(territories_population):
    _organisations(5, departement="35", region="")  # an old profile without its region
    regions = _cells(po.compute("region"), LAST_YEAR)
    assert regions["53"].organisations == 8
    assert po.NOT_GIVEN not in regions


@pytest.mark.django_db
def test_the_csv_reading_gives_each_breakdown_as_its_page_does(sectors, territories_population):
    _organisations(5, departement="", region="", staff_band="50+", year=LAST_YEAR - 1)
    every = po.compute_every_breakdown()
    assert every == [po.compute(key) for key in po.BREAKDOWNS]
    assert {f.total.cells[-1].organisations for f in every} == {38}
    regions = next(f for f in every if f.breakdown == "region")
    assert any(row.code == po.NOT_GIVEN for row in regions.rows)


@pytest.mark.django_db
def test_a_dimension_median_needs_five_scores():
    organisations = _organisations(6)
    DimensionResult.objects.filter(
        snapshot__diagnostic__organisation__in=organisations[:2], dimension="gouvernance"
    ).update(score=None)
    observatory.record(ObservatoryFact.objects.values_list("diagnostic_id", flat=True))
    figures = po.compute("secteur")
    index = [code for code, _title in figures.dimensions].index("gouvernance")
    culture = _cells(figures, LAST_YEAR)["culture"]
    assert culture.organisations == 6 and culture.medians[index] is None
    assert culture.medians[0] is not None


def _published(figures_by_breakdown, year_index):
    """The counts a reader sees for one year, every breakdown: (breakdown, code) → count or
    None (withheld)."""
    first = figures_by_breakdown[0]
    seen = {("ensemble", "ensemble"): first.total.cells[year_index].organisations}
    seen.update({("niveau", r.code): r.cells[year_index].organisations for r in first.levels})
    for figures in figures_by_breakdown:
        seen.update(
            {(figures.breakdown, r.code): r.cells[year_index].organisations for r in figures.rows}
        )
    return seen


@pytest.mark.django_db
def test_published_figures_pass_the_audit_in_every_year_and_breakdown(territories_population):
    _organisations(3, sector="sport", departement="29", region="53", year=LAST_YEAR - 1)
    both_years = _organisations(9, sector="social", staff_band="0", year=LAST_YEAR - 1, score=70)
    for organisation in both_years[:4]:  # in last year's figures too (rule 4: no sum of years)
        completed_diagnostic(organisation, score=20, when=_in(LAST_YEAR))
    _organisations(1, sector="sante", staff_band="50+", departement="64", region="75", score=90)
    every = [po.compute(key) for key in po.BREAKDOWNS]
    for index, year in enumerate(every[0].years):
        rows = list(
            ObservatoryFact.objects.filter(is_latest_of_year=True, year=year)
            .values("organisation__sector", "organisation__staff_band", "organisation__departement")
            .annotate(organisations=Count("pk"))
        )
        # The true counts, rebuilt independently; the page's secret read from what it shows.
        truth = po.YearCounts(
            total=sum(r["organisations"] for r in rows),
            flat={"secteur": {}, "taille": {}},
            departements={},
        )
        for r in rows:
            for name, key in (
                ("secteur", "organisation__sector"),
                ("taille", "organisation__staff_band"),
            ):
                truth.flat[name][r[key]] = truth.flat[name].get(r[key], 0) + r["organisations"]
            code = r["organisation__departement"]
            truth.departements[code] = truth.departements.get(code, 0) + r["organisations"]
        seen = _published(every, index)
        hidden = {"ensemble": {"ensemble"} if seen[("ensemble", "ensemble")] is None else set()}
        for name in ("secteur", "taille", "departement", "region"):
            hidden[name] = {code for (b, code), n in seen.items() if b == name and n is None}
        region_of = po.region_of()
        assert audit(truth, region_of, hidden) == [], year
        assert any(n is None for n in seen.values())  # the audit had something to check
        for (name, code), n in seen.items():
            if n is not None and name in ("secteur", "taille", "departement"):
                assert n == (truth.flat[name] if name != "departement" else truth.departements).get(
                    code, 0
                )


# --- Page ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_public_page_for_a_visitor(client, sectors):
    response = client.get(reverse("public_observatory:page"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Observatoire public de la maturité numérique" in html
    assert "Licence Ouverte / Etalab 2.0" in html
    for name in ("csv", "schema", "datapackage"):
        assert reverse(f"public_observatory:{name}") in html
    assert html.count("<svg") >= 2 and '<caption id="' in html and 'style="' not in html
    assert f'<th scope="row">{LAST_YEAR}</th>' in html
    assert f'<th scope="col">{LAST_YEAR}</th>' in html
    assert f"{LAST_YEAR + 1}</th>" not in html  # not closed yet
    assert f"Scores médians par secteur en {LAST_YEAR}" in html
    assert "<td>14</td>" in html and "masqué" in html
    assert "no-store" not in response.get("Cache-Control", "")
    # Reached from every page's footer.
    assert reverse("public_observatory:page") in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_the_page_by_departement_says_most_cells_are_withheld(client, territories_population):
    html = client.get(reverse("public_observatory:page"), {"par": "departement"}).content.decode()
    assert "La plupart des cellules sont masquées" in html
    assert "4 cellules masquées sur 5." in html
    by_region = client.get(reverse("public_observatory:page"), {"par": "region"}).content.decode()
    assert "Nouvelle-Aquitaine" in by_region
    assert "La plupart des cellules sont masquées" not in by_region


@pytest.mark.django_db
def test_bad_parameters_are_said_and_the_defaults_shown(client, sectors):
    response = client.get(reverse("public_observatory:page"), {"par": "x'", "annee": "1800"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sélectionnez un choix valide" in html
    assert "Par secteur" in html
    html = client.get(reverse("public_observatory:page"), {"annee": LAST_YEAR + 1}).content.decode()
    assert f"inférieure ou égale à {LAST_YEAR}" in html  # the current year is not closed
    for hostile in ("²", "9223372036854775808", "-1", "<script>", ""):
        response = client.get(
            reverse("public_observatory:page"), {"par": hostile, "annee": hostile}
        )
        assert response.status_code == 200 and "<script>" not in response.content.decode()


@pytest.mark.django_db
def test_no_closed_year_yet(client):
    _organisations(5, year=LAST_YEAR + 1)
    html = client.get(reverse("public_observatory:page")).content.decode()
    assert "Aucune année close" in html
    rows = client.get(reverse("public_observatory:csv")).content.decode().split("\r\n")
    assert rows == [",".join(po.CSV_FIELDS), ""]


@pytest.mark.django_db
def test_figures_come_from_the_cache_until_facts_are_recorded(
    client, sectors, django_assert_num_queries, django_capture_on_commit_callbacks
):
    url = reverse("public_observatory:page")
    reference_structure()  # the questionnaire's structure is cached across pages
    # Fresh: the questionnaire, the dimension columns, then one reading of the facts (on
    # PostgreSQL one grouping query; on SQLite the scores, the medians taken in Python).
    with django_assert_num_queries(3):
        client.get(url)
    with django_assert_num_queries(0):
        assert "<td>14</td>" in client.get(url).content.decode()
    # The CSV: every breakdown in one reading, then from the cache too.
    with django_assert_num_queries(3):
        client.get(reverse("public_observatory:csv"))
    with django_assert_num_queries(0):
        client.get(reverse("public_observatory:csv"))
    with django_capture_on_commit_callbacks(execute=True):
        _organisations(1, sector="sport")
    html = client.get(url).content.decode()
    assert "<td>15</td>" in html


# --- Open data ----------------------------------------------------------------------------------


def _csv(client):
    response = client.get(reverse("public_observatory:csv"))
    assert response.status_code == 200
    return response, list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))


@pytest.mark.django_db
def test_the_csv_is_rfc_4180_with_booleans_and_a_schema_link(client, sectors):
    response, rows = _csv(client)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.content.decode("utf-8")
    assert body.endswith("\r\n") and "\n" not in body.replace("\r\n", "")
    assert body.split("\r\n")[0] == ",".join(po.CSV_FIELDS)
    assert {r["masque"] for r in rows} == {"true", "false"}
    link = response["Link"]
    assert reverse("public_observatory:schema") in link and 'rel="describedby"' in link
    assert "etalab.gouv.fr" in link
    key = {(r["regroupement"], r["groupe"], r["indicateur"]): r for r in rows}
    assert key[("ensemble", "ensemble", "organisations")]["valeur"] == "14"
    assert key[("secteur", "culture", "organisations")]["valeur"] == "6"
    assert key[("secteur", "culture", "mediane_score_global")]["valeur"] == "42.5"
    for withheld in ("sport", "social"):
        for indicator in ("organisations", "mediane_score_global", "mediane_strategie"):
            row = key[("secteur", withheld, indicator)]
            assert row["valeur"] == "" and row["masque"] == "true"
    assert key[("secteur", "sante", "organisations")]["valeur"] == "0"
    assert key[("secteur", "sante", "mediane_score_global")]["masque"] == "false"
    assert {r["annee"] for r in rows} == {str(LAST_YEAR)}  # no all-years total
    regions = {r["libelle"] for r in rows if r["regroupement"] == "region"}
    assert "Île-de-France" in regions


@pytest.mark.django_db
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(client):
    _organisations(5, sector="=1+1")  # a value from outside the choices, as old data may hold
    _response, rows = _csv(client)
    formula = [r for r in rows if r["groupe"].endswith("=1+1")]
    assert formula and all(r["groupe"] == r["libelle"] == "'=1+1" for r in formula)
    assert not any(value.startswith(("=", "+", "-", "@")) for r in rows for value in r.values())


@pytest.mark.django_db
def test_schema_and_data_package_describe_the_file_and_its_licence(client, sectors):
    schema = json.loads(client.get(reverse("public_observatory:schema")).content)
    assert [f["name"] for f in schema["fields"]] == po.CSV_FIELDS
    assert schema["version"] == po.SCHEMA_VERSION
    package = json.loads(client.get(reverse("public_observatory:datapackage")).content)
    assert package["licenses"][0]["name"] == "etalab-2.0"
    (resource,) = package["resources"]
    assert resource["path"] == "http://testserver" + reverse("public_observatory:csv")
    assert resource["schema"] == "http://testserver" + reverse("public_observatory:schema")
    assert resource["dialect"]["lineTerminator"] == "\r\n"


@pytest.mark.django_db
def test_frictionless_validates_the_csv_against_its_schema(
    client, sectors, territories_population, tmp_path
):
    """An independent tool reads the file as its schema and data package describe it."""
    from frictionless import Package

    (tmp_path / "observatoire.csv").write_bytes(
        client.get(reverse("public_observatory:csv")).content
    )
    schema = json.loads(client.get(reverse("public_observatory:schema")).content)
    package = json.loads(client.get(reverse("public_observatory:datapackage")).content)
    # The same descriptor, read from the files here instead of the site.
    package["resources"][0].update(path="observatoire.csv", schema=schema)
    report = Package.from_descriptor(package, basepath=str(tmp_path)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.tasks[0].stats["rows"] > 100
