"""Results document benchmark: the printable results of a diagnostic answered by 10 people
(mixed answers, so that disagreements are listed, an inventory with findings), rendered 10
times in this process as the web process does (median), its page count, and the peak memory.

    DEBUG=1 .venv/bin/python bench/results_pdf_bench.py

Target (issue): well under 1 s, since it is built while the person waits.
"""

import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import setup

setup("results-pdf")

from django.core.management import call_command  # noqa: E402
from stdnum import luhn  # noqa: E402

from accounts.models import Membership, Organisation, User  # noqa: E402
from maturity import results_document, services  # noqa: E402
from maturity.models import Diagnostic, EquipmentItem, InventoryItem, Respondent  # noqa: E402
from maturity.structure import structure_for  # noqa: E402

NAME = "Banc d'essai résultats"


def build_diagnostic():
    call_command("load_questionnaire", verbosity=0)
    Organisation.objects.filter(name=NAME).delete()
    base = "66666666"
    organisation = Organisation.objects.create(
        name=NAME, siren=base + luhn.calc_check_digit(base), legal_form="association", sector="culture",
        staff_band="3-9", volunteers_band="10-49", postcode="86000", departement="86", region="75",
    )  # fmt: skip
    people = []
    for n in range(10):
        user, _ = User.objects.get_or_create(
            email=f"bench-results-{n}@example.org", defaults={"first_name": f"Banc {n}"}
        )
        Membership.objects.create(
            user=user, organisation=organisation, role="admin" if n == 0 else "member"
        )
        people.append(user)
    diagnostic, first = services.start_diagnostic(organisation=organisation, user=people[0])
    respondents = [first] + [
        Respondent.objects.create(diagnostic=diagnostic, user=user) for user in people[1:]
    ]
    structure = structure_for(diagnostic.questionnaire)
    for index, respondent in enumerate(respondents):
        for section in structure.sections:
            for question in section.questions:
                if question.choices:
                    choice = question.choices[(question.id + index) % len(question.choices)]
                    parsed = services.parse_answer(question, [str(choice.id)])
                    services.save_answer(
                        respondent=respondent, structure=structure, question=question, parsed=parsed
                    )
    for usage, name, libre, eu in [
        ("stockage", "Google Drive", False, False),
        ("stockage", "Dropbox", False, False),
        ("stockage", "Nextcloud", True, True),
        ("visio", "Zoom", False, False),
        ("email", "Gmail", False, False),
    ]:
        InventoryItem.objects.create(
            diagnostic=diagnostic, usage=usage, tool_name=name, libre=libre, eu_hosted=eu
        )
    EquipmentItem.objects.create(
        diagnostic=diagnostic, kind="ordinateurs", count=8, average_age=7, reconditioned_percent=25
    )
    services.complete(diagnostic=diagnostic, by=people[0])
    diagnostic.refresh_from_db()
    return diagnostic, structure, people


def main():
    diagnostic, structure, people = build_diagnostic()
    data = diagnostic.snapshot.data
    results_document.render_pdf(diagnostic, data, structure)  # warm-up: fonts, templates
    timings, cpu = [], []
    for _run in range(10):
        start, start_cpu = time.perf_counter(), time.process_time()
        content = results_document.render_pdf(diagnostic, data, structure)
        timings.append(time.perf_counter() - start)
        # Processor time: steadier than elapsed time on a machine shared with other work.
        cpu.append(time.process_time() - start_cpu)
    pages = "?"
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True)
        pages = next(
            line.split()[-1]
            for line in info.stdout.decode().splitlines()
            if line.startswith("Pages")
        )
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Résultats imprimables ({data['respondents']} répondant·es, {len(data['divergence'])} "
          f"désaccords) : médiane {statistics.median(timings):.2f} s (min {min(timings):.2f}, "
          f"max {max(timings):.2f}), temps processeur médian {statistics.median(cpu):.2f} s, "
          f"{pages} pages, {len(content) // 1024} Kio, mémoire maximale du processus "
          f"{peak_mib:.0f} Mio")  # fmt: skip
    Diagnostic.objects.filter(organisation=diagnostic.organisation).delete()
    User.objects.filter(pk__in=[u.pk for u in people]).delete()


if __name__ == "__main__":
    main()
