"""The workshop's report: participation by group, the room's levels, the divergences discussed
with their notes, and the decisions. A page, and the same as a PDF built on request in the web
process: a few pages, a fraction of a second (README)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from common.typography import french_html
from maturity.structure import structure_for
from workshops import projection
from workshops.models import AgendaItem, Workshop


def context(workshop: Workshop) -> dict:
    """Computed afresh (not the projection's cached reading): the report is the record."""
    data = projection.compute(workshop)
    structure = structure_for(workshop.questionnaire)
    discussed = []
    for item in AgendaItem.objects.filter(workshop=workshop).order_by("pk"):
        question = structure.questions.get(item.question_id)
        if question is None or not (item.discussed or item.note):
            continue
        discussed.append(
            {
                "question": question.text,
                "dimension": structure.section_by_code[question.section_code].title,
                "discussed": item.discussed,
                "note": item.note,
            }
        )
    decisions = list(workshop.decisions.select_related("owner"))
    return {
        "workshop": workshop,
        "organisation": workshop.organisation,
        "data": data,
        "groups": [
            {**group, "small": 0 < group["answered"] < projection.MIN_ANSWERS}
            for group in data["groups"]
        ],
        "discussed": discussed,
        "decisions": decisions,
        "kept": [d for d in decisions if d.keep],
        "set_aside": [d for d in decisions if not d.keep],
        "levels": list(structure.level_texts.values()),
        "generated_at": timezone.localtime(),
    }


def render_pdf(workshop: Workshop) -> bytes:
    """The report as a tagged PDF (PDF/UA), like the results document."""
    from weasyprint import HTML

    # The pages' French typography (common.typography), which no middleware gives a PDF.
    html = french_html(render_to_string("workshops/report_pdf.html", context(workshop)))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant="pdf/ua-1")
