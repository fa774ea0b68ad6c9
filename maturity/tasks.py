from celery import shared_task

from common.task_options import task_options
from maturity import pdf


# Its own retries (a render error, a missing file) are counted below, with a shorter wait.
@shared_task(bind=True, **task_options(max_retries=3, time_limit=180, soft_time_limit=150))
def build_roadmap_pdf(self, export_id: int) -> str:
    """Render one roadmap PDF. Idempotent (a finished export is left alone); retried with
    backoff on failure, then the error is recorded so the member sees it and can ask again.
    In-process (no broker) there is nobody to retry later: the failure is recorded at once."""
    try:
        export = pdf.build(export_id)
    except (pdf.RenderError, OSError) as exc:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            pdf.mark_failed(export_id, str(exc))
            return "failed"
        raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc
    return export.status if export else "gone"
