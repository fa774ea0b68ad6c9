"""Questionnaire versions: publishing freezes a version, changes go into a new draft."""

from django.db import transaction
from django.utils import timezone

from maturity import questionnaire_file
from maturity.models import Questionnaire


class VersionError(Exception):
    pass


@transaction.atomic
def publish(questionnaire: Questionnaire) -> Questionnaire:
    """Publish a draft; the previously published version is archived (its diagnostics keep it)."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if questionnaire.status != Questionnaire.Status.DRAFT:
        raise VersionError("Seul un brouillon peut être publié.")
    _, errors = questionnaire_file.clean(questionnaire_file.export_questionnaire(questionnaire))
    if errors:
        raise VersionError("Le brouillon contient des erreurs : " + " ; ".join(errors[:5]))
    Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED).update(
        status=Questionnaire.Status.ARCHIVED
    )
    questionnaire.status = Questionnaire.Status.PUBLISHED
    questionnaire.published_at = timezone.now()
    questionnaire.save(update_fields=["status", "published_at"])
    return questionnaire


def new_draft_from(source: Questionnaire, *, version: str, created_by=None) -> Questionnaire:
    """Copy a version (usually the published one) into a new draft to edit."""
    data = questionnaire_file.export_questionnaire(source)
    data["version"] = version
    return questionnaire_file.import_questionnaire(data, created_by=created_by)


def cress_queue_counts() -> dict[str, int]:
    """Questionnaire versions in draft, waiting for a CRESS admin to finish and publish them."""
    return {"drafts": Questionnaire.objects.filter(status=Questionnaire.Status.DRAFT).count()}
