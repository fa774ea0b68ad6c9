"""The evaluation set of the roadmap: organisations drawn from the guide's typology, with what a
DLA adviser expects of their roadmap (fixtures/personas/*.yaml).

Three steps, each usable alone:

- `load` reads a persona file into plain data and `problems` checks it against a questionnaire
  (the normalised form of questionnaire_file), the rules, the toolbox's needs: pure functions;
- `run` builds the persona as the platform would see it (organisation, members, answers,
  inventory), completes its diagnostic and reads its roadmap back: the real path, results
  snapshot and generation included, so it writes to the database. The caller decides what
  becomes of what it writes: the tests run it inside their rolled-back transaction, the
  `personas` command inside a transaction it rolls back (`rolled_back`);
- `judge` checks the expectations against what `run` read, and `render` prints both in French
  for review: pure functions over plain data.
"""

import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from accounts import territories
from accounts.models import (
    IntegrationBand,
    LegalForm,
    Membership,
    Organisation,
    Sector,
    StaffBand,
    User,
    VolunteersBand,
)
from common import safe_yaml
from maturity import hooks, roadmap, roadmap_rules, services
from maturity import typology as typology_module
from maturity.models import (
    Diagnostic,
    EquipmentItem,
    InventoryItem,
    Questionnaire,
    Respondent,
    RoadmapRules,
)
from maturity.scoring import display_score
from maturity.structure import structure_for

DIRECTORY = Path(settings.BASE_DIR) / "fixtures" / "personas"
UNKNOWN = "je_ne_sais_pas"  # the answer "Je ne sais pas", where a question offers it
EXPECTATION_KINDS = (
    "type",
    "max_priority_actions",
    "must_include",
    "must_exclude",
    "needs_with_tools",
    "funding_must_include",
    "funding_must_exclude",
    "reasons_must_contain",
    "reasons_must_not_contain",
)
EQUIPMENT_FIELDS = {
    # field: (fewest, most) accepted, as the inventory page accepts them
    "count": (0, 100_000),
    "average_age": (0, 50),
    "reconditioned_percent": (0, 100),
    "renewal_years": (1, 30),
}


# --- What a persona file holds ----------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationProfile:
    name: str
    legal_form: str
    sector: str
    staff_band: str
    volunteers_band: str
    departement: str
    # The record's other profile fields, which the questionnaire no longer asks (optional).
    integration_band: str = ""
    federation: str = ""


@dataclass(frozen=True)
class RespondentAnswers:
    role: str  # who answers, in words ("Présidente", "Coordinatrice")
    # question code -> choice code, choice codes (multiple choice), UNKNOWN, or a text. In the
    # file, `same_as: <role>` starts from an earlier respondent's answers, which `answers`
    # then change (null: no answer, e.g. to a follow-up this person does not see).
    answers: Mapping[str, str | tuple[str, ...]]
    skills: Mapping[str, int]  # skills area code -> level (0 to 4) given to each of its questions


@dataclass(frozen=True)
class Expectation:
    kind: str  # one of EXPECTATION_KINDS
    target: str | int  # an action, need, lead or type code; a number; a text
    why: str  # why an adviser expects it, in French
    first: bool = False  # must_include: among the actions to do first
    action: str = ""  # reasons_*: the action whose reasons are read (empty: every priority)
    local_help: str = ""  # funding_must_include: the local help the lead must come with


@dataclass(frozen=True)
class Persona:
    name: str  # the file's name, without .yaml
    title: str
    drawn_from: str  # the part of the guide's typology
    description: str
    organisation: OrganisationProfile
    respondents: tuple[RespondentAnswers, ...]
    tools: Mapping[str, tuple[str, ...]]  # inventory usage code -> tool names
    equipment: Mapping[str, Mapping[str, int | None]]  # kind -> EQUIPMENT_FIELDS values
    expectations: tuple[Expectation, ...]


def _text(node: Mapping, key: str, where: str, errors: list[str], *, required=True) -> str:
    value = node.get(key)
    if value is None or value == "":
        if required:
            errors.append(f"{where}.{key} : champ obligatoire manquant")
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        errors.append(f"{where}.{key} : doit être un texte")
        return ""
    return str(value).strip()


def _table(node: Any, where: str, errors: list[str]) -> dict:
    if node is None:
        return {}
    if not isinstance(node, dict):
        errors.append(f"{where} : doit être une table (clé : valeur)")
        return {}
    return node


def _list(node: Any, where: str, errors: list[str]) -> list:
    if node is None:
        return []
    if not isinstance(node, list):
        errors.append(f"{where} : doit être une liste")
        return []
    return node


def _organisation(data: dict, errors: list[str]) -> OrganisationProfile:
    org = _table(data.get("organisation"), "organisation", errors)
    return OrganisationProfile(
        **{
            key: _text(org, key, "organisation", errors)
            for key in (
                "name",
                "legal_form",
                "sector",
                "staff_band",
                "volunteers_band",
                "departement",
            )
        },
        **{
            key: _text(org, key, "organisation", errors, required=False)
            for key in ("integration_band", "federation")
        },
    )


def _respondent(
    node: Any, i: int, by_role: dict[str, RespondentAnswers], errors: list[str]
) -> RespondentAnswers:
    """The i-th respondent; `same_as` copies an earlier one's answers and skills (by_role)."""
    where = f"respondents[{i}]"
    node = _table(node, where, errors)
    role = _text(node, "role", where, errors) or f"répondant·e {i + 1}"
    answers: dict[str, str | tuple[str, ...]] = {}
    skills: dict[str, int] = {}
    base = _text(node, "same_as", where, errors, required=False)
    if base:
        if base not in by_role:
            errors.append(f"{where}.same_as : « {base} » n'est pas un·e répondant·e précédent·e")
        else:
            answers.update(by_role[base].answers)
            skills.update(by_role[base].skills)
    for code, value in _table(node.get("answers"), f"{where}.answers", errors).items():
        if value is None and base:
            answers.pop(str(code), None)  # no answer, unlike the respondent copied
        elif isinstance(value, list) and all(isinstance(v, str) for v in value) and value:
            answers[str(code)] = tuple(value)
        elif isinstance(value, str) and value:
            answers[str(code)] = value
        else:
            errors.append(f"{where}.answers.{code} : un code de choix ou une liste de codes")
    for code, level in _table(node.get("skills"), f"{where}.skills", errors).items():
        if isinstance(level, bool) or not isinstance(level, int):
            errors.append(f"{where}.skills.{code} : un niveau de 0 à 4")
        else:
            skills[str(code)] = level
    if role in by_role:
        errors.append(f"{where}.role : « {role} » est déjà utilisé")
    return RespondentAnswers(role, answers, skills)


def _respondents(data: dict, errors: list[str]) -> list[RespondentAnswers]:
    respondents: list[RespondentAnswers] = []
    by_role: dict[str, RespondentAnswers] = {}
    for i, node in enumerate(_list(data.get("respondents"), "respondents", errors)):
        respondent = _respondent(node, i, by_role, errors)
        by_role[respondent.role] = respondent
        respondents.append(respondent)
    if not respondents:
        errors.append("respondents : au moins un·e répondant·e")
    return respondents


def _inventory(
    data: dict, errors: list[str]
) -> tuple[dict[str, tuple[str, ...]], dict[str, dict[str, int | None]]]:
    """The tools named per usage and the equipment per kind."""
    inventory = _table(data.get("inventory"), "inventory", errors)
    tools: dict[str, tuple[str, ...]] = {}
    for usage, names in _table(inventory.get("tools"), "inventory.tools", errors).items():
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            errors.append(f"inventory.tools.{usage} : une liste de noms d'outils")
            continue
        tools[str(usage)] = tuple(names)
    equipment: dict[str, dict[str, int | None]] = {}
    for kind, node in _table(inventory.get("equipment"), "inventory.equipment", errors).items():
        node = _table(node, f"inventory.equipment.{kind}", errors)
        values: dict[str, int | None] = {}
        for key, value in node.items():
            if key not in EQUIPMENT_FIELDS:
                errors.append(
                    f"inventory.equipment.{kind}.{key} : inconnu ; "
                    f"l'un de {', '.join(EQUIPMENT_FIELDS)}"
                )
                continue
            low, high = EQUIPMENT_FIELDS[key]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                errors.append(f"inventory.equipment.{kind}.{key} : un entier de {low} à {high}")
                continue
            values[key] = value
        equipment[str(kind)] = values
    return tools, equipment


def _single_expectation(kind: str, value: Any, where: str, errors: list[str]):
    """`type` or `max_priority_actions`: one value and why; None when the value is wrong."""
    node = _table(value, where, errors)
    target: str | int = node.get("value", "")
    if kind == "max_priority_actions" and (
        isinstance(target, bool) or not isinstance(target, int) or target < 0
    ):
        errors.append(f"{where}.value : un nombre d'actions")
        return None
    if kind == "type" and (not isinstance(target, str) or not target):
        errors.append(f"{where}.value : un type d'organisation")
        return None
    return Expectation(kind, target, _text(node, "why", where, errors))


def _listed_expectations(kind: str, value: Any, where: str, errors: list[str]):
    """The other kinds: a list of items, each naming an action, a need, a lead or a text."""
    key = {
        "must_include": "action",
        "must_exclude": "action",
        "needs_with_tools": "need",
        "funding_must_include": "lead",
        "funding_must_exclude": "lead",
    }.get(kind, "text")
    expectations = []
    for j, node in enumerate(_list(value, where, errors)):
        at = f"{where}[{j}]"
        node = _table(node, at, errors)
        first = node.get("first", False)
        if not isinstance(first, bool):
            errors.append(f"{at}.first : true ou false")
            first = False
        expectations.append(
            Expectation(
                kind,
                _text(node, key, at, errors),
                _text(node, "why", at, errors),
                first=first,
                action=_text(node, "action", at, errors, required=False),
                local_help=_text(node, "local_help", at, errors, required=False),
            )
        )
    return expectations


def _expectations(data: dict, errors: list[str]) -> list[Expectation]:
    expectations: list[Expectation] = []
    expected = _table(data.get("expectations"), "expectations", errors)
    for kind, value in expected.items():
        where = f"expectations.{kind}"
        if kind not in EXPECTATION_KINDS:
            errors.append(f"{where} : attente inconnue ; l'une de {', '.join(EXPECTATION_KINDS)}")
        elif kind in ("type", "max_priority_actions"):
            single = _single_expectation(kind, value, where, errors)
            if single is not None:
                expectations.append(single)
        else:
            expectations.extend(_listed_expectations(kind, value, where, errors))
    if not expectations:
        errors.append("expectations : au moins une attente")
    return expectations


def load(text: str, name: str) -> tuple[Persona | None, list[str]]:
    """A persona from the text of its file; errors name the persona and where."""
    errors: list[str] = []
    try:
        data = safe_yaml.load(text)
    except safe_yaml.YAMLFileError as exc:
        return None, [f"{name} : {exc}"]
    if not isinstance(data, dict):
        return None, [f"{name} : le fichier doit être une table (clé : valeur)"]
    organisation = _organisation(data, errors)
    respondents = _respondents(data, errors)
    tools, equipment = _inventory(data, errors)
    expectations = _expectations(data, errors)
    persona = Persona(
        name=name,
        title=_text(data, "title", "fichier", errors),
        drawn_from=_text(data, "drawn_from", "fichier", errors),
        description=_text(data, "description", "fichier", errors),
        organisation=organisation,
        respondents=tuple(respondents),
        tools=tools,
        equipment=equipment,
        expectations=tuple(expectations),
    )
    return persona, [f"{name} : {error}" for error in errors]


def load_file(path: Path) -> tuple[Persona | None, list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{path.stem} : lecture impossible ({exc})"]
    return load(text, path.stem)


def files(names: Iterable[str] = (), directory: Path | None = None) -> list[Path]:
    """The persona files, by name; the named ones only when names are given (unknown names
    raise LookupError with the names available)."""
    found = {path.stem: path for path in sorted((directory or DIRECTORY).glob("*.yaml"))}
    wanted = list(names)
    if not wanted:
        return list(found.values())
    unknown = [n for n in wanted if n not in found]
    if unknown:
        raise LookupError(
            f"Persona inconnu : {', '.join(unknown)} ; disponibles : {', '.join(found)}"
        )
    return [found[n] for n in wanted]


# --- Is a persona valid against a questionnaire, the rules and the toolbox? ---------------------


def _questions(questionnaire: Mapping) -> dict[str, dict]:
    """Questions a respondent answers for the organisation (profile, dimensions, difficulties),
    by code."""
    blocks = [
        questionnaire["profile"]["questions"],
        *[d["questions"] for d in questionnaire["dimensions"]],
        questionnaire["difficulties"]["questions"],
    ]
    return {q["code"]: q for block in blocks for q in block}


def _shown(question: Mapping, answers: Mapping[str, str | tuple[str, ...]]) -> bool:
    condition = question.get("show_if")
    if not condition:
        return True
    given = answers.get(condition["question"], ())
    given = (given,) if isinstance(given, str) else given
    return bool(set(given) & set(condition["choices"]))


def skills_choice(question: Mapping, level: int) -> str:
    """The choice of a skills question at a level (0: the first choice, 4: the fifth)."""
    return question["choices"][level]["code"]


def _organisation_problems(org: OrganisationProfile) -> list[str]:
    checks = [
        ("legal_form", org.legal_form, LegalForm.values),
        ("sector", org.sector, Sector.values),
        ("staff_band", org.staff_band, StaffBand.values),
        ("volunteers_band", org.volunteers_band, VolunteersBand.values),
        ("integration_band", org.integration_band, IntegrationBand.values),
        ("departement", org.departement, territories.territories().departements),
    ]
    return [
        f"organisation.{key} : « {value} » inconnu"
        for key, value, allowed in checks
        if value and value not in allowed
    ]


def _answer_problems(
    who: str, code: str, value: str | tuple[str, ...], question: Mapping, answers: Mapping
) -> list[str]:
    """What is wrong with one answer to a known question (answers: all the respondent's)."""
    if question.get("organisation_field"):
        return [
            f"{who}, {code} : la fiche de l'organisation y répond "
            f"(organisation.{question['organisation_field']}), elle n'est pas posée"
        ]
    if question["kind"] == "text":
        return [] if isinstance(value, str) else [f"{who}, {code} : une réponse en texte"]
    choices = {c["code"]: c for c in question["choices"]}
    picked = (value,) if isinstance(value, str) else value
    if picked == (UNKNOWN,):
        if not question.get("allow_unknown"):
            return [f"{who}, {code} : « Je ne sais pas » n'est pas proposé"]
        return []
    unknown = [c for c in picked if c not in choices]
    if unknown:
        return [f"{who}, {code} : choix « {', '.join(unknown)} » inconnu"]
    errors = []
    if question["kind"] != "multiple" and len(picked) > 1:
        errors.append(f"{who}, {code} : une seule réponse possible")
    if len(picked) > 1 and any(choices[c].get("exclusive") for c in picked):
        errors.append(f"{who}, {code} : un choix exclusif ne se combine pas")
    if not _shown(question, answers):
        errors.append(
            f"{who}, {code} : cette question ne s'affiche pas avec ses autres réponses "
            f"(elle suit « {question['show_if']['question']} »)"
        )
    return errors


def _respondent_problems(
    who: str, respondent: RespondentAnswers, questions: dict[str, dict], areas: dict[str, dict]
) -> list[str]:
    errors: list[str] = []
    for code, value in respondent.answers.items():
        question = questions.get(code)
        if question is None:
            errors.append(f"{who}, question « {code} » inconnue")
        else:
            errors.extend(_answer_problems(who, code, value, question, respondent.answers))
    for code, question in questions.items():
        if (
            question.get("required")
            and not question.get("organisation_field")
            and code not in respondent.answers
            and _shown(question, respondent.answers)
        ):
            errors.append(f"{who}, question « {code} » sans réponse")
    for code, level in respondent.skills.items():
        area = areas.get(code)
        if area is None:
            errors.append(f"{who}, domaine de compétences « {code} » inconnu")
            continue
        for question in area["questions"]:
            if not 0 <= level < len(question["choices"]):
                errors.append(
                    f"{who}, compétences {code} : niveau {level} hors de 0 à "
                    f"{len(question['choices']) - 1}"
                )
                break
    return errors


def _inventory_problems(persona: Persona, questionnaire: Mapping) -> list[str]:
    inventory = questionnaire.get("inventory") or {}
    usages = {u["code"] for u in inventory.get("usages", [])}
    kinds = {e["code"] for e in inventory.get("equipment", [])}
    return [
        *(
            f"inventaire : usage « {usage} » inconnu"
            for usage in persona.tools
            if usage not in usages
        ),
        *(
            f"inventaire : équipement « {kind} » inconnu"
            for kind in persona.equipment
            if kind not in kinds
        ),
    ]


def _expectation_problems(
    persona: Persona, rules: Mapping | None, need_codes: Iterable[str] | None
) -> list[str]:
    errors: list[str] = []
    actions = {a["code"] for a in rules["actions"]} if rules else None
    leads = {f["code"] for f in rules.get("funding_leads", [])} if rules else None
    needs = set(need_codes) if need_codes is not None else None
    for expectation in persona.expectations:
        kind, target = expectation.kind, expectation.target
        if not expectation.why:
            continue  # already reported by load()
        if kind == "type" and target not in typology_module.TYPES:
            errors.append(f"attente type : « {target} » inconnu")
        named_actions = [expectation.action] if expectation.action else []
        if kind in ("must_include", "must_exclude"):
            named_actions.append(str(target))
        for code in named_actions:
            if actions is not None and code not in actions:
                errors.append(f"attente {kind} : action « {code} » inconnue")
        if kind.startswith("funding_") and leads is not None and target not in leads:
            errors.append(f"attente {kind} : piste de financement « {target} » inconnue")
        if expectation.local_help and expectation.local_help not in roadmap_rules.LOCAL_HELP:
            errors.append(f"attente {kind} : aide locale « {expectation.local_help} » inconnue")
        if kind == "needs_with_tools" and needs is not None and target not in needs:
            errors.append(f"attente needs_with_tools : besoin « {target} » inconnu")
    return errors


def problems(
    persona: Persona,
    questionnaire: Mapping,
    *,
    rules: Mapping | None = None,
    need_codes: Iterable[str] | None = None,
) -> list[str]:
    """What is wrong with a persona (empty when valid), each message naming the persona.

    Against the questionnaire: every question, choice, skills area, usage and equipment code
    exists; an answer fits its question (one choice for a single choice, "Je ne sais pas" where
    offered, an exclusive choice alone); no answer to a follow-up the respondent does not see;
    every required question the respondent sees has an answer (the skills self-assessment,
    personal, may be left out). Against the rules and the toolbox's needs when given: every
    action, funding lead and need named by an expectation exists."""
    errors = _organisation_problems(persona.organisation)
    questions = _questions(questionnaire)
    areas = {a["code"]: a for a in questionnaire["skills"]["areas"]}
    for i, respondent in enumerate(persona.respondents):
        who = f"répondant·e {i + 1} ({respondent.role})"
        errors.extend(_respondent_problems(who, respondent, questions, areas))
    errors.extend(_inventory_problems(persona, questionnaire))
    errors.extend(_expectation_problems(persona, rules, need_codes))
    return [f"{persona.name} : {error}" for error in errors]


# --- Running a persona through the platform ---------------------------------------------------


@dataclass(frozen=True)
class ToolShown:
    name: str
    needs: tuple[str, ...]  # what the catalogue says the tool serves
    licence_status: str


@dataclass(frozen=True)
class NeedShown:
    need: str
    label: str
    tools: tuple[ToolShown, ...]


@dataclass(frozen=True)
class HelpShown:
    label: str
    url: str
    contacts: tuple[str, ...]  # "name (detail)"


@dataclass(frozen=True)
class LeadShown:
    code: str
    title: str
    cost: str
    local_help: tuple[HelpShown, ...]


@dataclass(frozen=True)
class ActionShown:
    code: str
    title: str
    priority: int
    reasons: tuple[str, ...]
    needs: tuple[str, ...]  # what the rule names
    tools: tuple[NeedShown, ...]  # what the roadmap recommends, need by need
    funding: tuple[LeadShown, ...]  # the leads the organisation is eligible for

    @property
    def priority_label(self) -> str:
        return roadmap_rules.PRIORITY_LABELS.get(self.priority, "")


@dataclass(frozen=True)
class Outcome:
    """What the platform gave the persona: plain data, read once after generation."""

    organisation: str  # one line: name, legal form, sector, size, département
    type: str  # typology code
    respondents: int
    overall: str  # level and score, in words
    priorities: tuple[ActionShown, ...]  # "à faire en premier", in order
    later: tuple[str, ...]  # codes of the actions "pour plus tard"
    later_funding: frozenset[str] = frozenset()  # leads offered on the later actions
    catalogue_empty: bool = False  # no published tool for any need the rules name
    rules_version: str = ""

    @property
    def codes(self) -> set[str]:
        return {a.code for a in self.priorities} | set(self.later)


class PersonaError(Exception):
    """The platform lacks what a persona needs (a published questionnaire, active rules)."""


def _free_siren() -> str:
    n = 100_000_000
    while Organisation.objects.filter(siren=str(n)).exists():
        n += 1
    return str(n)


def _answer(question, value) -> services.ParsedAnswer:
    """A persona's answer as the answering page would have posted it."""
    if question.is_text:
        return services.parse_answer(question, [], value)
    if value == UNKNOWN:
        return services.parse_answer(question, ["unknown"])
    picked = (value,) if isinstance(value, str) else value
    ids = {c.code: str(c.id) for c in question.choices}
    return services.parse_answer(question, [ids[code] for code in picked])


def _member(organisation: Organisation, role: str, *, admin: bool) -> User:
    user = User.objects.create_user(
        email=f"persona-{uuid.uuid4().hex[:12]}@exemple.invalid", first_name=role[:150]
    )
    Membership.objects.create(
        user=user,
        organisation=organisation,
        role=Membership.Role.ADMIN if admin else Membership.Role.MEMBER,
    )
    return user


def run(persona: Persona, questionnaire: Questionnaire | None = None) -> Outcome:
    """Build the persona on the platform, complete its diagnostic, read its roadmap back.

    Writes an organisation, its members, a diagnostic and its roadmap: call it inside a
    transaction that is rolled back (tests, `rolled_back`). The persona must be valid
    (`problems`) for the questionnaire used."""
    questionnaire = questionnaire or Questionnaire.objects.published().first()
    if questionnaire is None:
        raise PersonaError(
            "Aucun questionnaire publié : chargez-le avec « manage.py load_questionnaire »."
        )
    rules = roadmap.active_rules()
    if rules is None:
        raise PersonaError(
            "Aucune règle de feuille de route active : chargez-les avec "
            "« manage.py load_roadmap_rules »."
        )
    if not persona.respondents:
        raise PersonaError(f"{persona.name} : aucun·e répondant·e.")
    profile = persona.organisation
    departement = territories.territories().departements.get(profile.departement)
    organisation = Organisation.objects.create(
        name=profile.name,
        siren=_free_siren(),
        legal_form=profile.legal_form,
        sector=profile.sector,
        staff_band=profile.staff_band,
        volunteers_band=profile.volunteers_band,
        integration_band=profile.integration_band,
        federation=profile.federation,
        postcode=(departement.postcode_prefixes[0] if departement else "").ljust(5, "0")[:5],
        departement=profile.departement,
        region=departement.region.code if departement and departement.region else "",
    )
    structure = structure_for(questionnaire)
    admin = _member(organisation, persona.respondents[0].role, admin=True)
    diagnostic = Diagnostic.objects.create(
        organisation=organisation, questionnaire=questionnaire, created_by=admin
    )
    for n, given in enumerate(persona.respondents):
        user = admin if n == 0 else _member(organisation, given.role, admin=False)
        respondent = Respondent.objects.create(diagnostic=diagnostic, user=user)
        answers = dict(given.answers)
        for area in structure.sections:  # a skills area is a section of its own
            if area.code in given.skills:
                for question in area.questions:
                    answers[question.code] = question.choices[given.skills[area.code]].code
        for code, value in answers.items():
            question = structure.question_by_code[code]
            services.save_answer(
                respondent=respondent,
                structure=structure,
                question=question,
                parsed=_answer(question, value),
            )
    # As on the inventory page: a tool it lists comes with its licence and hosting, any other
    # name with neither (unknown).
    common = {
        (u["code"], t["name"]): t
        for u in structure.inventory.get("usages", [])
        for t in u["common_tools"]
    }
    InventoryItem.objects.bulk_create(
        InventoryItem(
            diagnostic=diagnostic,
            usage=usage,
            tool_name=name,
            libre=common.get((usage, name), {}).get("libre"),
            eu_hosted=common.get((usage, name), {}).get("eu_hosted"),
        )
        for usage, names in persona.tools.items()
        for name in names
    )
    EquipmentItem.objects.bulk_create(
        EquipmentItem(diagnostic=diagnostic, kind=kind, **values)
        for kind, values in persona.equipment.items()
    )
    services.complete(diagnostic=diagnostic, by=admin)
    return read_back(organisation, rules)


def _lead(lead: roadmap.Lead) -> LeadShown:
    return LeadShown(
        code=lead.code,
        title=lead.title,
        cost=lead.cost,
        local_help=tuple(
            HelpShown(
                help.label,
                help.url,
                tuple(f"{c.name} ({c.detail})" if c.detail else c.name for c in help.contacts),
            )
            for help in lead.local_help
        ),
    )


def read_back(organisation: Organisation, rules: RoadmapRules) -> Outcome:
    """The organisation's roadmap as its pages show it: priorities with their reasons, tools
    (maturity.hooks: the toolbox's catalogue) and eligible funding leads; the later ones."""
    the_roadmap = organisation.roadmap
    actions = list(the_roadmap.actions.filter(obsolete=False).order_by("position", "pk"))
    view = roadmap.arrange(actions)
    data = the_roadmap.diagnostic.snapshot.data
    proprietary = data["inventory"].get("proprietary_tools", [])
    tools = roadmap.tools_by_action(view.up_front, proprietary)
    leads = roadmap.Leads(the_roadmap)
    kind = roadmap.organisation_typology(the_roadmap)
    priorities = tuple(
        ActionShown(
            code=a.template_code,
            title=a.title,
            priority=a.priority,
            reasons=tuple(a.reasons),
            needs=tuple(a.needs),
            tools=tuple(
                NeedShown(
                    entry.need,
                    entry.label,
                    tuple(ToolShown(t.name, tuple(t.needs), t.licence_status) for t in entry.tools),
                )
                for entry in tools.get(a.pk, [])
            ),
            funding=tuple(_lead(lead) for lead in leads.funding(a)),
        )
        for a in view.up_front
    )
    named = sorted({n for a in rules.data["actions"] for n in a.get("needs", [])})
    catalogue = hooks.tools_for_needs(named, per_need=1) if named else {}
    levels = {lv["code"]: lv["label"] for lv in the_roadmap.diagnostic.questionnaire.levels}
    overall = data["overall"]
    score = overall.get("score")
    return Outcome(
        organisation=_describe(organisation),
        type=kind.type,
        respondents=data.get("respondents", 0),
        overall=(
            f"{levels.get(overall.get('level'), '—')} ({display_score(score)}/100)"
            if score is not None
            else "—"
        ),
        priorities=priorities,
        later=tuple(a.template_code for a in view.later),
        later_funding=frozenset(lead.code for a in view.later for lead in leads.funding(a)),
        catalogue_empty=not any(catalogue.values()),
        rules_version=rules.version,
    )


def _describe(organisation: Organisation) -> str:
    return (
        f"{organisation.name} ({organisation.get_legal_form_display()}, "
        f"{organisation.get_sector_display().lower()}) : "
        f"{organisation.get_staff_band_display().lower()}, "
        f"{organisation.get_volunteers_band_display().lower()}, "
        f"{organisation.departement_name} ({organisation.departement})"
    )


@contextmanager
def rolled_back() -> Iterator[None]:
    """A transaction whose writes are all undone at the end, whatever happens inside."""
    with transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


# --- Judging and printing ---------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    holds: bool
    text: str  # what was expected, and what the roadmap gave when it differs
    why: str = ""


def _reasons(outcome: Outcome, action: str) -> list[str]:
    return [
        reason for a in outcome.priorities if not action or a.code == action for reason in a.reasons
    ]


def judge(persona: Persona, outcome: Outcome) -> list[Verdict]:
    """Each expectation of the persona, held or not; then what every roadmap must respect: each
    recommended tool serves the need its action names."""
    priorities = [a.code for a in outcome.priorities]
    priority_funding = {lead.code: lead for a in outcome.priorities for lead in a.funding}
    tooled = {n.need for a in outcome.priorities for n in a.tools if n.tools}
    verdicts = []
    for e in persona.expectations:
        target = e.target
        if e.kind == "type":
            holds = outcome.type == target
            text = f"Type « {typology_module.TYPES.get(str(target), target)} »"
            if not holds:
                text += f" (obtenu : {typology_module.TYPES.get(outcome.type, outcome.type)})"
        elif e.kind == "max_priority_actions":
            holds = len(priorities) <= int(target)
            text = f"Au plus {target} actions à faire en premier ({len(priorities)})"
        elif e.kind == "must_include":
            where = (
                "parmi les actions à faire en premier" if e.first else "dans la feuille de route"
            )
            holds = target in (priorities if e.first else outcome.codes)
            text = f"« {target} » {where}"
            if not holds and target in outcome.codes:
                text += " (seulement pour plus tard)"
            elif not holds:
                text += " (absente)"
        elif e.kind == "must_exclude":
            holds = target not in outcome.codes
            text = f"Pas de « {target} »"
            if not holds:
                text += " (proposée " + (
                    "en premier)" if target in priorities else "pour plus tard)"
                )
        elif e.kind == "needs_with_tools":
            holds = target in tooled
            text = f"Des outils pour le besoin « {target} » sur une action à faire en premier"
        elif e.kind == "funding_must_include":
            lead = priority_funding.get(str(target))
            holds = lead is not None
            text = f"Piste « {target} » sur une action à faire en premier"
            if e.local_help:
                label = roadmap_rules.LOCAL_HELP[e.local_help][0]
                holds = holds and any(h.label == label for h in lead.local_help)
                text += f", avec « {label} »"
        elif e.kind == "funding_must_exclude":
            holds = target not in priority_funding and target not in outcome.later_funding
            text = f"Pas de piste « {target} »"
        else:
            holds, text = _reasons_verdict(e, outcome, priorities)
        verdicts.append(Verdict(holds, text, e.why))
    verdicts.append(_tools_serve_their_needs(outcome))
    return verdicts


def _reasons_verdict(e: Expectation, outcome: Outcome, priorities: list[str]) -> tuple[bool, str]:
    """reasons_must_contain / reasons_must_not_contain: held, and the text saying so."""
    reasons = _reasons(outcome, e.action)
    found = any(str(e.target) in reason for reason in reasons)
    holds = found if e.kind == "reasons_must_contain" else not found
    verb = "contient" if e.kind == "reasons_must_contain" else "ne contient pas"
    scope = f"de « {e.action} »" if e.action else "des actions à faire en premier"
    text = f"Le « pourquoi » {scope} {verb} « {e.target} »"
    if e.action and e.action not in priorities:
        holds, text = False, text + " (action pas parmi les premières)"
    return holds, text


def _tools_serve_their_needs(outcome: Outcome) -> Verdict:
    """What every roadmap must respect: each recommended tool serves the need its action names."""
    wrong = [
        f"{tool.name} pour « {entry.need} » ({a.code})"
        for a in outcome.priorities
        for entry in a.tools
        for tool in entry.tools
        if entry.need not in a.needs or entry.need not in tool.needs
    ]
    return Verdict(
        not wrong,
        "Chaque outil recommandé sert le besoin que nomme son action"
        + (f" (faux : {', '.join(wrong)})" if wrong else ""),
    )


def render(persona: Persona, outcome: Outcome, verdicts: list[Verdict]) -> str:
    """The persona's roadmap as an adviser reviews it, in plain French text."""
    lines = [
        f"{persona.title} [{persona.name}]",
        "=" * min(100, len(persona.title) + len(persona.name) + 3),
        f"Organisation : {outcome.organisation}",
        f"Repère du guide : {persona.drawn_from}",
        f"Type retenu : {typology_module.TYPES.get(outcome.type, outcome.type)}",
        f"Répondant·es : {outcome.respondents} ; niveau global : {outcome.overall}",
        "",
        f"À faire en premier ({len(outcome.priorities)}) :",
    ]
    if outcome.catalogue_empty:
        lines.append(
            "  (Catalogue d'outils vide : aucun outil ne peut être recommandé ; chargez-le avec "
            "« manage.py load_toolbox ».)"
        )
    for n, action in enumerate(outcome.priorities, start=1):
        lines.append(f"{n}. {action.title} — {action.priority_label} [{action.code}]")
        for reason in action.reasons:
            lines.append(f"   Pourquoi : {reason}")
        for entry in action.tools:
            names = ", ".join(t.name for t in entry.tools)
            lines.append(f"   Outils, {entry.label} : {names}")
        for lead in action.funding:
            lines.append(f"   Financement : {lead.title} — {lead.cost}")
            for help in lead.local_help:
                where = f"{help.label} ({help.url})" if help.url else help.label
                lines.append(f"     Près de chez vous : {where}")
                for contact in help.contacts:
                    lines.append(f"       · {contact}")
    later = len(outcome.later)
    lines += ["", f"Pour plus tard : {later} action{'s' if later > 1 else ''}.", ""]
    held = sum(1 for v in verdicts if v.holds)
    lines.append(f"Attentes d'un·e conseiller·e DLA ({held}/{len(verdicts)} tenues) :")
    for verdict in verdicts:
        mark = "✓" if verdict.holds else "✗"
        lines.append(f"  {mark} {verdict.text}")
        if verdict.why:
            lines.append(f"      {verdict.why}")
    return "\n".join(lines)
