"""Facet counts of the catalogue in one SQL query, whatever the number of tools.

For each facet value: how many published tools match it *and* every other active filter
(standard faceted search: within a facet choices add up, so a facet's own choices do not narrow
its counts). For each proprietary product: how many of the tools matching the facets replace it.

Why hand-written SQL: the ORM's `aggregate()` with ~40 filtered counts costs ~20 ms of Python to
compile, and evaluating ~40 conditions on every tool costs as much again in the database. Here
the tools matching the search (from the ORM, evaluated once) are read once into a CTE with, per
tool, a summary of its offers and one condition per *active* facet; then each facet is counted
by grouping — the JSON lists unnested, offers and licence by filtered counts:

    WITH base AS (SELECT tool.*, <offer summary: 0/1 per access and data location>,
                         <one 0/1 column per active filter>
                  FROM (<published tools matching the search>) AS tool
                  LEFT JOIN (<offers grouped by tool>) AS offers … LIMIT n)  -- LIMIT: a fence
    SELECT 'besoin', value, COUNT(*) FROM base, <unnest>(base.needs) WHERE <other filters> …
    UNION ALL …usages, deployments, dimensions…
    UNION ALL SELECT '', '', <filtered counts of licence, access, data location, total>
    UNION ALL SELECT 'remplace', product_id, COUNT(*) FROM base JOIN alternatives … GROUP BY …

The conditions mirror ToolFilter.value_condition (which filters the results); tests compare
every count with the results of the corresponding filtered page. Only code-defined identifiers
are written into the SQL; every value is a parameter.
"""

import json
from dataclasses import dataclass, field

from django.db import connection

from toolbox.filters import EU_COUNTRIES, DataLocation
from toolbox.models import Alternative, HostingOffer

FENCE = 1_000_000
LIST_FACETS = {
    "besoin": "needs",
    "usage": "usages",
    "deploiement": "deployments",
    "dimension": "dimensions",
}
OWN_DEPLOYMENTS = ["self_hosted", "desktop"]


@dataclass
class FacetCounts:
    facets: dict[str, dict[str, int]]
    total: int
    products: dict[int, int] = field(default_factory=dict)


def _list_contains(column: str, code: str) -> tuple[str, list]:
    if connection.vendor == "postgresql":
        return f"tool.{column} @> %s::jsonb", [json.dumps([code])]
    # SQLite stores JSON as text; a quoted code only matches a whole element (codes are [a-z_]+).
    return f"tool.{column} LIKE %s", [f'%"{code}"%']


def _unnest(column: str) -> str:
    """A table of the elements of a JSON list column of `base`, with a `value` column."""
    if connection.vendor == "postgresql":
        return f"jsonb_array_elements_text(base.{column})"
    return f"json_each(base.{column})"


def _offer_summary(values: dict[str, list[str]]) -> tuple[str, list, dict]:
    """Offers grouped by tool: a 0/1 column per access condition and per data location."""
    columns, params, names = [], [], {}
    conditions = [("acces", value, "access = %s", [value]) for value in values.get("acces", [])]
    conditions += [
        ("donnees", DataLocation.FRANCE, "data_country = %s", ["FR"]),
        (
            "donnees",
            DataLocation.EU,
            f"data_country IN ({', '.join(['%s'] * len(EU_COUNTRIES))})",
            list(EU_COUNTRIES),
        ),
    ]
    for facet, value, sql, condition_params in conditions:
        names[(facet, value)] = f"o{len(columns)}"
        columns.append(f"MAX(CASE WHEN {sql} THEN 1 ELSE 0 END) AS o{len(columns)}")
        params += condition_params
    table = HostingOffer._meta.db_table
    return f"SELECT tool_id, {', '.join(columns)} FROM {table} GROUP BY tool_id", params, names


def _condition(facet: str, value: str, offer_columns: dict) -> tuple[str, list]:
    """SQL over `tool` (and its offer summary) for one facet value; mirrors
    ToolFilter.value_condition."""
    if (facet, value) in offer_columns:
        return f"COALESCE(offers.{offer_columns[(facet, value)]}, 0) = 1", []
    if facet in LIST_FACETS:
        return _list_contains(LIST_FACETS[facet], value)
    if facet == "licence":
        return "tool.licence_status = %s", [value]
    if facet == "donnees" and value == DataLocation.OWN:
        own = [_list_contains("deployments", code) for code in OWN_DEPLOYMENTS]
        return "(" + " OR ".join(sql for sql, _p in own) + ")", [p for _s, ps in own for p in ps]
    raise ValueError((facet, value))


def _as_flag(sql: str) -> str:
    return f"CASE WHEN {sql} THEN 1 ELSE 0 END"


def count_facets(base, values: dict[str, list[str]], selected: dict[str, list[str]], product):
    """`base`: published tools matching the search (a queryset). `values`: each facet's values;
    `selected`: the chosen ones; `product`: the chosen ProprietaryProduct or None."""
    offers_sql, offers_params, offer_columns = _offer_summary(values)
    columns = ["tool.*"]
    column_params: list = []
    # Offer-derived 0/1 columns, kept for the filtered counts.
    for name in offer_columns.values():
        columns.append(f"COALESCE(offers.{name}, 0) AS {name}")
    own_sql, own_params = _condition("donnees", DataLocation.OWN, offer_columns)
    columns.append(f"{_as_flag(own_sql)} AS own")
    column_params += own_params
    # One 0/1 column per active filter (its chosen values add up).
    active = []
    for facet, chosen in selected.items():
        if not chosen:
            continue
        parts = [_condition(facet, value, offer_columns) for value in chosen]
        columns.append(f"{_as_flag(' OR '.join(sql for sql, _p in parts))} AS a_{facet}")
        column_params += [p for _s, ps in parts for p in ps]
        active.append(facet)
    if product is not None:
        table = Alternative._meta.db_table
        columns.append(
            _as_flag(f"tool.id IN (SELECT tool_id FROM {table} WHERE product_id = %s)")
            + " AS a_remplace"
        )
        column_params.append(product.pk)
        active.append("remplace")

    def others(*excluded: str) -> str:
        conditions = [f"base.a_{facet} = 1" for facet in active if facet not in excluded]
        return " AND ".join(conditions) or "1 = 1"

    # Licence, access, data location and the total: filtered counts over one scan, one row.
    keys, counts, count_params = [("", "total")], [f"SUM({_as_flag(others())})"], []
    for value in values.get("licence", []):
        keys.append(("licence", value))
        counts.append(f"SUM({_as_flag('base.licence_status = %s AND ' + others('licence'))})")
        count_params.append(value)
    for facet in ("acces", "donnees"):
        for value in values.get(facet, []):
            column = offer_columns.get((facet, value), "own")
            keys.append((facet, value))
            counts.append(f"SUM({_as_flag(f'base.{column} = 1 AND ' + others(facet))})")
    padding = ", NULL" * (len(counts) - 1)
    # Rows: (facet, value, n, …): the first holds the one-row counts in its columns.
    branches = [f"SELECT '' AS facet, NULL AS value, {', '.join(counts)} FROM base"]
    branches += [
        f"SELECT '{facet}', u.value, COUNT(*){padding} "
        f"FROM base, {_unnest(column)} AS u WHERE {others(facet)} GROUP BY u.value"
        for facet, column in LIST_FACETS.items()
    ]
    branches.append(
        f"SELECT 'remplace', CAST(a.product_id AS TEXT), COUNT(*){padding} "
        f"FROM {Alternative._meta.db_table} a JOIN base ON base.id = a.tool_id "
        f"WHERE {others('remplace')} GROUP BY a.product_id"
    )
    base_sql, base_params = (
        base.order_by()
        .values("id", "licence_status", "needs", "usages", "deployments", "dimensions")
        .query.sql_with_params()
    )
    sql = (
        f"WITH base AS (SELECT {', '.join(columns)} FROM ({base_sql}) AS tool "
        f"LEFT JOIN ({offers_sql}) AS offers ON offers.tool_id = tool.id LIMIT {FENCE}) "
        + " UNION ALL ".join(branches)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*column_params, *base_params, *offers_params, *count_params])
        rows = cursor.fetchall()

    facet_counts = {facet: dict.fromkeys(facet_values, 0) for facet, facet_values in values.items()}
    total, products = 0, {}
    for facet, value, n, *rest in rows:
        if facet == "":
            for (key_facet, key_value), count in zip(keys, [n, *rest], strict=True):
                if key_facet:
                    facet_counts[key_facet][key_value] = count or 0
                else:
                    total = count or 0
        elif facet == "remplace":
            products[int(value)] = n
        elif value in facet_counts[facet]:
            facet_counts[facet][value] = n
    return FacetCounts(facet_counts, total, products)
