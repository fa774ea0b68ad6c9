"""Prepare the load-test database: demo data plus one organisation, member and diagnostic in
progress per simulated user (so that users never write to each other's rows)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from stdnum import luhn  # noqa: E402

from accounts.models import Membership, Organisation, User  # noqa: E402
from maturity import services  # noqa: E402
from maturity.models import Diagnostic  # noqa: E402

USERS = int(os.environ.get("LOAD_USERS", "50"))
PASSWORD = "charge-locale-2026"

call_command("migrate", verbosity=0)
call_command("demo_data", verbosity=0)
template = Diagnostic.objects.filter(status="completed").select_related("snapshot").first()
for n in range(USERS):
    email = f"charge{n}@example.org"
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": "Charge", "last_name": str(n)}
    )
    if created:
        user.set_password(PASSWORD)
        user.save()
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    base = f"6{n:07d}"
    organisation, _ = Organisation.objects.get_or_create(
        siren=base + luhn.calc_check_digit(base),
        defaults={"name": f"Organisation de charge {n}", "legal_form": "association", "sector": "culture",
                  "staff_band": "1-2", "volunteers_band": "10-49", "postcode": "86000", "departement": "86", "region": "75"},
    )  # fmt: skip
    Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": "admin"}
    )
    services.start_diagnostic(organisation=organisation, user=user)
# Simulated users log in once, here: logging in is deliberately slow (password hashing) and
# rate-limited per address, which is what a real crowd behind one address would also meet.
import json  # noqa: E402

from django.contrib.sessions.backends.db import SessionStore  # noqa: E402

sessions = []
for n in range(USERS):
    user = User.objects.get(email=f"charge{n}@example.org")
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "accounts.backends.RolesModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    sessions.append(session.session_key)
out = Path(os.environ.get("OUT", "artifacts/load"))
out.mkdir(parents=True, exist_ok=True)
(out / "sessions.json").write_text(json.dumps(sessions))
print(f"{USERS} utilisateur·rices de charge prêt·es ; diagnostic de référence : {template.pk}")
