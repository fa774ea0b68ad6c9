"""Prepare the workshop load test: the questionnaire, an organisation with its admin and its
diagnostic in progress, a workshop open on it (all dimensions at once), and ten sessions of
the admin for the projection screens. Each run opens a new workshop (the previous one is
closed), so that steps of a saturation search never share their answers.

Writes OUT/workshop.json: {"workshop": id, "code": "...", "sessions": [...]}."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from stdnum import luhn  # noqa: E402

from accounts.models import Membership, Organisation, User  # noqa: E402
from maturity import services as maturity_services  # noqa: E402
from maturity.models import Diagnostic, Questionnaire  # noqa: E402
from workshops import services  # noqa: E402
from workshops.models import DEFAULT_GROUPS, Workshop  # noqa: E402

VIEWERS = int(os.environ.get("LOAD_VIEWERS", "10"))

call_command("migrate", verbosity=0)
if not Questionnaire.objects.published().exists():
    call_command("load_questionnaire", verbosity=0)
admin, created = User.objects.get_or_create(
    email="atelier-charge@example.org", defaults={"first_name": "Animatrice", "last_name": "Charge"}
)
base = "70000000"
organisation, _ = Organisation.objects.get_or_create(
    siren=base + luhn.calc_check_digit(base),
    defaults={"name": "Association de l'atelier de charge", "legal_form": "association",
              "sector": "culture", "staff_band": "10-49", "volunteers_band": "50-199",
              "postcode": "86000", "departement": "86", "region": "75"},
)  # fmt: skip
Membership.objects.get_or_create(user=admin, organisation=organisation, defaults={"role": "admin"})
for workshop in Workshop.objects.open().filter(organisation=organisation):
    services.close(workshop)
# A fresh diagnostic for each run: the answers of one step are counted alone.
Diagnostic.objects.filter(organisation=organisation, status="in_progress").update(
    status="completed"
)
maturity_services.start_diagnostic(organisation=organisation, user=admin)
workshop = services.open_team_workshop(
    organisation=organisation,
    by=admin,
    title="Atelier de charge",
    groups=list(DEFAULT_GROUPS),
    pace=Workshop.Pace.FREE,
)
sessions = []
for _ in range(VIEWERS):
    session = SessionStore()
    session["_auth_user_id"] = str(admin.pk)
    session["_auth_user_backend"] = "accounts.backends.RolesModelBackend"
    session["_auth_user_hash"] = admin.get_session_auth_hash()
    session.create()
    sessions.append(session.session_key)
out = Path(os.environ.get("OUT", "artifacts/load-workshop"))
out.mkdir(parents=True, exist_ok=True)
(out / "workshop.json").write_text(
    json.dumps({"workshop": workshop.pk, "code": workshop.code, "sessions": sessions})
)
print(f"atelier {workshop.pk} ouvert, code {workshop.code}")
