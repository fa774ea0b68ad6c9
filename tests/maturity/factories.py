"""The real questionnaire (fixtures/questionnaire.yaml) and diagnostics built on it."""

import copy
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings

from maturity import questionnaire_file, versions
from maturity.models import Diagnostic, Questionnaire, Respondent
from tests.factories import MembershipFactory


@cache
def _questionnaire_data() -> dict:
    return yaml.safe_load(
        (Path(settings.BASE_DIR) / "fixtures" / "questionnaire.yaml").read_text(encoding="utf-8")
    )


def questionnaire_data() -> dict:
    """The shipped file, parsed once; each caller gets its own copy to change as it likes."""
    return copy.deepcopy(_questionnaire_data())


def published_questionnaire(version: str | None = None) -> Questionnaire:
    data = dict(questionnaire_data())
    if version:
        data["version"] = version
    questionnaire = questionnaire_file.import_questionnaire(data)
    versions.publish(questionnaire)
    return questionnaire


def diagnostic_with_respondent(*, questionnaire=None, membership=None):
    membership = membership or MembershipFactory(admin=True)
    questionnaire = (
        questionnaire or Questionnaire.objects.published().first() or published_questionnaire()
    )
    diagnostic = Diagnostic.objects.create(
        organisation=membership.organisation,
        questionnaire=questionnaire,
        created_by=membership.user,
    )
    respondent = Respondent.objects.create(diagnostic=diagnostic, user=membership.user)
    return diagnostic, respondent
