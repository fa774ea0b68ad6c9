#!/usr/bin/env bash
# A full room on loopback, against the production configuration: gunicorn (config/gunicorn.py,
# TLS with a throwaway certificate so production cookie settings stay as they are),
# PostgreSQL, Redis (cache and sessions, Celery's broker) and a Celery worker.
# LOAD_PARTICIPANTS participants (300) join a workshop within the ramp-up (LOAD_RAMP, 5 a second) and
# answer with autosave, thinking 5 to 15 s; LOAD_VIEWERS projection screens (10) poll every
# 3 s. Then: answers counted in the database against what Locust saw saved, and server times
# from gunicorn's access log (%(D)s).
#   bash bench/load/workshop/run.sh                       (300 participants, 4 minutes)
#   LOAD_PARTICIPANTS=600 bash bench/load/workshop/run.sh
#   bash bench/load/workshop/saturation.sh                (steps of participants)
# Needs PostgreSQL and Redis running locally; the scratch database is dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/../../.."
PARTICIPANTS=${LOAD_PARTICIPANTS:-300}
VIEWERS=${LOAD_VIEWERS:-10}
DURATION=${LOAD_DURATION:-4m}
# Participants joining per second: 5 fills a room of 300 within a minute, as in the issue.
RAMP=${LOAD_RAMP:-5}
OUT=${OUT:-artifacts/load-workshop/$PARTICIPANTS}
PG=${LOAD_PG:-postgres://postgres@127.0.0.1:5432}
DB=${LOAD_DB:-boussole_workshop_load}
mkdir -p "$OUT"
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB" && psql "$PG/postgres" -qc "CREATE DATABASE $DB"
export DATABASE_URL="$PG/$DB"
export REDIS_URL=${LOAD_REDIS_URL:-redis://127.0.0.1:6379/10} REDIS_CACHE_URL=${LOAD_REDIS_CACHE_URL:-redis://127.0.0.1:6379/11}
redis-cli -u "$REDIS_URL" flushdb >/dev/null && redis-cli -u "$REDIS_CACHE_URL" flushdb >/dev/null
export SECRET_KEY=load-test-only-secret-key-0123456789-0123456789-0123456789
export ALLOWED_HOSTS=127.0.0.1 CSRF_TRUSTED_ORIGINS=https://127.0.0.1:8444 SITE_URL=https://127.0.0.1:8444
export EMAIL_HOST="" LOG_LEVEL=WARNING LOAD_PARTICIPANTS=$PARTICIPANTS LOAD_VIEWERS=$VIEWERS OUT

DEBUG=1 .venv/bin/python bench/load/workshop/prepare.py
DEBUG=0 .venv/bin/python manage.py collectstatic --noinput -v0
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" -keyout "$OUT/key.pem" -out "$OUT/cert.pem" 2>/dev/null

# The production gunicorn settings (2 workers, 2 threads), with an access log giving each
# request's server time in microseconds.
GUNICORN_BIND=127.0.0.1:8444 GUNICORN_ACCESS_LOG="$OUT/access.log" DEBUG=0 .venv/bin/gunicorn config.wsgi:application \
  --config python:config.gunicorn --certfile "$OUT/cert.pem" --keyfile "$OUT/key.pem" --log-level warning \
  --access-logformat '"%(r)s" %(s)s %(D)s' &
GUNICORN=$!
DEBUG=0 .venv/bin/celery -A config worker --concurrency 1 --loglevel WARNING > "$OUT/worker.log" 2>&1 &
WORKER=$!
cleanup() {
  kill "$GUNICORN" "$WORKER" 2>/dev/null || true
  wait "$GUNICORN" "$WORKER" 2>/dev/null || true
  [ -n "${KEEP_DB:-}" ] || psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB" || true
}
trap cleanup EXIT
sleep 4
: > "$OUT/access.log"

uptime > "$OUT/load-average.txt"
.venv/bin/locust -f bench/load/workshop/locustfile.py --headless \
  -u $((PARTICIPANTS + VIEWERS)) -r "$RAMP" -t "$DURATION" --stop-timeout 20 \
  --host https://127.0.0.1:8444 --csv "$OUT/room" --only-summary > "$OUT/locust.log" 2>&1 || true
uptime >> "$OUT/load-average.txt"
sleep 2
DEBUG=0 .venv/bin/python bench/load/workshop/count.py | tee "$OUT/count.txt" || true
.venv/bin/python - "$OUT" "$PARTICIPANTS" <<'PY'
import csv, sys
out, participants = sys.argv[1], sys.argv[2]
print(f"| {participants} participant·es | requêtes | échecs | p50 | p95 | p99 |")
print("| --- | --- | --- | --- | --- | --- |")
for row in csv.DictReader(open(f"{out}/room_stats.csv")):
    print(f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} ms | {row['95%']} ms | {row['99%']} ms |")
print("charge moyenne (début, fin) :", " / ".join(l.split("load average:")[1].strip() for l in open(f"{out}/load-average.txt")))
PY
