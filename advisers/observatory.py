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
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import Aggregate, Count, Exists, FloatField, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from accounts import territories
from accounts.models import LegalForm, Sector, StaffBand
from advisers.portfolio import dimension_titles, reference_structure
from maturity import scoring
from maturity.models import Diagnostic, DimensionResult, ResultSnapshot
from maturity.results import MIN_COMPARISON_GROUP

MIN_GROUP = MIN_COMPARISON_GROUP  # 5, as everywhere statistics about organisations are shown
# Figures move only when a diagnostic completes; computing a page reads every result row of
# the population (about 2 s over 100,000 diagnostics), so a page's figures are kept a while.
CACHE_SECONDS = 600


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


# --- Reads --------------------------------------------------------------------------------------


def latest_snapshots(filters: dict[str, str]) -> QuerySet:
    """Snapshots of each organisation's latest completed diagnostic, organisations filtered."""
    later = Diagnostic.objects.filter(
        organisation=OuterRef("diagnostic__organisation"),
        status=Diagnostic.Status.COMPLETED,
    ).filter(
        Q(completed_at__gt=OuterRef("diagnostic__completed_at"))
        | Q(completed_at=OuterRef("diagnostic__completed_at"), pk__gt=OuterRef("diagnostic_id"))
    )
    return ResultSnapshot.objects.filter(
        ~Exists(later),
        diagnostic__status=Diagnostic.Status.COMPLETED,
        **{f"diagnostic__organisation__{name}": value for name, value in filters.items()},
    )


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


def compute(filters: dict[str, str], breakdown: str = "sector") -> Figures:
    """All figures of one observatory page. Queries: one per applied filter (rule 2), one per
    dimension-by-group, one per overall-by-group and one for the years: bounded."""
    breakdowns = _breakdowns()
    field_name, breakdown_label, choices = breakdowns[breakdown]
    structure = reference_structure()
    titles = dimension_titles(structure)
    bounds = level_bounds(list(structure.level_texts.values())) if structure else []
    base = latest_snapshots(filters)
    group_path = f"diagnostic__organisation__{field_name}"

    def level_counts(score_field: str) -> dict:
        counts = {}
        for code, _label, low, high in bounds:
            condition = Q(**{f"{score_field}__gte": low})
            if high is not None:
                condition &= Q(**{f"{score_field}__lt": high})
            counts[f"level_{code}"] = Count("pk", filter=condition)
        return counts

    # Overall score per group (count of organisations, overall median, overall levels).
    overall_rows = base.values(group_path).annotate(
        organisations=Count("pk"), **level_counts("overall_score")
    )
    if _uses_percentile():
        overall_rows = overall_rows.annotate(median=Median("overall_score"))
        overall = {r[group_path]: r for r in overall_rows.order_by()}
    else:
        overall = {r[group_path]: dict(r) for r in overall_rows.order_by()}
        scores_by_group: dict[str, list[float]] = {}
        for value, score in base.values_list(group_path, "overall_score"):
            if score is not None:
                scores_by_group.setdefault(value, []).append(score)
        for value, row in overall.items():
            row["median"] = scoring.median(scores_by_group.get(value, []))
    population = sum(r["organisations"] for r in overall.values())

    without = [
        latest_snapshots({k: v for k, v in filters.items() if k != name}).count()
        for name in filters
    ]
    figures = Figures(
        filters=filters,
        breakdown=breakdown,
        breakdown_label=str(breakdown_label),
        population=population,
        shown=population_is_shown(population, without),
        levels=bounds,
    )
    if not figures.shown:
        figures.population = None
        return figures

    # Dimension scores per group: levels (summed over groups) and medians per group.
    dimension_path = "snapshot__" + group_path
    dimension_rows = (
        DimensionResult.objects.filter(snapshot__in=base.values("pk"))
        .values(dimension_path, "dimension")
        .annotate(organisations=Count("pk"), **level_counts("score"))
        .order_by()
    )
    if _uses_percentile():
        dimension_rows = dimension_rows.annotate(median=Median("score"))
        by_group_dimension = {(r[dimension_path], r["dimension"]): r for r in dimension_rows}
    else:
        by_group_dimension = {(r[dimension_path], r["dimension"]): dict(r) for r in dimension_rows}
        values: dict[tuple, list[float]] = {}
        for group_value, dimension, score in DimensionResult.objects.filter(
            snapshot__in=base.values("pk")
        ).values_list(dimension_path, "dimension", "score"):
            if score is not None:
                values.setdefault((group_value, dimension), []).append(score)
        for key, row in by_group_dimension.items():
            row["median"] = scoring.median(values.get(key, []))

    codes = list(titles) or sorted({d for _g, d in by_group_dimension})
    all_dimension_scores: dict[str, list] = {}
    for code in codes:
        rows = [r for (_g, d), r in by_group_dimension.items() if d == code]
        counted = sum(r["organisations"] for r in rows)
        levels = []
        for level_code, label, _low, _high in bounds:
            n = sum(r[f"level_{level_code}"] for r in rows)
            levels.append({"code": level_code, "label": label, "count": n, "percent": 0})
        known = sum(item["count"] for item in levels)
        for item in levels:
            item["percent"] = percent(item["count"], known)
        all_dimension_scores[code] = rows
        figures.dimensions.append(
            {
                "code": code,
                "title": titles.get(code, code),
                "organisations": counted,
                "levels": levels,
            }
        )
    known_overall = sum(r.get(f"level_{c}", 0) for r in overall.values() for c, *_rest in bounds)
    for level_code, label, _low, _high in bounds:
        n = sum(r[f"level_{level_code}"] for r in overall.values())
        figures.overall_levels.append(
            {"code": level_code, "label": label, "count": n, "percent": percent(n, known_overall)}
        )

    labels = dict(choices)
    for value, row in sorted(overall.items(), key=lambda item: str(labels.get(item[0], item[0]))):
        shown = group_is_shown(row["organisations"])
        figures.groups.append(
            {
                "value": value,
                "label": str(labels.get(value, value or _("Non renseigné"))),
                "shown": shown,
                "organisations": row["organisations"] if shown else None,
                "median": _round(row["median"]) if shown else None,
                "medians": [
                    _round(by_group_dimension.get((value, code), {}).get("median"))
                    if shown
                    else None
                    for code in codes
                ],
            }
        )

    # Evolution by year: every completed diagnostic of the filtered organisations, by year.
    year_rows = (
        ResultSnapshot.objects.filter(
            diagnostic__status=Diagnostic.Status.COMPLETED,
            **{f"diagnostic__organisation__{name}": value for name, value in filters.items()},
        )
        .annotate(year=ExtractYear("diagnostic__completed_at"))
        .values("year")
        .annotate(
            diagnostics=Count("pk"),
            organisations=Count("diagnostic__organisation", distinct=True),
        )
        .order_by("year")
    )
    if _uses_percentile():
        year_rows = year_rows.annotate(median=Median("overall_score"))
        years = [dict(r) for r in year_rows]
    else:
        years = [dict(r) for r in year_rows]
        by_year: dict[int, list[float]] = {}
        for year, score in (
            ResultSnapshot.objects.filter(
                diagnostic__status=Diagnostic.Status.COMPLETED,
                **{f"diagnostic__organisation__{name}": value for name, value in filters.items()},
            )
            .annotate(year=ExtractYear("diagnostic__completed_at"))
            .values_list("year", "overall_score")
        ):
            if score is not None:
                by_year.setdefault(year, []).append(score)
        for row in years:
            row["median"] = scoring.median(by_year.get(row["year"], []))
    for row in years:
        shown = group_is_shown(row["organisations"])
        figures.years.append(
            {
                "year": row["year"],
                "shown": shown,
                "organisations": row["organisations"] if shown else None,
                "diagnostics": row["diagnostics"] if shown else None,
                "median": _round(row["median"]) if shown else None,
            }
        )
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
