#!/usr/bin/env bash
# The largest room keeping autosave p95 <= 300 ms: runs the room at growing sizes (STEPS) and
# prints each step's figures (bench/load/workshop/run.sh).
#   bash bench/load/workshop/saturation.sh                 (300 450 600 800 1000 1200)
#   STEPS="600 700" LOAD_DURATION=3m bash bench/load/workshop/saturation.sh
#   LOAD_RAMP=10 fills large rooms faster, so that each step holds its full room longer.
set -uo pipefail
cd "$(dirname "$0")/../../.."
for n in ${STEPS:-300 450 600 800 1000 1200}; do
  LOAD_PARTICIPANTS=$n LOAD_DURATION=${LOAD_DURATION:-4m} bash bench/load/workshop/run.sh | tail -n 12
  p95=$(.venv/bin/python -c 'import csv,sys; print(next((r["95%"] for r in csv.DictReader(open(sys.argv[1])) if r["Name"] == "enregistrement automatique"), "?"))' "artifacts/load-workshop/$n/room_stats.csv" 2>/dev/null)
  echo "== $n participant·es : autosave p95 ${p95:-?} ms"
done
