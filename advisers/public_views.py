"""The public observatory: its page and its open data (CSV, Table Schema, data package), for
everyone, visitors included (advisers.public_observatory says what is published)."""

import json

from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import csvkit
from advisers import charts, public_observatory
from advisers.forms import PublicObservatoryForm

CSV_NAME = "observatoire-boussole-numerique-ess.csv"


def page(request):
    form = PublicObservatoryForm(
        request.GET or None, last_year=public_observatory.published_years_before() - 1
    )
    year = form.year()
    figures = public_observatory.cached(form.breakdown(), year)
    index = figures.years.index(year) if year in figures.years else None
    complete_level_years = [
        (str(y), [row.cells[i].organisations for row in figures.levels])
        for i, y in enumerate(figures.years)
        if not any(row.cells[i].withheld for row in figures.levels)
    ]
    context = {
        "form": form,
        "figures": figures,
        "year": year,
        "index": index,
        "minimum": public_observatory.MIN_GROUP,
        "licence": public_observatory.LICENCE,
        "schema_version": public_observatory.SCHEMA_VERSION,
        "mostly_withheld": figures.withheld_breakdown_cells * 2 > figures.breakdown_cells,
        "year_rows": [
            (y, cell, [row.cells[i] for row in figures.levels])
            for i, (y, cell) in enumerate(zip(figures.years, figures.total.cells, strict=True))
        ],
        "detail_rows": (
            [(figures.total, figures.total.cells[index])]
            + [
                (row, row.cells[index])
                for row in figures.rows
                if row.cells[index].organisations != 0
            ]
            if index is not None
            else []
        ),
        "years_chart": charts.bars_svg(
            [
                (str(y), cell.median)
                for y, cell in zip(figures.years, figures.total.cells, strict=True)
            ],
            title=_("Score global médian, année par année"),
            description=_(
                "Médiane du score global (0 à 100) des organisations ayant terminé un "
                "diagnostic dans l'année ; le tableau qui suit donne les mêmes chiffres."
            ),
        ),
        "levels_chart": charts.stacked_svg(
            complete_level_years,
            legend=[row.label for row in figures.levels],
            title=_("Répartition des organisations par niveau global, année par année"),
            description=_(
                "Barres empilées à 100 % ; une année dont un niveau est masqué n'est pas "
                "dessinée. Le tableau qui suit donne les effectifs."
            ),
        ),
        "groups_chart": charts.bars_svg(
            [
                (row.label, row.cells[index].median)
                for row in figures.rows
                if index is not None and row.cells[index].organisations
            ],
            title=_("Score global médian par groupe en %(year)s") % {"year": year},
            description=_(
                "Groupes publiés seulement ; les groupes masqués figurent dans le tableau qui suit."
            ),
        ),
    }
    return TemplateResponse(request, "advisers/public_observatory.html", context)


def _urls(request) -> dict[str, str]:
    return {
        "csv_url": request.build_absolute_uri(reverse("public_observatory:csv")),
        "schema_url": request.build_absolute_uri(reverse("public_observatory:schema")),
        "page_url": request.build_absolute_uri(reverse("public_observatory:page")),
    }


def csv_file(request):
    """Every breakdown and year as one long table (RFC 4180: UTF-8, CRLF)."""
    urls = _urls(request)
    by_breakdown = public_observatory.cached_every_breakdown()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{CSV_NAME}"'
    package_url = request.build_absolute_uri(reverse("public_observatory:datapackage"))
    response["Link"] = (
        f'<{urls["schema_url"]}>; rel="describedby"; type="application/json", '
        f'<{package_url}>; rel="describedby"; type="application/json", '
        f'<{public_observatory.LICENCE["path"]}>; rel="license"'
    )
    writer = csvkit.writer(response, lineterminator="\r\n")
    writer.writerow(public_observatory.CSV_FIELDS)
    writer.writerows(public_observatory.csv_records(by_breakdown))
    return response


def schema(request):
    return JsonResponse(
        public_observatory.table_schema(), json_dumps_params={"ensure_ascii": False, "indent": 1}
    )


def datapackage(request):
    return HttpResponse(
        json.dumps(public_observatory.datapackage(**_urls(request)), ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
