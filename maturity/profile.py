"""The organisation's profile: its record (accounts.models.Organisation) is the one source.

The profile questions of the questionnaire that the record already answers carry
`organisation_field` in the file: their choices are the record's own list, one for each of
its values, with codes made from them (`profil_salaries_1_2` for the staff band "1-2"). In an
organisation's diagnostic they are not asked: the profile part shows the record instead, and
the record is kept as it was at completion (`snapshot`), as results and the roadmap depend on
it. Only the discovery diagnostic, made before any record exists, asks them.

Versions of the questionnaire published before this keep their questions, asked and answered
as before: their answers are read as they were (maturity.typology).
"""

from collections.abc import Mapping

from accounts.models import IntegrationBand, LegalForm, Sector, StaffBand, VolunteersBand

# The record's fields a profile question may stand for, with their lists of values.
ORGANISATION_FIELDS = {
    "staff_band": StaffBand,
    "volunteers_band": VolunteersBand,
    "integration_band": IntegrationBand,
    "sector": Sector,
}
# What the snapshot keeps of the record: what the typology, the funding leads and the
# footprint per person read.
SNAPSHOT_FIELDS = ("legal_form", "sector", "staff_band", "volunteers_band", "integration_band")


def choice_code(question_code: str, value: str) -> str:
    """The code of the choice standing for a record's value: "profil_salaries" and "50+" give
    "profil_salaries_50_plus"."""
    return f"{question_code}_{value.replace('+', '_plus').replace('-', '_')}"


def expected_choices(question_code: str, field: str) -> list[tuple[str, str]]:
    """(code, label) of the choices a question standing for `field` must have, in order."""
    return [
        (choice_code(question_code, value), str(label))
        for value, label in ORGANISATION_FIELDS[field].choices
    ]


def record_values(question_code: str, field: str) -> dict[str, str]:
    """Choice code -> the record's value, for a question standing for `field`."""
    return {choice_code(question_code, value): value for value in ORGANISATION_FIELDS[field]}


def snapshot(organisation) -> dict[str, str]:
    """The record's profile as it is now: kept with the results at completion."""
    return {field: getattr(organisation, field) for field in SNAPSHOT_FIELDS}


def labels(profile: Mapping[str, str]) -> dict[str, str]:
    """The snapshot's values in words, by field (an unknown or empty value: left out)."""
    lists = {"legal_form": LegalForm, **ORGANISATION_FIELDS}
    out = {}
    for field, value in profile.items():
        choices = dict(lists[field].choices) if field in lists else {}
        if value in choices:
            out[field] = str(choices[value])
    return out
