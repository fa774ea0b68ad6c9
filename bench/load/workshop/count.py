"""After a run: the answers Locust saw saved (OUT/sent.json) against those in the database,
and the server-side time of each request kind from gunicorn's access log (%(D)s, µs)."""

import json
import os
import re
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from maturity.models import Answer  # noqa: E402

OUT = Path(os.environ.get("OUT", "artifacts/load-workshop"))
setup = json.loads((OUT / "workshop.json").read_text())
sent = {tuple(pair) for pair in json.loads((OUT / "sent.json").read_text())}
stored = set(
    Answer.objects.filter(respondent__workshop_participant__workshop=setup["workshop"]).values_list(
        "respondent_id", "question_id"
    )
)
lost = sent - stored
print(f"réponses envoyées (200) : {len(sent)} ; en base : {len(stored)} ; perdues : {len(lost)}")

times: dict[str, list[float]] = {}
line = re.compile(r'"(GET|POST) (\S+) HTTP/[\d.]+" (\d+) (\d+)$')
for text in (OUT / "access.log").read_text().splitlines():
    match = line.search(text)
    if not match:
        continue
    method, path, _status, micros = match.groups()
    if "/projection/" in path:
        kind = "projection"
    elif "/question/" in path:
        kind = "autosave"
    elif "/participer/" in path:
        kind = "participant page"
    elif "/rejoindre/" in path:
        kind = "join"
    else:
        kind = "other"
    times.setdefault(kind, []).append(int(micros) / 1000)
for kind, values in sorted(times.items()):
    values.sort()
    p95 = values[int(0.95 * (len(values) - 1))]
    print(
        f"temps serveur {kind} : n={len(values)} médiane {statistics.median(values):.1f} ms"
        f" p95 {p95:.1f} ms"
    )
sys.exit(1 if lost else 0)
