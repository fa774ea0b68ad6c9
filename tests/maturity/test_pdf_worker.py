"""The roadmap PDF built by a real Celery worker through Redis (run by CI on PostgreSQL + Redis)."""

import shutil
import subprocess

import pytest
from django.core.management import call_command

from maturity import pdf, services
from maturity.models import PdfExport, RoadmapAction
from tests.maturity.factories import diagnostic_with_respondent, published_questionnaire
from tests.maturity.test_collective_and_results import answer_all, weakest
from tests.pages import plain
from tests.workers import needs_worker, real_worker

pytestmark = [
    *needs_worker,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext"),
]


def test_a_real_worker_builds_the_roadmap_pdf(tmp_path, settings):
    from maturity.tasks import build_roadmap_pdf

    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    questionnaire = published_questionnaire()
    call_command("load_roadmap_rules", verbosity=0)
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    answer_all(respondent, weakest)
    services.complete(diagnostic=diagnostic, by=respondent.user)
    organisation = diagnostic.organisation
    digest = "worker" + "0" * 58
    export = PdfExport.objects.create(roadmap=organisation.roadmap, content_hash=digest)
    with real_worker(tmp_path, "pdf-test", {"DATA_DIR": str(tmp_path)}) as queue:
        result = build_roadmap_pdf.apply_async(args=[export.pk], queue=queue)
        assert result.get(timeout=120) == "done"
    export.refresh_from_db()
    assert export.status == "done"
    content = pdf.file_path(export).read_bytes()
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    first = (
        RoadmapAction.objects.filter(roadmap__organisation=organisation)
        .order_by("position")
        .first()
    )
    flat = " ".join(text.split())
    # The PDF is typographed as the pages are (’, no-break spaces).
    assert organisation.name in flat and plain(" ".join(first.title.split())[:30]) in plain(flat)
