"""Roadmap PDF benchmark: the default roadmap of an employer association answering with its
weakest choices (its priorities, with their funding leads and training), then a roadmap of 30
actions taken on, each rendered 5 times (median), their page counts, and the peak memory of
this process, which plays the Celery worker's part.

    DEBUG=1 .venv/bin/python bench/roadmap_pdf_bench.py

Targets (issues): the default roadmap ≤ 12 pages and ≤ 1 s; 30 actions ≤ 1.5 s; ≤ 200 MiB.
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

setup("roadmap")

from django.core.management import call_command  # noqa: E402
from django.db.models import Q  # noqa: E402
from stdnum import luhn  # noqa: E402

from accounts.models import Membership, Organisation, User  # noqa: E402
from maturity import pdf, roadmap, services  # noqa: E402
from maturity.models import Diagnostic, PdfExport, Respondent  # noqa: E402
from maturity.structure import structure_for  # noqa: E402


def pages(content: bytes) -> str:
    """The page count, read by pdfinfo (poppler-utils) when it is installed."""
    if not shutil.which("pdfinfo"):
        return "?"
    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True)
    return next(
        line.split()[1] for line in info.stdout.decode().splitlines() if line.startswith("Pages:")
    )


def render_median(the_roadmap, user, label: str, prefix: str) -> bytes:
    timings, cpu = [], []
    for run in range(5):
        export = PdfExport.objects.create(
            roadmap=the_roadmap, content_hash=f"{prefix}{run:059d}", requested_by=user
        )
        start, start_cpu = time.perf_counter(), time.thread_time()
        content = pdf.render(export)
        timings.append(time.perf_counter() - start)
        cpu.append(time.thread_time() - start_cpu)
    # CPU time too: steadier than wall time on a machine shared with other work.
    print(f"{label} : {pages(content)} pages, médiane {statistics.median(timings):.2f} s "
          f"(min {min(timings):.2f}, max {max(timings):.2f} ; CPU {statistics.median(cpu):.2f} s), "
          f"{len(content) // 1024} Kio")  # fmt: skip
    return content


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
    return organisation.roadmap, user


def take_on_thirty(the_roadmap):
    """30 actions the organisation works on: every one is in the PDF."""
    actions = the_roadmap.actions.filter(obsolete=False).order_by("position")
    actions.update(decision="accepted")
    for extra in actions[30:]:
        extra.delete()
    while the_roadmap.actions.count() < 30:
        roadmap.add_custom(
            the_roadmap, title="Action ajoutée", dimension="strategie", horizon="6-12", notes=""
        )


def main():
    the_roadmap, user = build_roadmap()
    priorities = the_roadmap.actions.filter(obsolete=False, later=False).count()
    render_median(
        the_roadmap, user, f"PDF par défaut ({priorities} actions à faire en premier)", "default"
    )
    take_on_thirty(the_roadmap)
    content = render_median(the_roadmap, user, "PDF de 30 actions retenues", "bench")
    out = Path(pdf.storage_dir()) / "bench-roadmap.pdf"
    out.write_bytes(content)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Mémoire maximale du processus {peak_mib:.0f} Mio → {out}")
    PdfExport.objects.filter(roadmap=the_roadmap).filter(
        Q(content_hash__startswith="bench") | Q(content_hash__startswith="default")
    ).delete()
    Diagnostic.objects.filter(organisation=the_roadmap.organisation).delete()
    Respondent.objects.filter(user=user).delete()


if __name__ == "__main__":
    main()
