"""gunicorn settings shared by the Docker image, docker-compose and the load test, so that what
is measured is what is deployed. Values come from the environment (GUNICORN_WORKERS,
GUNICORN_THREADS, GUNICORN_BIND, BEHIND_TLS_PROXY), read through the same loud helpers as the
Django settings."""

import gc

from config.env import env_bool, env_int, env_str

bind = env_str("GUNICORN_BIND", "0.0.0.0:8000")
# One process per core; two threads each so that a request waiting on PostgreSQL or Redis does
# not hold the process, without the GIL contention that more threads bring on a small machine.
workers = env_int("GUNICORN_WORKERS", 2, minimum=1)
threads = env_int("GUNICORN_THREADS", 2, minimum=1)
worker_class = "gthread"
keepalive = 5
# Loading Django once in the master and freezing what it allocated keeps the workers' pages
# shared (copy-on-write) and keeps those objects out of every garbage collection afterwards.
preload_app = True
accesslog = env_str("GUNICORN_ACCESS_LOG", "-") or None
max_requests = env_int("GUNICORN_MAX_REQUESTS", 5000, minimum=0)
max_requests_jitter = max_requests // 10
# X-Forwarded-Proto is believed exactly when Django believes it: behind the TLS proxy, from
# whoever connects, since only the proxy can reach gunicorn (docker-compose publishes it on
# loopback); otherwise from nobody, not even a local process.
forwarded_allow_ips = "*" if env_bool("BEHIND_TLS_PROXY", False) else ""


def when_ready(server):
    gc.freeze()
