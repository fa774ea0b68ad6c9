"""The CRESS observatory: anonymised figures over each organisation's latest completed diagnostic,
computed in the database, with small groups suppressed.

Suppression rule (also on the page and in the README):
1. A group (a cell of a table: a sector, a département, a year…) is shown only when it counts at
   least MIN_GROUP organisations; otherwise its count and medians are withheld.
2. Filters narrow the population. The filtered population is shown only when it counts at least
   MIN_GROUP organisations AND, for each filter applied, the organisations that this one filter
   removes number 0 or at least MIN_GROUP. Otherwise two pages (with and without the filter) could
   be subtracted to reveal fewer than MIN_GROUP organisations.
3. Level distributions are given for the whole (shown) population only, never per group.

Medians: PostgreSQL's percentile_cont in the grouping query; elsewhere (SQLite, the embedded
default) the grouped scores are read once and the medians taken in Python.

Figures are read from ObservatoryFact (advisers.models), one row per completed diagnostic with
its scores in typed columns and a flag on each organisation's latest one, joined to the
organisation for the groups and filters. record() keeps it in step: maturity.results calls it
each time a results snapshot is stored; migration advisers 0003 filled it for older diagnostics
and `manage.py rebuild_observatory` rebuilds it whole. A
page is then one grouping query, one query for rule 2 when filters apply, and one for the years.
"""

import hashlib
import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Aggregate, Count, FloatField, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import territories
from accounts.models import LegalForm, Sector, StaffBand
from advisers.models import (
    DIMENSION_SLOTS,
    ObservatoryDimension,
    ObservatoryFact,
    score_column,
)
from advisers.portfolio import dimension_titles, reference_structure
from maturity import scoring
from maturity.models import Diagnostic, DimensionResult, ResultSnapshot
from maturity.results import MIN_COMPARISON_GROUP

logger = logging.getLogger(__name__)

MIN_GROUP = MIN_COMPARISON_GROUP  # 5, as everywhere statistics about organisations are shown
# Figures move only when a diagnostic completes, so a page's figures are kept a while (computed
# fresh, a page costs a few hundred ms over 100,000 diagnostics: bench/advisers_bench.py).
CACHE_SECONDS = 600
RECORD_CHUNK = 2000  # diagnostics per record() call when rebuilding
# Changed each time facts are written: the public observatory's cache keys carry it.
VERSION_KEY = "advisers:observatory:version"


def _breakdowns() -> dict[str, tuple[str, str, list[tuple[str, str]]]]:
    """key → (organisation field, label, choices)."""
    return {
        "sector": ("sector", _("Secteur"), list(Sector.choices)),
        "size": ("staff_band", _("Taille (salarié·es)"), list(StaffBand.choices)),
        "legal_form": ("legal_form", _("Forme juridique"), list(LegalForm.choices)),
        "departement": ("departement", _("Département"), territories.departement_choices()),
        "region": ("region", _("Région"), territories.region_choices()),
    }


BREAKDOWN_KEYS = ["sector", "size", "legal_form", "departement", "region"]


class Median(Aggregate):
    """PostgreSQL's continuous median."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


# --- Pure rules ---------------------------------------------------------------------------------


def group_is_shown(organisations: int) -> bool:
    return organisations >= MIN_GROUP


def population_is_shown(count: int, counts_without_each_filter: list[int]) -> bool:
    """Rule 2: enough organisations, and no single filter that sets apart 1 to 4 of them."""
    if count < MIN_GROUP:
        return False
    return all(
        (without - count) == 0 or (without - count) >= MIN_GROUP
        for without in counts_without_each_filter
    )


def level_bounds(levels: list[dict]) -> list[tuple[str, str, float, float | None]]:
    """(code, label, lower bound included, upper bound excluded or None) from the thresholds."""
    ordered = sorted(levels, key=lambda lv: lv["min_score"])
    return [
        (
            lv["code"],
            lv["label"],
            lv["min_score"],
            ordered[i + 1]["min_score"] if i + 1 < len(ordered) else None,
        )
        for i, lv in enumerate(ordered)
    ]


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


# --- Facts: kept by the code that stores results -------------------------------------------------


def _dimension_slots(codes: Iterable[str]) -> dict[str, int]:
    """code → ObservatoryFact column slot, new codes given the next free slots for good."""
    known = dict(ObservatoryDimension.objects.values_list("code", "slot"))
    for code in dict.fromkeys(codes):
        # Two processes may give a slot to a new code at once: the loser reads the winner's.
        for _attempt in range(3):
            if code in known:
                break
            free = next((n for n in range(1, DIMENSION_SLOTS + 1) if n not in known.values()), None)
            if free is None:
                # Never block a diagnostic's completion for the observatory: say it loudly.
                logger.error(
                    "Observatoire : plus de colonne libre pour la dimension %s "
                    "(DIMENSION_SLOTS=%s) ; ses scores n'y figurent pas.",
                    code,
                    DIMENSION_SLOTS,
                )
                break
            try:
                with transaction.atomic():
                    ObservatoryDimension.objects.create(code=code, slot=free)
                known[code] = free
            except IntegrityError:
                known = dict(ObservatoryDimension.objects.values_list("code", "slot"))
    return known


def _year(moment) -> int:
    # The year as the site shows it (TIME_ZONE), like ExtractYear in the default time zone.
    return timezone.localtime(moment, timezone.get_default_timezone()).year


def _mark_latest(organisation_ids: list[int]) -> None:
    """Flag each organisation's latest completed diagnostic, overall and of each year (latest
    completion, then highest id on a tie, as everywhere the 'last diagnostic' is read)."""
    facts = ObservatoryFact.objects.filter(organisation_id__in=organisation_ids)
    facts.filter(Q(is_latest=True) | Q(is_latest_of_year=True)).update(
        is_latest=False, is_latest_of_year=False
    )
    newest = ObservatoryFact.objects.filter(organisation=OuterRef("organisation")).order_by(
        "-completed_at", "-diagnostic_id"
    )
    facts.filter(pk=Subquery(newest.values("pk")[:1])).update(is_latest=True)
    facts.filter(pk=Subquery(newest.filter(year=OuterRef("year")).values("pk")[:1])).update(
        is_latest_of_year=True
    )


@transaction.atomic
def record(diagnostic_ids: Iterable[int]) -> int:
    """(Re)write the facts of these diagnostics from their stored results snapshots, then which
    fact is each organisation's latest. Called whenever snapshots are stored (one diagnostic at
    completion, thousands by the rebuild); a diagnostic that is not completed, or has no
    snapshot, loses its fact. Returns the number of facts written."""
    ids = list(diagnostic_ids)
    if not ids:
        return 0
    snapshots = list(
        ResultSnapshot.objects.filter(
            diagnostic_id__in=ids,
            diagnostic__status=Diagnostic.Status.COMPLETED,
            diagnostic__completed_at__isnull=False,
        ).values(
            "pk",
            "diagnostic_id",
            "overall_score",
            "overall_level",
            "diagnostic__organisation_id",
            "diagnostic__completed_at",
            "data__footprint__per_person__value",
        )
    )
    scores: dict[int, dict[str, float | None]] = {}
    for snapshot_id, code, score in DimensionResult.objects.filter(
        snapshot_id__in=[s["pk"] for s in snapshots]
    ).values_list("snapshot_id", "dimension", "score"):
        scores.setdefault(snapshot_id, {})[code] = score
    slots = _dimension_slots(code for own in scores.values() for code in own)
    facts = []
    for snapshot in snapshots:
        fact = ObservatoryFact(
            diagnostic_id=snapshot["diagnostic_id"],
            organisation_id=snapshot["diagnostic__organisation_id"],
            completed_at=snapshot["diagnostic__completed_at"],
            year=_year(snapshot["diagnostic__completed_at"]),
            overall_score=snapshot["overall_score"],
            overall_level=snapshot["overall_level"],
            footprint_per_person=snapshot["data__footprint__per_person__value"],
        )
        for code, score in scores.get(snapshot["pk"], {}).items():
            if code in slots:
                setattr(fact, score_column(slots[code]), score)
        facts.append(fact)
    organisation_ids = set(
        ObservatoryFact.objects.filter(diagnostic_id__in=ids).values_list(
            "organisation_id", flat=True
        )
    ) | {fact.organisation_id for fact in facts}
    ObservatoryFact.objects.filter(diagnostic_id__in=ids).delete()
    ObservatoryFact.objects.bulk_create(facts, batch_size=RECORD_CHUNK)
    _mark_latest(sorted(organisation_ids))
    # After the commit: a page computed before it would be kept under the new version.
    transaction.on_commit(_figures_changed)
    return len(facts)


def record_snapshot(snapshot: ResultSnapshot) -> None:
    """maturity.hooks.snapshot_stored: a diagnostic's results were just stored (in the same
    transaction), so its fact is rewritten there and then."""
    record([snapshot.diagnostic_id])


def figures_version() -> int:
    """Changes whenever facts are recorded (a diagnostic completed, the table rebuilt)."""
    return cache.get_or_set(VERSION_KEY, 0, None)


def _figures_changed() -> None:
    cache.set(VERSION_KEY, time.time_ns(), None)


def rebuild() -> int:
    """Every completed diagnostic's fact, from the stored snapshots (for existing databases and
    after any doubt); each chunk in its own transaction. Returns the number of facts."""
    ObservatoryFact.objects.exclude(
        diagnostic__in=Diagnostic.objects.completed().filter(snapshot__isnull=False)
    ).delete()
    ids = list(
        Diagnostic.objects.completed()
        .filter(snapshot__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(record(ids[i : i + RECORD_CHUNK]) for i in range(0, len(ids), RECORD_CHUNK))


# --- Reads --------------------------------------------------------------------------------------


def _uses_percentile() -> bool:
    return connection.vendor == "postgresql"


@dataclass
class Figures:
    filters: dict[str, str]
    breakdown: str
    breakdown_label: str
    population: int | None
    shown: bool
    dimensions: list[dict] = field(default_factory=list)
    levels: list[tuple[str, str, float, float | None]] = field(default_factory=list)
    overall_levels: list[dict] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)
    years: list[dict] = field(default_factory=list)
    overall_median: float | None = None

    @property
    def dimension_titles(self) -> list[str]:
        return [d["title"] for d in self.dimensions]


def _round(value):
    return None if value is None else round(float(value), 1)


def _level_counts(column: str, prefix: str, bounds) -> dict:
    """`{prefix}_from_{i}`: how many scores reach the i-th level's lower bound. The bands are
    contiguous (each ends where the next begins), so a level's count is the difference of two
    of these (see _per_level): one comparison per level and row instead of two, which is most of
    a page's cost over 100,000 rows."""
    return {
        f"{prefix}_from_{index}": Count("pk", filter=Q(**{f"{column}__gte": low}))
        for index, (_code, _label, low, _high) in enumerate(bounds)
    }


def _per_level(rows, prefix: str, bounds) -> list[int]:
    """Counts per level, summed over the grouped rows, from _level_counts' cumulative counts."""
    reached = [sum(r[f"{prefix}_from_{index}"] for r in rows) for index in range(len(bounds))]
    return [n - (reached[i + 1] if i + 1 < len(reached) else 0) for i, n in enumerate(reached)]


def _organisation_q(filters: dict[str, str]) -> Q:
    return Q(**{f"organisation__{name}": value for name, value in filters.items()})


def _counts_without_each_filter(filters: dict[str, str]) -> list[int]:
    """Rule 2's populations, each filter left out in turn: one query for all of them."""
    if not filters:
        return []
    counts = {}
    for index, name in enumerate(filters):
        others = {k: v for k, v in filters.items() if k != name}
        counts[f"without_{index}"] = (
            Count("pk", filter=_organisation_q(others)) if others else Count("pk")
        )
    row = ObservatoryFact.objects.latest().aggregate(**counts)
    return [row[f"without_{index}"] for index in range(len(filters))]


def _grouped_rows(base, group_path: str, columns: dict[str, str], bounds, percentile: bool) -> dict:
    """One row per group: organisations, cumulative level counts and medians of the overall
    score and of each dimension column. One grouping query (and, without percentile_cont, one
    read of the scores for the Python medians)."""
    aggregates = {"organisations": Count("pk"), **_level_counts("overall_score", "overall", bounds)}
    if percentile:
        aggregates["median"] = Median("overall_score")
    for column in columns.values():
        aggregates[f"{column}_known"] = Count(column)
        aggregates.update(_level_counts(column, column, bounds))
        if percentile:
            aggregates[f"{column}_median"] = Median(column)
    grouped = {r[group_path]: r for r in base.values(group_path).annotate(**aggregates).order_by()}
    if not percentile:
        names = ["overall_score", *columns.values()]
        values: dict[tuple, list[float]] = {}
        for group_value, *scores in base.values_list(group_path, *names):
            for name, score in zip(names, scores, strict=True):
                if score is not None:
                    values.setdefault((group_value, name), []).append(score)
        for group_value, row in grouped.items():
            row["median"] = scoring.median(values.get((group_value, "overall_score"), []))
            for column in columns.values():
                row[f"{column}_median"] = scoring.median(values.get((group_value, column), []))
    return grouped


def _dimension_figures(
    codes: list[str], titles: dict, columns: dict[str, str], rows: list[dict], bounds
) -> list[dict]:
    """Each dimension's level distribution over the organisations scored on it."""
    dimensions = []
    for code in codes:
        column = columns.get(code)
        counts = _per_level(rows, column, bounds) if column else [0] * len(bounds)
        levels = [
            {"code": level_code, "label": label, "count": n, "percent": 0}
            for (level_code, label, _low, _high), n in zip(bounds, counts, strict=True)
        ]
        known = sum(item["count"] for item in levels)
        for item in levels:
            item["percent"] = percent(item["count"], known)
        dimensions.append(
            {
                "code": code,
                "title": titles.get(code, code),
                # Organisations with a score for this dimension.
                "organisations": sum(r[f"{column}_known"] for r in rows) if column else 0,
                "levels": levels,
            }
        )
    return dimensions


def _overall_level_figures(rows: list[dict], bounds) -> list[dict]:
    counts = _per_level(rows, "overall", bounds)
    return [
        {"code": level_code, "label": label, "count": n, "percent": percent(n, sum(counts))}
        for (level_code, label, _low, _high), n in zip(bounds, counts, strict=True)
    ]


def _group_figures(grouped: dict, choices, codes: list[str], columns: dict[str, str]) -> list:
    """One line per group of the breakdown, by label; small groups withheld (rule 1)."""
    labels = dict(choices)
    groups = []
    for value, row in sorted(grouped.items(), key=lambda item: str(labels.get(item[0], item[0]))):
        shown = group_is_shown(row["organisations"])
        groups.append(
            {
                "value": value,
                "label": str(labels.get(value, value or _("Non renseigné"))),
                "shown": shown,
                "organisations": row["organisations"] if shown else None,
                "median": _round(row["median"]) if shown else None,
                "medians": [
                    _round(row[f"{columns[code]}_median"]) if shown and code in columns else None
                    for code in codes
                ],
            }
        )
    return groups


def _year_figures(filters: dict[str, str], percentile: bool) -> list[dict]:
    """Evolution by year: every completed diagnostic of the filtered organisations, by year."""
    everyone = ObservatoryFact.objects.of_organisations(filters)
    year_rows = (
        everyone.values("year")
        .annotate(
            diagnostics=Count("pk"),
            organisations=Count("pk", filter=Q(is_latest_of_year=True)),
        )
        .order_by("year")
    )
    if percentile:
        years = [dict(r) for r in year_rows.annotate(median=Median("overall_score"))]
    else:
        years = [dict(r) for r in year_rows]
        by_year: dict[int, list[float]] = {}
        for year, score in everyone.values_list("year", "overall_score"):
            if score is not None:
                by_year.setdefault(year, []).append(score)
        for row in years:
            row["median"] = scoring.median(by_year.get(row["year"], []))
    figures = []
    for row in years:
        shown = group_is_shown(row["organisations"])
        figures.append(
            {
                "year": row["year"],
                "shown": shown,
                "organisations": row["organisations"] if shown else None,
                "diagnostics": row["diagnostics"] if shown else None,
                "median": _round(row["median"]) if shown else None,
            }
        )
    return figures


def compute(filters: dict[str, str], breakdown: str = "sector") -> Figures:
    """All figures of one observatory page. Queries: the reference questionnaire and the
    dimension columns, one grouping query (counts, levels and, on PostgreSQL, medians of every
    group), one for rule 2 when filters apply, one for the years (and, on SQLite, one read of
    the scores each for the Python medians): bounded, whatever the population."""
    field_name, breakdown_label, choices = _breakdowns()[breakdown]
    structure = reference_structure()
    titles = dimension_titles(structure)
    bounds = level_bounds(list(structure.level_texts.values())) if structure else []
    slots = dict(ObservatoryDimension.objects.values_list("code", "slot"))
    codes = list(titles) or sorted(slots)
    # Dimensions without any result have no column yet: no counts, no medians.
    columns = {code: score_column(slots[code]) for code in codes if code in slots}
    base = ObservatoryFact.objects.latest().of_organisations(filters)
    percentile = _uses_percentile()
    grouped = _grouped_rows(base, f"organisation__{field_name}", columns, bounds, percentile)
    population = sum(r["organisations"] for r in grouped.values())

    figures = Figures(
        filters=filters,
        breakdown=breakdown,
        breakdown_label=str(breakdown_label),
        population=population,
        shown=population_is_shown(population, _counts_without_each_filter(filters)),
        levels=bounds,
    )
    if not figures.shown:
        figures.population = None
        return figures
    rows = list(grouped.values())
    figures.dimensions = _dimension_figures(codes, titles, columns, rows, bounds)
    figures.overall_levels = _overall_level_figures(rows, bounds)
    figures.groups = _group_figures(grouped, choices, codes, columns)
    figures.years = _year_figures(filters, percentile)
    return figures


FOOTPRINT_BREAKDOWNS = ("sector", "size")


def footprint_figures(filters: dict[str, str]) -> dict:
    """Median equipment footprint per person (kg CO2e a year, maturity.footprint) over each
    organisation's latest diagnostic that has one: for the filtered population, and by sector
    and by size. The same rules as the other figures, counted over the organisations with a
    footprint: rule 2 for the population, rule 1 (MIN_GROUP) for each group. Queries: one for
    the counts (and, on PostgreSQL, the median), then one grouping query per breakdown on
    PostgreSQL (and one for the filtered population's median), or one read of the values for
    the Python medians elsewhere."""
    base = ObservatoryFact.objects.latest().filter(footprint_per_person__isnull=False)
    filtered = base.of_organisations(filters)
    percentile = _uses_percentile()
    # An empty filter is no filter at all (a filter on Q() is not valid SQL everywhere).
    within = {"filter": _organisation_q(filters)} if filters else {}
    aggregates = {"population": Count("pk", **within)}
    for index, name in enumerate(filters):
        others = {k: v for k, v in filters.items() if k != name}
        aggregates[f"without_{index}"] = (
            Count("pk", filter=_organisation_q(others)) if others else Count("pk")
        )
    if percentile and not filters:
        aggregates["median"] = Median("footprint_per_person")
    counts = base.aggregate(**aggregates)
    population = counts["population"]
    without = [counts[f"without_{index}"] for index in range(len(filters))]
    shown = population_is_shown(population, without)
    out: dict = {"shown": shown, "organisations": None, "median": None, "breakdowns": []}
    if not shown:
        return out
    out["organisations"] = population
    breakdowns = _breakdowns()
    paths = {key: f"organisation__{breakdowns[key][0]}" for key in FOOTPRINT_BREAKDOWNS}
    # (breakdown, group) → (organisations, median)
    by_group: dict[tuple[str, str], tuple[int, float | None]] = {}
    if percentile:
        # An ordered-set aggregate takes no FILTER clause here: filtered, it is a query of its own.
        median = (
            filtered.aggregate(median=Median("footprint_per_person"))["median"]
            if filters
            else counts["median"]
        )
        out["median"] = _round(median)
        for key, path in paths.items():
            rows = (
                filtered.values(path)
                .annotate(organisations=Count("pk"), median=Median("footprint_per_person"))
                .order_by()
            )
            for row in rows:
                by_group[(key, row[path])] = (row["organisations"], row["median"])
    else:
        values: dict[tuple[str, str], list[float]] = {}
        everyone = []
        for value, *groups in filtered.values_list("footprint_per_person", *paths.values()):
            everyone.append(value)
            for key, group in zip(paths, groups, strict=True):
                values.setdefault((key, group), []).append(value)
        out["median"] = _round(scoring.median(everyone))
        by_group = {group: (len(v), scoring.median(v)) for group, v in values.items()}
    for key in FOOTPRINT_BREAKDOWNS:
        _field, label, choices = breakdowns[key]
        labels = dict(choices)
        # In the order of the choices (sizes from the smallest), as the profile lists them.
        order = {value: index for index, (value, _label) in enumerate(choices)}
        groups = []
        for (of, value), (organisations, median) in by_group.items():
            if of != key:
                continue
            group_shown = group_is_shown(organisations)
            groups.append(
                {
                    "value": value,
                    "label": str(labels.get(value, value or _("Non renseigné"))),
                    "shown": group_shown,
                    "organisations": organisations if group_shown else None,
                    "median": _round(median) if group_shown else None,
                }
            )
        groups.sort(key=lambda g: (order.get(g["value"], len(order)), g["label"]))
        out["breakdowns"].append({"by": key, "label": str(label), "groups": groups})
    return out


def footprint_json(figures: dict | None) -> dict:
    """The open-data form of footprint_figures() (None: the whole page is suppressed)."""
    if not figures or not figures["shown"]:
        return {"unit": "kg CO2e par personne et par an", "suppressed": True}
    return {
        "unit": "kg CO2e par personne et par an",
        "suppressed": False,
        "organisations": figures["organisations"],
        "median_per_person": figures["median"],
        "breakdowns": [
            {
                "by": b["by"],
                "groups": [
                    {
                        "code": g["value"],
                        "label": g["label"],
                        "suppressed": not g["shown"],
                        "organisations": g["organisations"],
                        "median_per_person": g["median"],
                    }
                    for g in b["groups"]
                ],
            }
            for b in figures["breakdowns"]
        ],
    }


def cached_footprint(filters: dict[str, str]) -> dict:
    """footprint_figures(), kept CACHE_SECONDS per filters."""
    digest = hashlib.sha256(json.dumps(filters, sort_keys=True).encode()).hexdigest()
    key = f"advisers:observatory:footprint:{digest}"
    figures = cache.get(key)
    if figures is None:
        figures = footprint_figures(filters)
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def cached(filters: dict[str, str], breakdown: str = "sector") -> Figures:
    """compute(), kept CACHE_SECONDS per filters and grouping."""
    digest = hashlib.sha256(json.dumps([filters, breakdown], sort_keys=True).encode()).hexdigest()
    key = f"advisers:observatory:{digest}"
    figures = cache.get(key)
    if figures is None:
        figures = compute(filters, breakdown)
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def as_json(figures: Figures) -> dict:
    """The open-data document (schema in the README)."""
    return {
        "minimum_group": MIN_GROUP,
        "filters": figures.filters,
        "suppressed": not figures.shown,
        "organisations": figures.population,
        "levels": [
            {"code": code, "label": str(label), "min_score": low}
            for code, label, low, _high in figures.levels
        ],
        "overall_levels": [
            {"level": lv["code"], "organisations": lv["count"]} for lv in figures.overall_levels
        ],
        "dimensions": [
            {
                "code": d["code"],
                "title": d["title"],
                "levels": [
                    {"level": lv["code"], "organisations": lv["count"]} for lv in d["levels"]
                ],
            }
            for d in figures.dimensions
        ],
        "breakdown": {
            "by": figures.breakdown,
            "groups": [
                {
                    "code": g["value"],
                    "label": g["label"],
                    "suppressed": not g["shown"],
                    "organisations": g["organisations"],
                    "median_overall": g["median"],
                    "median_by_dimension": {
                        d["code"]: m for d, m in zip(figures.dimensions, g["medians"], strict=True)
                    }
                    if g["shown"]
                    else None,
                }
                for g in figures.groups
            ],
        },
        "years": [
            {
                "year": y["year"],
                "suppressed": not y["shown"],
                "organisations": y["organisations"],
                "diagnostics": y["diagnostics"],
                "median_overall": y["median"],
            }
            for y in figures.years
        ],
    }
