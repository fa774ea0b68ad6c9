"""Shared helpers for the benchmarks: a throwaway database and an in-process timer.

Each benchmark runs against DATABASE_URL if set (use a database made for it), else a SQLite
file in the system's temporary folder. Timings are server time measured in-process with
Django's test client, after warm-up.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(name: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.gettempdir()}/bench-{name}.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # test client host, in-memory e-mail
    call_command("migrate", verbosity=0)


def measure(label: str, call, *, runs: int = 200, warmup: int = 20) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        call()
    # Requests reset the query log when they start: start the count from an empty log.
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code in (200, 302), (label, response.status_code)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    result = {
        "page": label,
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "queries": len(ctx.captured_queries),
        "runs": runs,
    }
    print(
        f"{label:<28} median {result['median_ms']:>7} ms   p95 {result['p95_ms']:>7} ms   {result['queries']} requêtes SQL"
    )
    return result


def engine() -> str:
    from django.db import connection

    return connection.vendor
