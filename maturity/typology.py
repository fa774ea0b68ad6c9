"""What kind of organisation a roadmap is for: pure functions over plain values, no ORM.

The types follow the typology of the CRESS guide on the needs of ESS structures:

- ``benevole``: a small volunteer-run structure (no staff), whatever its legal form apart
  from the entrepreneurial ones;
- ``employeur``: an employer association (association, foundation or other form, with staff);
- ``siae``: a structure of integration through economic activity: the legal form says so, or
  the profile says people hold integration jobs (most work-integration workshops are
  associations);
- ``entrepreneuriale``: a structure of entrepreneurial culture (SCOP, SCIC, CAE, other
  cooperative, mutual, ESUS company), with or without staff.

Size, employer status and people in integration jobs come from the organisation's record
(maturity.profile: the diagnostic keeps it as it was at completion), else from profile answers:
those of the discovery diagnostic, made before any record exists, and those of diagnostics
answered on versions of the questionnaire that still asked them (their volunteers' bands
differed from the record's; only "none or some" is read from them).
"""

from collections.abc import Mapping
from dataclasses import dataclass

TYPES = {
    "benevole": "Petite structure bénévole",
    "employeur": "Association employeuse",
    "siae": "Structure d'insertion par l'activité économique",
    "entrepreneuriale": "Structure de culture entrepreneuriale",
}
# The organisation record's legal forms (accounts.models.LegalForm, checked by a test).
LEGAL_FORMS = {
    "association",
    "scop",
    "scic",
    "cae",
    "cooperative",
    "mutuelle",
    "fondation",
    "esus",
    "siae",
    "autre",
}
ENTREPRENEURIAL_FORMS = {"scop", "scic", "cae", "cooperative", "mutuelle", "esus"}

# Staff bands as (fewest, most) people; None: no upper bound. The record's and the profile's.
STAFF_BANDS: dict[str, tuple[int, int | None]] = {
    "0": (0, 0),
    "1-2": (1, 2),
    "3-9": (3, 9),
    "10-49": (10, 49),
    "50+": (50, None),
}
PROFILE_STAFF = {
    "profil_salaries_0": "0",
    "profil_salaries_1_2": "1-2",
    "profil_salaries_3_9": "3-9",
    "profil_salaries_10_49": "10-49",
    "profil_salaries_50_plus": "50+",
}
RECORD_NO_VOLUNTEERS = "0"
RECORD_NO_INTEGRATION = "0"  # accounts.models.IntegrationBand.NONE
PROFILE_NO_VOLUNTEERS = "profil_benevoles_0"
PROFILE_VOLUNTEERS_PREFIX = "profil_benevoles_"
# People in integration jobs (profile question): the "none" answer.
PROFILE_INTEGRATION_NONE = "profil_insertion_0"
PROFILE_INTEGRATION_PREFIX = "profil_insertion_"

# The profile questions the typology reads (the roadmap keeps their answers).
PROFILE_QUESTIONS = ("profil_salaries", "profil_benevoles", "profil_insertion")


@dataclass(frozen=True)
class Typology:
    type: str  # a key of TYPES
    staff: tuple[int, int | None] | None  # (fewest, most) staff; None when unknown
    volunteers: bool | None  # None when unknown
    integration_jobs: bool | None  # None when not asked or not answered

    @property
    def employer(self) -> bool | None:
        return None if self.staff is None else self.staff[0] > 0

    @property
    def label(self) -> str:
        return TYPES[self.type]


def classify(
    *,
    legal_form: str = "",
    staff_band: str = "",
    volunteers_band: str = "",
    integration_band: str = "",
    profile: Mapping[str, str] | None = None,
) -> Typology:
    """The organisation's type, size and employer status.

    The record's bands come first ("" when not given); `profile` maps the profile question
    codes of PROFILE_QUESTIONS to the choice code given (the organisation's consolidated
    answer); missing or unknown answers are simply not used.
    """
    profile = profile or {}
    staff = STAFF_BANDS.get(staff_band) or STAFF_BANDS.get(
        PROFILE_STAFF.get(profile.get("profil_salaries", ""), "")
    )
    if volunteers_band:
        volunteers = volunteers_band != RECORD_NO_VOLUNTEERS
    elif profile.get("profil_benevoles", "").startswith(PROFILE_VOLUNTEERS_PREFIX):
        volunteers = profile["profil_benevoles"] != PROFILE_NO_VOLUNTEERS
    else:
        volunteers = None
    integration = profile.get("profil_insertion", "")
    if integration_band:
        integration_jobs = integration_band != RECORD_NO_INTEGRATION
    elif integration.startswith(PROFILE_INTEGRATION_PREFIX):
        integration_jobs = integration != PROFILE_INTEGRATION_NONE
    else:
        integration_jobs = None
    employer = None if staff is None else staff[0] > 0
    if employer is False:
        integration_jobs = False  # integration jobs are jobs: none without staff
    if legal_form == "siae" or integration_jobs:
        kind = "siae"
    elif legal_form in ENTREPRENEURIAL_FORMS:
        kind = "entrepreneuriale"
    elif employer:
        kind = "employeur"
    elif employer is False:
        kind = "benevole"
    else:
        # Staff unknown: an association is taken for what most associations are, run by
        # volunteers; eligibility rules on employer status still treat it as unknown.
        kind = "benevole"
    return Typology(
        type=kind, staff=staff, volunteers=volunteers, integration_jobs=integration_jobs
    )


# --- Applicability: the conditions a rule, a funding lead or a resource can set ----------------
# (their shape is checked with the rules file: maturity.roadmap_rules_format.Condition)


def matches(
    condition: Mapping | None, typology: Typology, *, legal_form: str = "", negate: bool = False
) -> bool:
    """Whether the typology meets every condition (all of them: an "and").

    What is unknown about the organisation never excludes it (its staff, its volunteers): it
    is better to show one lead too many than to hide the right one. With `negate`, the
    condition is a `not_for`: true when the organisation is among those excluded.
    """
    if not condition:
        return not negate
    checks = []
    if "types" in condition:
        checks.append(typology.type in condition["types"])
    if "legal_forms" in condition and legal_form:
        checks.append(legal_form in condition["legal_forms"])
    if "employer" in condition and typology.employer is not None:
        checks.append(typology.employer == condition["employer"])
    if "volunteers" in condition and typology.volunteers is not None:
        checks.append(typology.volunteers == condition["volunteers"])
    if typology.staff is not None:
        fewest, most = typology.staff
        if "min_staff" in condition:
            checks.append(fewest >= condition["min_staff"])
        if "max_staff" in condition:
            checks.append(most is not None and most <= condition["max_staff"])
    return all(checks)


def applies(rule: Mapping, typology: Typology | None, *, legal_form: str = "") -> bool:
    """A rule's `applies_to` holds and its `not_for` does not (no typology: everything applies)."""
    if typology is None:
        return True
    applies_to = rule.get("applies_to") or None
    not_for = rule.get("not_for") or None
    if applies_to and not matches(applies_to, typology, legal_form=legal_form):
        return False
    if not_for and _all_known(not_for, typology, legal_form):
        return not matches(not_for, typology, legal_form=legal_form)
    return True


def _all_known(condition: Mapping, typology: Typology, legal_form: str) -> bool:
    """A `not_for` excludes only on what is known (an unknown staff excludes no one)."""
    if ("employer" in condition or "min_staff" in condition or "max_staff" in condition) and (
        typology.staff is None
    ):
        return False
    if "volunteers" in condition and typology.volunteers is None:
        return False
    return not ("legal_forms" in condition and not legal_form)
