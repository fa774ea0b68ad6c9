"""Shared helpers for the benchmarks: a throwaway database and an in-process timer.

Each benchmark runs against DATABASE_URL if set (use a database made for it), else a SQLite
file in the system's temporary folder. Timings are server time measured in-process with
Django's test client, after warm-up, with PostgreSQL connections handled as in production
(as_in_production).
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
    # Production-like: DEBUG off (no query logging), plain HTTP for the in-process client.
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("STATIC_MANIFEST", "0")
    os.environ.setdefault("EMAIL_HOST", "")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.gettempdir()}/bench-{name}.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # The test client's host. (setup_test_environment() would also instrument every template
    # rendering, which adds milliseconds that production does not pay.)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)


def as_in_production(call):
    """The request wrapped as Django's handler wraps it in production, on PostgreSQL.

    The test client disconnects close_old_connections from request_started/finished (tests
    keep one connection and its transaction); the real handler runs it around every request,
    so each request pays the connection health check (CONN_HEALTH_CHECKS: a SELECT 1 on the
    reused connection) and reconnects once CONN_MAX_AGE has passed.

    SQLite, the development database, keeps its one connection here: its settings
    (CONN_MAX_AGE 0) and the development server open a connection per request, which adds
    several milliseconds to every page and a WAL checkpoint to every write, whatever the
    page does.
    """
    from django.db import close_old_connections, connection

    if connection.vendor == "sqlite":
        return call

    def wrapped():
        close_old_connections()
        try:
            return call()
        finally:
            close_old_connections()

    return wrapped


def measure(label: str, call, *, runs: int = 200, warmup: int = 20) -> dict:
    from django.db import connection

    call = as_in_production(call)

    for _ in range(warmup):
        call()
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = call()
    assert response.status_code in (200, 302), (label, response.status_code)
    timings = []
    # CPU time of this thread (the web process's own work, without the database server's):
    # steadier than wall time on a machine shared with other work.
    cpu = []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.thread_time()
        call()
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
    timings.sort()
    result = {
        "page": label,
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "cpu_median_ms": round(statistics.median(cpu), 2),
        "queries": len(executed),
        "runs": runs,
    }
    print(
        f"{label:<28} median {result['median_ms']:>7} ms   p95 {result['p95_ms']:>7} ms   "
        f"(CPU {result['cpu_median_ms']:>6} ms)   {result['queries']} requêtes SQL"
    )
    return result


def engine() -> str:
    from django.db import connection

    return connection.vendor
