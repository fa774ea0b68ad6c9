"""The results as the results page shows them, and the same results alone as a printable PDF
for the board or the interview with a DLA adviser.

The PDF is built on request, in the web process: a few pages, well under a second (README),
where the roadmap PDF, many pages long, goes through a Celery task.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from common.typography import french_html
from maturity import charts, footprint, results, synthesis
from maturity.structure import Structure


def overview(diagnostic, data: dict, structure: Structure) -> dict:
    """What the results page and the document share: the synthesis, the radar (with the first
    comparison group that may be shown), the per-dimension rows and the comparison groups.
    Groups of fewer than MIN_COMPARISON_GROUP organisations come with no medians."""
    groups = results.comparison_groups(diagnostic)
    shown_groups = [g for g in groups if g["shown"]]
    first = shown_groups[0] if shown_groups else None
    chart = charts.radar_svg(
        [(d["title"], d["score"]) for d in data["dimensions"]],
        comparison=[first["medians"].get(d["code"]) for d in data["dimensions"]] if first else None,
        title=_("Scores par dimension"),
        description=_(
            "Graphique radar des scores de 0 à 100 ; le tableau qui suit donne les mêmes valeurs."
        ),
    )
    dimension_rows = [
        {
            **d,
            "level_text": structure.level_texts.get(d["level"]) if d["level"] else None,
            "medians": [g["medians"].get(d["code"]) for g in shown_groups],
        }
        for d in data["dimensions"]
    ]
    return {
        "synthesis": synthesis.build(data, list(structure.level_texts.values())),
        "chart": chart,
        # Which polygon is whose, under the chart (the dashed one is the first group's median).
        "chart_key": charts.radar_key(first["label"], first["organisations"])
        if chart and first
        else "",
        "dimension_rows": dimension_rows,
        "groups": groups,
        "shown_groups": shown_groups,
        "levels": structure.level_texts.values(),
        # Where a split of answers is left out, the reader is told why (results.compute).
        "divergence_split_hidden": any(not item["answers"] for item in data["divergence"]),
        "divergence_split_minimum": results.MIN_SKILLS_RESPONDENTS,
    }


def document_html(diagnostic, data: dict, structure: Structure) -> str:
    """The results document: cover, synthesis, radar and table, disagreements, comparisons,
    the equipment's footprint."""
    context = {
        "diagnostic": diagnostic,
        "organisation": diagnostic.organisation,
        "data": data,
        "generated_at": timezone.localtime(),
        "footprint": footprint.for_page(data.get("footprint")),
        **overview(diagnostic, data, structure),
    }
    # The pages' French typography (common.typography), which no middleware gives a PDF.
    return french_html(render_to_string("maturity/results_pdf.html", context))


def render_pdf(diagnostic, data: dict, structure: Structure) -> bytes:
    """The results document as a tagged PDF (PDF/UA), like the roadmap's."""
    from weasyprint import HTML

    html = document_html(diagnostic, data, structure)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant="pdf/ua-1")
