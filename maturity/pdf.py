"""The roadmap PDF: requested by a member, built by a Celery task, stored privately."""

from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from common.typography import french_html
from maturity import charts, footprint, hooks, roadmap, roadmap_rules, synthesis
from maturity.models import PdfExport, Roadmap, RoadmapAction


class RenderError(Exception):
    """The PDF could not be rendered; the task retries, then records the error."""


class BuildRefused(Exception):
    """A new build was refused (the requester's rate limit); nothing was queued."""


def storage_dir() -> Path:
    path = Path(settings.PRIVATE_STORAGE_ROOT) / "roadmaps"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _actions(roadmap_obj: Roadmap) -> list[RoadmapAction]:
    return list(roadmap_obj.actions.for_roadmap_page())


def request_pdf(
    roadmap_obj: Roadmap, *, user, may_build: Callable[[], bool] | None = None
) -> tuple[PdfExport, bool]:
    """The export for the roadmap as it is now: reused when unchanged, else created and queued.

    Returns (export, queued). Two requests at once meet on the unique constraint: one row,
    one task. `may_build` is asked only when a build would start (the rate limit counts
    builds, not downloads of an unchanged file); BuildRefused when it says no.
    """
    from maturity.tasks import build_roadmap_pdf

    digest = roadmap.content_hash(roadmap_obj, _actions(roadmap_obj))
    existing = PdfExport.objects.filter(roadmap=roadmap_obj, content_hash=digest).first()
    if existing and existing.status != PdfExport.Status.FAILED:
        return existing, False
    if may_build is not None and not may_build():
        raise BuildRefused
    try:
        with transaction.atomic():
            if existing:  # failed before: try again
                existing.status = PdfExport.Status.PENDING
                existing.error = ""
                existing.save(update_fields=["status", "error"])
                export = existing
            else:
                export = PdfExport.objects.create(
                    roadmap=roadmap_obj, content_hash=digest, requested_by=user
                )
            transaction.on_commit(lambda: build_roadmap_pdf.delay(export.pk))
    except IntegrityError:
        return PdfExport.objects.get(roadmap=roadmap_obj, content_hash=digest), False
    return export, True


def render(export: PdfExport) -> bytes:
    from weasyprint import HTML

    roadmap_obj = export.roadmap
    actions = _actions(roadmap_obj)
    view = roadmap.arrange(actions)
    diagnostic = roadmap_obj.diagnostic
    snapshot = getattr(diagnostic, "snapshot", None) if diagnostic else None
    data = snapshot.data if snapshot else None
    chart = ""
    if data:
        chart = charts.radar_svg(
            [(d["title"], d["score"]) for d in data["dimensions"]],
            title=_("Scores par dimension"),
            description=_("Graphique radar des scores de 0 à 100, repris dans le tableau."),
        )
    leads = roadmap.Leads(roadmap_obj)
    titles = {d["code"]: d["title"] for d in data["dimensions"]} if data else {}
    proprietary = data["inventory"].get("proprietary_tools", []) if data else []
    context = {
        "roadmap": roadmap_obj,
        "organisation": roadmap_obj.organisation,
        "diagnostic": diagnostic,
        "data": data,
        # The written synthesis opens the PDF, the same text as on the results page.
        "synthesis": synthesis.build(data, diagnostic.questionnaire.levels) if data else None,
        "chart": chart,
        "view": view,
        # The PDF holds the priorities only; "pour plus tard" stays on the platform.
        "leads": leads.by_action(view.up_front),
        "all_leads": leads.all_of(view.up_front),
        "horizons": roadmap_rules.HORIZONS,
        "priority_labels": roadmap_rules.PRIORITY_LABELS,
        "titles": titles,
        "generated_at": timezone.localtime(),
        "tools": roadmap.tools_by_action(view.up_front, proprietary),
        "savings": footprint.savings_by_action(
            view.up_front, leads.lookup.savings, data.get("footprint") if data else None
        ),
        # The advisers' notes and recommendations, asked from the advisers app (maturity.hooks).
        "adviser_notes": hooks.adviser_notes_for_pdf(roadmap_obj, titles),
        "footprint": footprint.for_page(data.get("footprint") if data else None),
    }
    # The pages' French typography (common.typography), which no middleware gives a PDF.
    html = french_html(render_to_string("maturity/roadmap_pdf.html", context))
    try:
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant="pdf/ua-1")
    except Exception as exc:  # WeasyPrint raises many kinds; all mean "could not render"
        raise RenderError(str(exc)) from exc


def build(export_id: int) -> PdfExport | None:
    """Idempotent: a done export is left alone; a deleted roadmap ends quietly."""
    with transaction.atomic():
        export = (
            PdfExport.objects.select_for_update()
            .select_related("roadmap__organisation")
            .filter(pk=export_id)
            .first()
        )
        if export is None or export.status == PdfExport.Status.DONE:
            return export
        export.status = PdfExport.Status.RUNNING
        export.attempts += 1
        export.save(update_fields=["status", "attempts"])
    content = render(export)
    name = f"{export.roadmap_id}-{export.content_hash}.pdf"
    target = storage_dir() / name
    temporary = target.with_suffix(".part")
    temporary.write_bytes(content)
    temporary.replace(target)  # atomic: a reader never sees half a file
    PdfExport.objects.filter(pk=export.pk).update(
        status=PdfExport.Status.DONE, file_name=name, finished_at=timezone.now(), error=""
    )
    export.refresh_from_db()
    return export


def mark_failed(export_id: int, error: str) -> None:
    PdfExport.objects.filter(pk=export_id).update(
        status=PdfExport.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def file_path(export: PdfExport) -> Path:
    return storage_dir() / export.file_name
