#!/usr/bin/env bash
# Load test on loopback: gunicorn (production settings, TLS with a throwaway certificate so production
# cookie settings stay as they are) + PostgreSQL + Redis + a Celery worker; first a baseline on
# the minimal health view, then the organisation journey with 50 users. Bounded in time.
#   bash bench/load/run.sh            (needs PostgreSQL and Redis running locally)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-artifacts/load}
USERS=${LOAD_USERS:-50}
DURATION=${LOAD_DURATION:-60s}
mkdir -p "$OUT"
export DATABASE_URL=${LOAD_DATABASE_URL:-postgres://boussole_ci:boussole_ci@127.0.0.1:5432/boussole_load}
export REDIS_URL=${LOAD_REDIS_URL:-redis://127.0.0.1:6379/2} REDIS_CACHE_URL=${LOAD_REDIS_CACHE_URL:-redis://127.0.0.1:6379/3}
export SECRET_KEY=load-test-only-secret-key-0123456789-0123456789-0123456789
export ALLOWED_HOSTS=127.0.0.1 CSRF_TRUSTED_ORIGINS=https://127.0.0.1:8443 SITE_URL=https://127.0.0.1:8443
export EMAIL_HOST="" LOG_LEVEL=WARNING LOAD_USERS=$USERS OUT

DEBUG=1 .venv/bin/python bench/load/prepare.py
DEBUG=0 .venv/bin/python manage.py collectstatic --noinput -v0
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" -keyout "$OUT/key.pem" -out "$OUT/cert.pem" 2>/dev/null

# The production gunicorn settings (config/gunicorn.py: 2 workers, 2 threads), on loopback, no access log.
GUNICORN_BIND=127.0.0.1:8443 GUNICORN_ACCESS_LOG="" DEBUG=0 .venv/bin/gunicorn config.wsgi:application \
  --config python:config.gunicorn --certfile "$OUT/cert.pem" --keyfile "$OUT/key.pem" --log-level warning &
GUNICORN=$!
DEBUG=0 .venv/bin/celery -A config worker --concurrency 1 --loglevel WARNING > "$OUT/worker.log" 2>&1 &
WORKER=$!
trap 'kill $GUNICORN $WORKER 2>/dev/null || true' EXIT
sleep 4

run() {  # name, class, users
  .venv/bin/locust -f bench/load/locustfile.py "$2" --headless -u "$3" -r 10 -t "$DURATION" \
    --host https://127.0.0.1:8443 --csv "$OUT/$1" --only-summary > "$OUT/$1.log" 2>&1 || true
}
run baseline Baseline "$USERS"
run organisation Organisation "$USERS"
.venv/bin/python - "$OUT" <<'PY'
import csv, sys
out = sys.argv[1]
def agg(name):
    for row in csv.DictReader(open(f"{out}/{name}_stats.csv")):
        if row["Name"] == "Aggregated":
            return row
    raise SystemExit(f"no aggregated row for {name}")
base, org = agg("baseline"), agg("organisation")
pages = [r for r in csv.DictReader(open(f"{out}/organisation_stats.csv")) if r["Name"] not in ("Aggregated",) and r["Name"] != "jeton CSRF"]
print("| scénario | requêtes/s | p50 | p95 | p99 | erreurs |")
print("| --- | --- | --- | --- | --- | --- |")
for label, row in (("référence (/sante/)", base), ("parcours organisation", org)):
    print(f"| {label} | {float(row['Requests/s']):.0f} | {row['50%']} ms | {row['95%']} ms | {row['99%']} ms | {row['Failure Count']} |")
for r in pages:
    print(f"| — {r['Name']} | {float(r['Requests/s']):.1f} | {r['50%']} ms | {r['95%']} ms | {r['99%']} ms | {r['Failure Count']} |")
print(f"Rapport débit parcours / référence : {float(org['Requests/s']) / float(base['Requests/s']):.2f}")
PY
