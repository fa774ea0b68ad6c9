"""A Celery worker whose first PDF rendering hangs, so a test can kill it mid-task.

Run as `python -m tests.security.slow_pdf_worker <marker file> <celery worker args…>`: the
rendering touches the marker, then sleeps far longer than the test waits. A second worker
started without a marker renders normally.
"""

import sys
import time
from pathlib import Path

import django

django.setup()

from config.celery import app  # noqa: E402
from maturity import pdf  # noqa: E402

marker = Path(sys.argv[1])
real_render = pdf.render


def hanging_render(export):
    marker.write_text(str(export.pk))
    time.sleep(600)
    return real_render(export)


pdf.render = hanging_render
app.worker_main(["worker", *sys.argv[2:]])
