"""The diagnostics' and roadmaps' share of the personal data (accounts.rgpd.Section),
registered in MaturityConfig.ready().

An organisation's export holds what its pages show, no more: individual answers only of the
people who shared them, and never personal skills. A person's export holds all their answers
and the actions they are responsible for. Erasure: cascades remove the rows; the roadmap
actions' history (no foreign key) and the stored PDFs are erased here.
"""

from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction

from accounts.models import Organisation, User
from accounts.rgpd import Section, Tables, rows
from maturity.models import (
    Answer,
    Diagnostic,
    DimensionResult,
    EquipmentItem,
    InventoryItem,
    PdfExport,
    Respondent,
    ResultSnapshot,
    Roadmap,
    RoadmapAction,
)
from maturity.services import answers_shared_with_organisation


def organisation_tables(organisation: Organisation) -> Tables:
    diagnostics = Diagnostic.objects.filter(organisation=organisation).order_by("pk")
    answers = answers_shared_with_organisation(diagnostics).select_related("question")
    answer_rows = [
        {**row, "question_code": answer.question.code}
        for row, answer in zip(rows(answers.order_by("pk")), answers.order_by("pk"), strict=True)
    ]
    roadmap = Roadmap.objects.filter(organisation=organisation).first()
    return {
        "diagnostics": rows(diagnostics),
        "repondant_es": rows(Respondent.objects.filter(diagnostic__in=diagnostics)),
        "reponses": answer_rows,
        "outils_utilises": rows(InventoryItem.objects.filter(diagnostic__in=diagnostics)),
        "equipements": rows(EquipmentItem.objects.filter(diagnostic__in=diagnostics)),
        "resultats": rows(ResultSnapshot.objects.filter(diagnostic__in=diagnostics)),
        "resultats_par_dimension": rows(
            DimensionResult.objects.filter(snapshot__diagnostic__in=diagnostics)
        ),
        "feuille_de_route": rows([roadmap] if roadmap else []),
        "actions": rows(RoadmapAction.objects.filter(roadmap__organisation=organisation)),
        "exports_pdf": rows(PdfExport.objects.filter(roadmap__organisation=organisation)),
    }


def account_tables(user: User) -> Tables:
    return {
        "maturity_answer": rows(Answer.objects.filter(respondent__user=user).order_by("pk")),
        "actions_dont_je_suis_responsable": rows(
            RoadmapAction.objects.filter(owner=user).order_by("pk")
        ),
    }


def _pdf_files(roadmap_ids: list[int]) -> list[Path]:
    folder = Path(settings.PRIVATE_STORAGE_ROOT) / "roadmaps"
    files = [
        folder / Path(name).name  # .name: a stored name never leads out of the folder
        for name in PdfExport.objects.filter(roadmap_id__in=roadmap_ids)
        .exclude(file_name="")
        .values_list("file_name", flat=True)
    ]
    for roadmap_id in roadmap_ids:
        # Finished files and half-written ones (.part) of every version of the roadmap.
        files.extend(folder.glob(f"{roadmap_id}-*"))
    return files


def _remove_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def erase_organisation(organisation: Organisation) -> Callable[[], None]:
    """Before the cascade: the roadmaps and their stored PDFs, which the rows name."""
    roadmap_ids = list(
        Roadmap.objects.filter(organisation=organisation).values_list("pk", flat=True)
    )
    files = _pdf_files(roadmap_ids)

    def after_cascade() -> None:
        # After the cascade, which itself records a "deleted" history row per action.
        RoadmapAction.history.filter(roadmap_id__in=roadmap_ids).delete()
        # Files go only once the rows are gone for good; a rollback keeps both.
        transaction.on_commit(lambda: _remove_files(files))

    return after_cascade


def erase_account(user: User) -> None:
    # History rows point at owners without a foreign key: cleared by hand.
    RoadmapAction.history.filter(owner_id=user.pk).update(owner_id=None)
    RoadmapAction.history.filter(history_user_id=user.pk).update(history_user_id=None)


SECTION = Section(
    name="maturity",
    organisation_tables=organisation_tables,
    account_tables=account_tables,
    erase_organisation=erase_organisation,
    erase_account=erase_account,
)
