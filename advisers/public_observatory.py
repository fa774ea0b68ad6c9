"""The public observatory: year-by-year figures anyone may read and reuse (Licence Ouverte /
Etalab 2.0), every small cell withheld. CRESS admins keep their detailed view
(advisers.observatory).

Published, for each closed year (rule 6), over the organisations that completed a diagnostic
that year, each counted once by its latest diagnostic of the year (ObservatoryFact's
is_latest_of_year):
- for the whole population ("ensemble"): the number of organisations, the median overall
  score and the median of each dimension, and the number of organisations at each level;
- the same counts and medians by sector, size band, département and region, one breakdown at
  a time (never crossed).

Secret rules (also on the page and in the README):
1. A cell (a group in a year) of 1 to MIN_GROUP - 1 organisations is withheld: no count, no
   median. A year of fewer than MIN_GROUP organisations is withheld whole.
2. Complementary suppression. In a year, each breakdown (levels too) adds up to the year's
   total. Where a breakdown has withheld cells, at least two are withheld and they add up to
   MIN_GROUP or more: the smallest other cells are withheld until it is so. Subtracting the
   published cells from the total then gives the sum of several withheld cells, never one,
   and never a group of fewer than MIN_GROUP organisations.
3. Geography: regions add up to the year's total and départements to their region (the
   region is the département's, from accounts.territories, so the sums are exact). Rule 2
   is applied to the regions first; a withheld region withholds all its départements
   (otherwise the region, then one of its départements, could be recomputed from the
   others); in a published region, rule 2 applies to its départements.
4. Nothing adds up across years: an organisation counts once in each year it completed a
   diagnostic and no all-years total is published, so each year is protected on its own.
5. Medians cannot be subtracted: a published cell gives its medians, each only when it rests
   on at least MIN_GROUP scores (a dimension some organisations left without a score).
6. Only closed years are published: figures that moved at each completed diagnostic would let
   someone compare the page before and after an organisation completes its diagnostic and
   read its level.

Cost: one reading of the facts per page (on PostgreSQL, GROUP BY year, ROLLUP(group): the
whole population and the groups in one scan and one join), with the medians by dimension of
the year shown only; the CSV takes them for every year, one reading per breakdown. Each
breakdown's secret needs only its own counts and the year's total (withheld_in), so every page
and the CSV withhold the same cells. Kept in the cache under observatory.figures_version(),
which changes whenever facts are recorded or rebuilt.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import territories
from accounts.models import Organisation, Sector, StaffBand
from advisers import observatory
from advisers.models import ObservatoryDimension, ObservatoryFact, score_column
from advisers.portfolio import dimension_titles, reference_structure
from maturity import scoring

MIN_GROUP = observatory.MIN_GROUP
# Figures move when facts are recorded (the version changes) or when an organisation edits
# its profile or is erased (joined at read time): the cache keeps them an hour at most.
CACHE_SECONDS = 3600
# The Table Schema's version: in its URL, the data package and the file's Link header.
SCHEMA_VERSION = "1.0"
LICENCE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}

ENSEMBLE = "ensemble"
LEVEL = "niveau"
NOT_GIVEN = "non_renseigne"  # a group's code when the profile leaves it empty
NO_LEVEL = "non_calcule"  # organisations without an overall score
BREAKDOWNS = ["secteur", "taille", "departement", "region"]
# The organisation's field of each breakdown; the region is the département's (rule 3).
FIELDS = {
    "secteur": "organisation__sector",
    "taille": "organisation__staff_band",
    "departement": "organisation__departement",
}


def breakdown_labels() -> dict[str, str]:
    return {
        "secteur": gettext_lazy("Secteur"),
        "taille": gettext_lazy("Taille (salarié·es)"),
        "departement": gettext_lazy("Département"),
        "region": gettext_lazy("Région"),
    }


# --- Pure rules ---------------------------------------------------------------------------------


def withheld_parts[K: Hashable](
    total: int, parts: Mapping[K, int], minimum: int = MIN_GROUP
) -> set[K]:
    """Rules 1 and 2 for one breakdown of a published total (parts adding up to `total`): the
    parts to withhold. Every part of 1 to minimum - 1 is; then, if any is, the smallest other
    non-empty parts (ties by key) until at least two are withheld and they add up to `minimum`
    or more. Always possible: all non-empty parts add up to the total. A total under `minimum`
    withholds every part, empty ones too."""
    if total < minimum:
        return set(parts)
    hidden = {key for key, count in parts.items() if 0 < count < minimum}
    if not hidden:
        return hidden
    spare = sorted(
        ((count, str(key), key) for key, count in parts.items() if count and key not in hidden),
        key=lambda item: item[:2],
    )
    for _count, _name, key in spare:
        if len(hidden) >= 2 and sum(parts[k] for k in hidden) >= minimum:
            break
        hidden.add(key)
    return hidden


def withheld_geography(
    total: int,
    departements: Mapping[str, int],
    region_of: Mapping[str, str],
    minimum: int = MIN_GROUP,
) -> tuple[set[str], set[str]]:
    """Rule 3: (regions, départements) to withhold in a year; départements absent from
    `region_of` belong to the region ''."""
    regions: dict[str, int] = {}
    members: dict[str, list[str]] = {}
    for code, count in departements.items():
        region = region_of.get(code, "")
        regions[region] = regions.get(region, 0) + count
        members.setdefault(region, []).append(code)
    hidden_regions = withheld_parts(total, regions, minimum)
    hidden_departements: set[str] = set()
    for region, codes in members.items():
        if region in hidden_regions:
            hidden_departements.update(codes)
        else:
            hidden_departements |= withheld_parts(
                regions[region], {code: departements[code] for code in codes}, minimum
            )
    return hidden_regions, hidden_departements


@dataclass(frozen=True)
class YearCounts:
    """One year's counts: the total, and each flat breakdown's parts (each adding up to it)."""

    total: int
    flat: dict[str, dict[str, int]]  # "secteur", "taille", "niveau" → group → organisations
    departements: dict[str, int]


def withheld_cells(
    counts: YearCounts, region_of: Mapping[str, str], minimum: int = MIN_GROUP
) -> dict[str, set[str]]:
    """Every rule for one year: breakdown → groups withheld ({ENSEMBLE: {ENSEMBLE}} when the
    year itself is). Years never add up (rule 4): each is decided on its own counts."""
    hidden: dict[str, set[str]] = {ENSEMBLE: {ENSEMBLE} if counts.total < minimum else set()}
    for name, parts in counts.flat.items():
        hidden[name] = withheld_in(name, counts.total, parts, region_of, minimum)
    regions: dict[str, int] = {}
    for code, count in counts.departements.items():
        regions[region_of.get(code, "")] = regions.get(region_of.get(code, ""), 0) + count
    hidden["region"] = withheld_in("region", counts.total, regions, region_of, minimum)
    hidden["departement"] = withheld_in(
        "departement", counts.total, counts.departements, region_of, minimum
    )
    return hidden


def withheld_in(
    breakdown: str,
    total: int,
    parts: Mapping[str, int],
    region_of: Mapping[str, str],
    minimum: int = MIN_GROUP,
) -> set[str]:
    """The groups of one breakdown withheld in a year, from its counts alone: each page, and
    the CSV, withhold the same cells whichever breakdown they read."""
    if breakdown == "departement":
        return withheld_geography(total, parts, region_of, minimum)[1]
    return withheld_parts(total, parts, minimum)


# --- Figures ------------------------------------------------------------------------------------


@dataclass
class Cell:
    organisations: int | None  # None: withheld
    median: float | None = None
    medians: list[float | None] = field(default_factory=list)

    @property
    def withheld(self) -> bool:
        return self.organisations is None


@dataclass
class Row:
    code: str
    label: str
    cells: list[Cell]  # one per year of PublicFigures.years


@dataclass
class PublicFigures:
    breakdown: str
    breakdown_label: str
    years: list[int]
    withheld_years: list[int]
    detail_year: int | None  # the year with medians by dimension (None: every year)
    dimensions: list[tuple[str, str]]  # (code, title)
    total: Row  # the whole population, year by year
    levels: list[Row]  # organisations by level, year by year
    rows: list[Row]  # the breakdown's groups, year by year

    @property
    def breakdown_cells(self) -> int:
        return sum(len(r.cells) for r in self.rows)

    @property
    def withheld_breakdown_cells(self) -> int:
        return sum(1 for r in self.rows for c in r.cells if c.withheld)


def region_of() -> dict[str, str]:
    """département → its region's code ('' for the few outside any region)."""
    return {
        code: (d.region.code if d.region else "")
        for code, d in territories.territories().departements.items()
    }


def published_years_before() -> int:
    """Rule 6: years before this one are closed (the site's time zone, as ObservatoryFact.year)."""
    return timezone.localdate().year


def _group_labels(breakdown: str, present: Iterable[str]) -> list[tuple[str, str]]:
    """(code, label) of the breakdown's rows: every choice (the départements seen), then codes
    no longer among the choices, then the empty value."""
    present = set(present)
    if breakdown == "secteur":
        choices = [(c, str(label)) for c, label in Sector.choices]
    elif breakdown == "taille":
        choices = [(c, str(label)) for c, label in StaffBand.choices]
    elif breakdown == "region":
        choices = territories.region_choices()
    else:
        choices = [(c, label) for c, label in territories.departement_choices() if c in present]
    known = {code for code, _label in choices}
    extra = sorted(code for code in present if code and code not in known)
    rows = [*choices, *((code, code) for code in extra)]
    if "" in present:
        rows.append(
            (
                "",
                _("Hors région ou non renseignée") if breakdown == "region" else _("Non renseigné"),
            )
        )
    return rows


@dataclass
class _Grouped:
    """What one reading of the facts gives: for each year, the whole population (count, level
    counts, statistics) and each group of the breakdown (count, statistics). Statistics:
    score name → (scores known, median); the dimensions' only for the detailed years."""

    years: dict[int, dict] = field(default_factory=dict)
    groups: dict[tuple[int, str], dict] = field(default_factory=dict)


def _level_of(score: float | None, bounds) -> str:
    if score is None:
        return NO_LEVEL
    reached = [code for code, _label, low, _high in bounds if score >= low]
    return reached[-1] if reached else NO_LEVEL


def _facts_in_python(before: int, paths: list[str], columns: list[str]):
    return (
        ObservatoryFact.objects.filter(is_latest_of_year=True, year__lt=before)
        .values_list("year", *paths, "overall_score", *columns)
        .iterator(chunk_size=5000)
    )


def _grouped_in_python(
    breakdown, mapping, before, detail_year, columns, bounds, rows=None
) -> _Grouped:
    """SQLite (the embedded default): the scores read once (or given: year, group field,
    scores), counted and their medians taken in Python."""
    path = "organisation__departement" if breakdown == "region" else FIELDS[breakdown]
    names = ["overall_score", *columns]
    level_codes = [code for code, *_rest in bounds]
    scores: dict[tuple, dict[str, list[float]]] = {}
    grouped = _Grouped()
    if rows is None:
        rows = _facts_in_python(before, [path], columns)
    for year, value, *values in rows:
        group = mapping.get(value, "") if breakdown == "region" else value
        whole = grouped.years.setdefault(
            year, {"organisations": 0, "levels": dict.fromkeys([*level_codes, NO_LEVEL], 0)}
        )
        whole["organisations"] += 1
        level = _level_of(values[0], bounds)
        whole["levels"][level] = whole["levels"].get(level, 0) + 1
        part = grouped.groups.setdefault((year, group), {"organisations": 0})
        part["organisations"] += 1
        detailed = detail_year is None or year == detail_year
        for key in ((year, None), (year, group)):
            own = scores.setdefault(key, {name: [] for name in names})
            for name, score in zip(names, values, strict=True):
                if score is not None and (detailed or name == "overall_score"):
                    own[name].append(score)
    for (year, group), own in scores.items():
        target = grouped.years[year] if group is None else grouped.groups[(year, group)]
        detailed = detail_year is None or year == detail_year
        if group is not None and not detailed:
            continue  # as on PostgreSQL: the groups' medians of the detailed year(s) only
        target["stats"] = {
            name: (len(own[name]), scoring.median(own[name]))
            for name in names
            if detailed or name == "overall_score"
        }
    return grouped


def _group_sql(breakdown: str, mapping: dict[str, str]) -> tuple[str, list]:
    """The group's SQL expression over the organisation `o`, and its parameters."""
    quote = connection.ops.quote_name
    organisation = Organisation._meta
    if breakdown != "region":
        field_name = FIELDS[breakdown].removeprefix("organisation__")
        return f"o.{quote(organisation.get_field(field_name).column)}", []
    column = quote(organisation.get_field("departement").column)
    by_region: dict[str, list[str]] = {}
    for code, region in mapping.items():
        if region:
            by_region.setdefault(region, []).append(code)
    whens, params = [], []
    for region, codes in sorted(by_region.items()):
        whens.append(f"WHEN o.{column} IN ({', '.join(['%s'] * len(codes))}) THEN %s")
        params += [*codes, region]
    return f"CASE {' '.join(whens)} ELSE '' END", params


def _statistics_sql(names: list[str], bounds, *, levels: bool) -> tuple[list[str], list]:
    """COUNT(*), then the cumulative level counts (levels), then for each score its number of
    known values and its median."""
    quote = connection.ops.quote_name
    select, params = ["COUNT(*)"], []
    if levels:
        for _code, _label, low, _high in bounds:
            select.append("COUNT(*) FILTER (WHERE s.overall_score >= %s)")
            params.append(low)
    for name in names:
        select.append(f"COUNT(s.{quote(name)})")
        select.append(f"PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY s.{quote(name)})")
    return select, params


def _grouped_in_postgresql(breakdown, mapping, before, detail_year, columns, bounds) -> _Grouped:
    """PostgreSQL: one statement, so one snapshot (the counts, the levels and the medians agree
    even while facts are written). Django has no ROLLUP: the SQL is written here, every value
    a parameter.

    Every year in detail (the CSV): GROUP BY year, ROLLUP(group), the whole population and the
    groups in one scan and one join. One year in detail (a page), three parts: the whole
    population's counts, levels and median of every year (no join); the groups' counts of
    every year (hashed, no sort); the medians of the detailed year only, a fifth of the rows.
    The medians, sorts of every score, are most of the cost."""
    quote = connection.ops.quote_name
    group, group_params = _group_sql(breakdown, mapping)
    names = ["overall_score", *columns]
    facts = quote(ObservatoryFact._meta.db_table)
    joined = (
        f"FROM {facts} f JOIN {quote(Organisation._meta.db_table)} o "
        f"ON o.{quote(Organisation._meta.pk.column)} = "
        f"f.{quote(ObservatoryFact._meta.get_field('organisation').column)} "
        "WHERE f.is_latest_of_year AND f.year < %s"
    )
    scores = ", ".join(f"f.{quote(name)}" for name in names)
    no_levels = ["NULL::bigint"] * len(bounds)

    def levels(params):
        params += [low for _code, _label, low, _high in bounds]
        return ["COUNT(*) FILTER (WHERE s.overall_score >= %s)"] * len(bounds)

    def statistics(wanted):
        return [
            f"COUNT(s.{quote(n)}), PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY s.{quote(n)})"
            if n in wanted
            else "NULL::bigint, NULL::float8"
            for n in names
        ]

    params: list = []
    if detail_year is None:
        select = ["s.year", "s.grp", "GROUPING(s.grp)", "COUNT(*)", *levels(params)]
        sql = (
            f"SELECT {', '.join([*select, *statistics(names)])} "
            f"FROM (SELECT f.year, {scores}, {group} AS grp {joined}) s "
            "GROUP BY s.year, ROLLUP(s.grp)"
        )
        params += [*group_params, before]
    else:
        # The first column says which part a row comes from: 0 the whole population, 1 a
        # group's count, 2 the detailed year's medians (the whole population when GROUPING).
        whole_part = ["0", "s.year", "NULL::text", "1", "COUNT(*)", *levels(params)]
        whole_part += statistics(names[:1])
        params.append(before)
        counts_part = ["1", "s.year", "s.grp", "0", "COUNT(*)", *no_levels, *statistics(())]
        # Regions are counted by département, summed below: no CASE on every row.
        counted, counted_params = (
            _group_sql("departement", mapping) if breakdown == "region" else (group, group_params)
        )
        params += [*counted_params, before]
        detail_part = ["2", "s.year", "s.grp", "GROUPING(s.grp)", "COUNT(*)", *no_levels]
        detail_part += statistics(names)
        params += [*group_params, before, detail_year]
        sql = (
            f"SELECT {', '.join(whole_part)} FROM {facts} s "
            "WHERE s.is_latest_of_year AND s.year < %s GROUP BY s.year "
            f"UNION ALL SELECT {', '.join(counts_part)} "
            f"FROM (SELECT f.year, {counted} AS grp {joined}) s GROUP BY s.year, s.grp "
            f"UNION ALL SELECT {', '.join(detail_part)} "
            f"FROM (SELECT f.year, {scores}, {group} AS grp {joined} AND f.year = %s) s "
            "GROUP BY s.year, ROLLUP(s.grp)"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return _read_postgresql_rows(rows, breakdown, mapping, detail_year, names, bounds)


def _read_postgresql_rows(rows, breakdown, mapping, detail_year, names, bounds) -> _Grouped:
    """The rows of _grouped_in_postgresql's statement, read into years and groups."""

    def parts(rest):
        reached, values = rest[: len(bounds)], rest[len(bounds) :]
        stats = {
            name: (values[2 * i], values[2 * i + 1])
            for i, name in enumerate(names)
            if values[2 * i] is not None
        }
        # Per level, from the cumulative counts (as observatory._per_level).
        per_level = {
            code: (reached[i] or 0) - ((reached[i + 1] or 0) if i + 1 < len(reached) else 0)
            for i, (code, *_rest) in enumerate(bounds)
        }
        return per_level, stats

    grouped = _Grouped()

    def whole(year, count, rest):
        per_level, stats = parts(rest)
        per_level[NO_LEVEL] = count - sum(per_level.values())
        grouped.years[year] = {"organisations": count, "levels": per_level, "stats": stats}

    if detail_year is None:
        for year, value, is_whole, count, *rest in rows:
            if is_whole:
                whole(year, count, rest)
            else:
                grouped.groups[(year, value)] = {"organisations": count, "stats": parts(rest)[1]}
        return grouped
    # The detailed year's medians go onto the counts, whatever order the rows come in.
    medians = []
    for kind, year, value, is_whole, count, *rest in rows:
        if kind == 0:
            whole(year, count, rest)
        elif kind == 1:
            if breakdown == "region":
                value = mapping.get(value, "")
            own = grouped.groups.setdefault((year, value), {"organisations": 0})
            own["organisations"] += count
        else:
            medians.append((year, value, is_whole, parts(rest)[1]))
    for year, value, is_whole, stats in medians:
        target = grouped.years[year] if is_whole else grouped.groups[(year, value)]
        target.setdefault("stats", {}).update(stats)
    return grouped


def _cell(
    count: int, withheld: bool, stats: dict | None, columns: list[str | None], detailed: bool
) -> Cell:
    """A published cell's medians, each on at least MIN_GROUP scores (rule 5); by dimension
    only in the detailed year(s)."""
    if withheld:
        return Cell(organisations=None)
    stats = stats or {}

    def median(name):
        known, value = stats.get(name, (0, None)) if name else (0, None)
        return observatory._round(value) if known >= MIN_GROUP else None

    return Cell(
        organisations=count,
        median=median("overall_score"),
        medians=[median(c) for c in columns] if detailed else [],
    )


@dataclass(frozen=True)
class _Context:
    """What every reading needs: the dimensions' titles and columns, the levels' bounds, the
    régions of the départements and the first year not yet published."""

    titles: dict[str, str]
    codes: list[str]
    columns: list[str | None]  # per code; None: no score recorded yet
    bounds: list
    mapping: dict[str, str]
    before: int

    @property
    def known_columns(self) -> list[str]:
        return [c for c in self.columns if c]


def _context() -> _Context:
    structure = reference_structure()
    titles = dimension_titles(structure)
    slots = dict(ObservatoryDimension.objects.values_list("code", "slot"))
    codes = list(titles) or sorted(slots)
    return _Context(
        titles=titles,
        codes=codes,
        columns=[score_column(slots[code]) if code in slots else None for code in codes],
        bounds=observatory.level_bounds(list(structure.level_texts.values())) if structure else [],
        mapping=region_of(),
        before=published_years_before(),
    )


def _figures(
    breakdown: str, grouped: _Grouped, context: _Context, detail_year: int | None
) -> PublicFigures:
    """The cells of one breakdown, with every rule applied, from what the reading gave."""
    columns, mapping = context.columns, context.mapping
    years = sorted(grouped.years)
    parts = {year: {} for year in years}
    for (year, group), values in grouped.groups.items():
        parts[year][group] = values["organisations"]
    hidden = {}
    for year in years:
        total = grouped.years[year]["organisations"]
        hidden[year] = {
            ENSEMBLE: total < MIN_GROUP,
            LEVEL: withheld_parts(total, grouped.years[year]["levels"]),
            breakdown: withheld_in(breakdown, total, parts[year], mapping),
        }

    total_row = Row(
        ENSEMBLE,
        _("Ensemble"),
        [
            _cell(
                grouped.years[y]["organisations"],
                hidden[y][ENSEMBLE],
                grouped.years[y].get("stats"),
                columns,
                detail_year in (None, y),
            )
            for y in years
        ],
    )
    level_labels = [(code, str(label)) for code, label, _low, _high in context.bounds]
    if any(grouped.years[y]["levels"].get(NO_LEVEL) for y in years):
        level_labels.append((NO_LEVEL, _("Score non calculé")))
    levels = [
        Row(
            code,
            label,
            [
                Cell(
                    organisations=None
                    if hidden[y][ENSEMBLE] or code in hidden[y][LEVEL]
                    else grouped.years[y]["levels"].get(code, 0)
                )
                for y in years
            ],
        )
        for code, label in level_labels
    ]
    present = {group for year in years for group in parts[year]}
    rows = []
    for code, label in _group_labels(breakdown, present):
        cells = []
        for y in years:
            # A withheld year withholds its empty groups too.
            withheld = hidden[y][ENSEMBLE] or code in hidden[y][breakdown]
            stats = grouped.groups.get((y, code), {}).get("stats")
            cells.append(
                _cell(parts[y].get(code, 0), withheld, stats, columns, detail_year in (None, y))
            )
        rows.append(Row(code or NOT_GIVEN, label, cells))
    return PublicFigures(
        breakdown=breakdown,
        breakdown_label=str(breakdown_labels()[breakdown]),
        years=years,
        withheld_years=[y for y in years if hidden[y][ENSEMBLE]],
        detail_year=detail_year,
        dimensions=[(code, context.titles.get(code, code)) for code in context.codes],
        total=total_row,
        levels=levels,
        rows=rows,
    )


def compute(breakdown: str = "secteur", detail_year: int | None = None) -> PublicFigures:
    """The public figures of every closed year, by this breakdown, with the groups' medians of
    `detail_year` (of every year when None)."""
    if breakdown not in BREAKDOWNS:
        breakdown = "secteur"
    context = _context()
    read = _grouped_in_postgresql if observatory._uses_percentile() else _grouped_in_python
    grouped = read(
        breakdown,
        context.mapping,
        context.before,
        detail_year,
        context.known_columns,
        context.bounds,
    )
    return _figures(breakdown, grouped, context, detail_year)


def compute_every_breakdown() -> list[PublicFigures]:
    """Every breakdown, every year in detail (the CSV), from one reading: one snapshot, so the
    breakdowns add up to the same totals (rule 2 holds across the file)."""
    context = _context()
    if observatory._uses_percentile():
        by_breakdown = _every_breakdown_in_postgresql(context)
    else:
        paths = [FIELDS[key] for key in BREAKDOWNS if key in FIELDS]
        facts = list(_facts_in_python(context.before, paths, context.known_columns))
        by_breakdown = {}
        for key in BREAKDOWNS:
            index = paths.index(FIELDS.get(key, FIELDS["departement"]))
            by_breakdown[key] = _grouped_in_python(
                key,
                context.mapping,
                context.before,
                None,
                context.known_columns,
                context.bounds,
                rows=[(f[0], f[1 + index], *f[1 + len(paths) :]) for f in facts],
            )
    return [_figures(key, by_breakdown[key], context, None) for key in BREAKDOWNS]


def _every_breakdown_in_postgresql(context: _Context) -> dict[str, _Grouped]:
    """One statement: GROUP BY GROUPING SETS, the whole population and each breakdown's groups,
    year by year, with every median."""
    quote = connection.ops.quote_name
    region, region_params = _group_sql("region", context.mapping)
    keys = ["secteur", "taille", "departement"]
    group_columns = [
        quote(Organisation._meta.get_field(FIELDS[key].removeprefix("organisation__")).column)
        for key in keys
    ]
    names = ["overall_score", *context.known_columns]
    params = [low for _code, _label, low, _high in context.bounds]
    select = [
        "s.year",
        "GROUPING(s.g0, s.g1, s.g2, s.g3)",
        "s.g0",
        "s.g1",
        "s.g2",
        "s.g3",
        "COUNT(*)",
        *["COUNT(*) FILTER (WHERE s.overall_score >= %s)"] * len(context.bounds),
        *(
            f"COUNT(s.{quote(n)}), PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY s.{quote(n)})"
            for n in names
        ),
    ]
    sql = (
        f"SELECT {', '.join(select)} FROM (SELECT f.year, "
        f"{', '.join(f'f.{quote(n)}' for n in names)}, "
        f"{', '.join(f'o.{c} AS g{i}' for i, c in enumerate(group_columns))}, {region} AS g3 "
        f"FROM {quote(ObservatoryFact._meta.db_table)} f "
        f"JOIN {quote(Organisation._meta.db_table)} o "
        f"ON o.{quote(Organisation._meta.pk.column)} = "
        f"f.{quote(ObservatoryFact._meta.get_field('organisation').column)} "
        "WHERE f.is_latest_of_year AND f.year < %s) s "
        "GROUP BY GROUPING SETS ((s.year), (s.year, s.g0), (s.year, s.g1), (s.year, s.g2), "
        "(s.year, s.g3))"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *region_params, context.before])
        rows = cursor.fetchall()
    by_breakdown = {key: _Grouped() for key in BREAKDOWNS}
    levels = len(context.bounds)
    # GROUPING(g0, g1, g2, g3): a bit set for each column left out, g0 the highest.
    which = {0b0111: "secteur", 0b1011: "taille", 0b1101: "departement", 0b1110: "region"}
    for year, mask, *values in rows:
        groups, count, rest = values[:4], values[4], values[5:]
        reached, scores = rest[:levels], rest[levels:]
        stats = {name: (scores[2 * i], scores[2 * i + 1]) for i, name in enumerate(names)}
        if mask == 0b1111:
            per_level = {
                code: reached[i] - (reached[i + 1] if i + 1 < levels else 0)
                for i, (code, *_rest) in enumerate(context.bounds)
            }
            per_level[NO_LEVEL] = count - sum(per_level.values())
            for grouped in by_breakdown.values():
                grouped.years[year] = {"organisations": count, "levels": per_level, "stats": stats}
        else:
            key = which[mask]
            value = groups[BREAKDOWNS.index(key)]
            by_breakdown[key].groups[(year, value)] = {"organisations": count, "stats": stats}
    return by_breakdown


def cached_every_breakdown() -> list[PublicFigures]:
    """compute_every_breakdown(), kept as cached() keeps a page."""
    key = (
        f"advisers:public_observatory:{SCHEMA_VERSION}:{observatory.figures_version()}:"
        f"{published_years_before()}:every"
    )
    figures = cache.get(key)
    if figures is None:
        figures = compute_every_breakdown()
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def cached(breakdown: str = "secteur", detail_year: int | None = None) -> PublicFigures:
    """compute(), kept CACHE_SECONDS by breakdown and detailed year, until facts are recorded
    again (observatory.figures_version) or a year closes."""
    if breakdown not in BREAKDOWNS:
        breakdown = "secteur"
    key = (
        f"advisers:public_observatory:{SCHEMA_VERSION}:{observatory.figures_version()}:"
        f"{published_years_before()}:{breakdown}:{detail_year or 'all'}"
    )
    figures = cache.get(key)
    if figures is None:
        figures = compute(breakdown, detail_year)
        cache.set(key, figures, CACHE_SECONDS)
    return figures


# --- Open data: CSV, Table Schema, data package --------------------------------------------------

CSV_FIELDS = [
    "annee",
    "regroupement",
    "groupe",
    "libelle",
    "indicateur",
    "libelle_indicateur",
    "valeur",
    "masque",
]
ORGANISATIONS = "organisations"
OVERALL_MEDIAN = "mediane_score_global"


def _indicators(figures: PublicFigures) -> list[tuple[str, str]]:
    return [
        (ORGANISATIONS, _("Organisations ayant terminé un diagnostic dans l'année")),
        (OVERALL_MEDIAN, _("Score global médian (0 à 100)")),
        *(
            (f"mediane_{code}", _("Score médian (0 à 100) : %(title)s") % {"title": title})
            for code, title in figures.dimensions
        ),
    ]


def _row_values(cell: Cell, indicators: int) -> list[tuple[float | int | None, bool]]:
    """(value, withheld) of the first `indicators` indicators: a withheld cell withholds them
    all; a median left out under rule 5 is withheld too; a group without anyone has no median
    (not withheld)."""
    if cell.withheld:
        return [(None, True)] * indicators
    values = [(cell.organisations, False)]
    for median in [cell.median, *cell.medians][: indicators - 1]:
        values.append((median, median is None and bool(cell.organisations)))
    return values


def csv_records(by_breakdown: list[PublicFigures]) -> Iterable[list]:
    """The long table, one line per year × breakdown × group × indicator (CSV_FIELDS): the
    whole population and the levels once, then each breakdown."""
    if not by_breakdown:
        return
    first = by_breakdown[0]
    indicators = _indicators(first)
    years = first.years

    def lines(breakdown: str, rows: list[Row], with_medians: bool):
        for index, year in enumerate(years):
            for row in rows:
                cell = row.cells[index]
                shown = indicators if with_medians else indicators[:1]
                values = _row_values(cell, len(shown))
                for (code, label), (value, withheld) in zip(shown, values, strict=True):
                    yield [
                        year,
                        breakdown,
                        row.code,
                        row.label,
                        code,
                        label,
                        value,
                        "true" if withheld else "false",
                    ]

    yield from lines(ENSEMBLE, [first.total], True)
    yield from lines(LEVEL, first.levels, False)
    for figures in by_breakdown:
        yield from lines(figures.breakdown, figures.rows, True)


def table_schema() -> dict:
    """The CSV's Table Schema (frictionless specification), version SCHEMA_VERSION."""
    return {
        "title": "Observatoire public de la Boussole numérique ESS",
        "description": (
            "Une ligne par année, regroupement, groupe et indicateur. Toute cellule de moins "
            f"de {MIN_GROUP} organisations est masquée (masque = true, valeur vide), ainsi que "
            "d'autres cellules choisies pour qu'aucune ne puisse être recalculée par "
            "différence avec les totaux. Valeur vide et masque = false : sans objet (aucune "
            "organisation dans le groupe cette année-là)."
        ),
        "version": SCHEMA_VERSION,
        "fields": [
            {
                "name": "annee",
                "type": "integer",
                "title": "Année",
                "description": "Année (close) où les diagnostics ont été terminés.",
                "constraints": {"required": True, "minimum": 2000},
            },
            {
                "name": "regroupement",
                "type": "string",
                "title": "Regroupement",
                "description": (
                    "ensemble (toutes les organisations), niveau (niveau global atteint), "
                    "secteur, taille (salarié·es), departement ou region."
                ),
                "constraints": {
                    "required": True,
                    "enum": [ENSEMBLE, LEVEL, *BREAKDOWNS],
                },
            },
            {
                "name": "groupe",
                "type": "string",
                "title": "Code du groupe",
                "description": (
                    "Code du secteur, de la tranche de salarié·es, du département (COG), de la "
                    f"région (COG), du niveau ; « {ENSEMBLE} » pour l'ensemble, "
                    f"« {NOT_GIVEN} » quand le profil ne le précise pas, « {NO_LEVEL} » pour "
                    "un score global non calculé."
                ),
                "constraints": {"required": True},
            },
            {
                "name": "libelle",
                "type": "string",
                "title": "Libellé du groupe",
                "constraints": {"required": True},
            },
            {
                "name": "indicateur",
                "type": "string",
                "title": "Indicateur",
                "description": (
                    f"{ORGANISATIONS} (nombre d'organisations), {OVERALL_MEDIAN}, ou "
                    "mediane_<code de la dimension> (score médian de la dimension)."
                ),
                "constraints": {
                    "required": True,
                    "pattern": f"{ORGANISATIONS}|{OVERALL_MEDIAN}|mediane_[a-z0-9_]+",
                },
            },
            {
                "name": "libelle_indicateur",
                "type": "string",
                "title": "Libellé de l'indicateur",
                "constraints": {"required": True},
            },
            {
                "name": "valeur",
                "type": "number",
                "title": "Valeur",
                "description": "Nombre d'organisations, ou score médian de 0 à 100.",
                "constraints": {"minimum": 0},
            },
            {
                "name": "masque",
                "type": "boolean",
                "title": "Masqué par le secret statistique",
                "trueValues": ["true"],
                "falseValues": ["false"],
                "constraints": {"required": True},
            },
        ],
        "primaryKey": ["annee", "regroupement", "groupe", "indicateur"],
        "missingValues": [""],
    }


def datapackage(*, csv_url: str, schema_url: str, page_url: str) -> dict:
    """The data package descriptor: the licence, the file, its format and its schema."""
    return {
        "name": "boussole-numerique-ess-observatoire",
        "title": "Maturité numérique des organisations de l'ESS : observatoire public",
        "description": (
            "Chiffres agrégés, année par année, des autodiagnostics de maturité numérique "
            "terminés sur la Boussole numérique ESS, par secteur, taille, département et "
            f"région. Secret statistique : aucune cellule de moins de {MIN_GROUP} "
            "organisations, suppression complémentaire."
        ),
        "version": SCHEMA_VERSION,
        "homepage": page_url,
        "licenses": [LICENCE],
        "resources": [
            {
                "name": "observatoire-public",
                "title": "Observatoire public, année par année",
                "path": csv_url,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {
                    "delimiter": ",",
                    "lineTerminator": "\r\n",
                    "quoteChar": '"',
                    "doubleQuote": True,
                    "header": True,
                },
                "schema": schema_url,
                "licenses": [LICENCE],
            }
        ],
    }
