"""Roadmap PDF benchmark: a roadmap of 30 actions rendered 5 times (median) and the peak
memory of this process, which plays the Celery worker's part.

    DEBUG=1 .venv/bin/python bench/roadmap_pdf_bench.py

Targets (issue): ≤ 1.5 s median and ≤ 200 MiB.
"""

import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import setup

setup("roadmap")

from django.core.management import call_command  # noqa: E402
from stdnum import luhn  # noqa: E402

from accounts.models import Membership, Organisation, User  # noqa: E402
from maturity import pdf, roadmap, services  # noqa: E402
from maturity.models import Diagnostic, PdfExport, Respondent  # noqa: E402
from maturity.structure import structure_for  # noqa: E402


def build_roadmap():
    call_command("load_questionnaire", verbosity=0)
    call_command("load_roadmap_rules", verbosity=0)
    Organisation.objects.filter(name="Banc d'essai PDF").delete()
    user, _ = User.objects.get_or_create(
        email="bench-pdf@example.org", defaults={"first_name": "Banc"}
    )
    base = "77777777"
    organisation = Organisation.objects.create(
        name="Banc d'essai PDF", siren=base + luhn.calc_check_digit(base), legal_form="association", sector="culture",
        staff_band="3-9", volunteers_band="10-49", postcode="86000", departement="86", region="75",
    )  # fmt: skip
    Membership.objects.create(user=user, organisation=organisation, role="admin")
    diagnostic, respondent = services.start_diagnostic(organisation=organisation, user=user)
    structure = structure_for(diagnostic.questionnaire)
    for section in structure.sections:
        for question in section.questions:
            if question.choices:
                parsed = services.parse_answer(question, [str(question.choices[0].id)])
                services.save_answer(
                    respondent=respondent, structure=structure, question=question, parsed=parsed
                )
    services.complete(diagnostic=diagnostic, by=user)
    the_roadmap = organisation.roadmap
    actions = the_roadmap.actions.filter(obsolete=False).order_by("position")
    for extra in actions[30:]:
        extra.delete()
    while the_roadmap.actions.count() < 30:
        roadmap.add_custom(
            the_roadmap, title="Action ajoutée", dimension="strategie", horizon="6-12", notes=""
        )
    return the_roadmap, user


def main():
    the_roadmap, user = build_roadmap()
    timings = []
    for run in range(5):
        export = PdfExport.objects.create(
            roadmap=the_roadmap, content_hash=f"bench{run:059d}", requested_by=user
        )
        start = time.perf_counter()
        content = pdf.render(export)
        timings.append(time.perf_counter() - start)
    out = Path(pdf.storage_dir()) / "bench-roadmap.pdf"
    out.write_bytes(content)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"PDF de {the_roadmap.actions.count()} actions : médiane {statistics.median(timings):.2f} s "
          f"(min {min(timings):.2f}, max {max(timings):.2f}), {len(content) // 1024} Kio, "
          f"mémoire maximale du processus {peak_mib:.0f} Mio → {out}")  # fmt: skip
    PdfExport.objects.filter(roadmap=the_roadmap, content_hash__startswith="bench").delete()
    Diagnostic.objects.filter(organisation=the_roadmap.organisation).delete()
    Respondent.objects.filter(user=user).delete()


if __name__ == "__main__":
    main()
