"""The roadmap rules file format (fixtures/roadmap.yaml), described once.

The models below validate a rules file (maturity.roadmap_rules runs the rules) and produce the
JSON Schema published at /diagnostic/formats/regles-feuille-de-route.schema.json. Lengths come
from the roadmap action that an action of the rules becomes. Checked beyond the shape: against
the questionnaire when one is given (its dimensions, questions, choices and skills areas, and
whether a trigger's answer shows a need at all) and the toolbox's need codes when the toolbox
registered them, both through the validation context; across the file, the codes an action
refers to (prerequisites, funding leads, training resources).

VERSION changes whenever the format changes (semantic versioning: the major number when a
file valid before may no longer be, or may mean something else); CHANGELOG says what changed.
"""

import graphlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import ConfigDict, WrapSerializer

from common import file_format, safe_yaml
from common.file_format import FileModel, Problem
from maturity import footprint, questionnaire_format, typology
from maturity.models import RoadmapAction, RoadmapRules

FORMAT = "roadmap-rules-format"
VERSION = "1.0.0"
SCHEMA_URL_NAME = "maturity:rules_schema"  # its stable address (a path of this site)
# (version, date, changes), newest first: shown on the formats page.
CHANGELOG = [
    (
        "1.0.0",
        "2026-12-04",
        [
            "Première version publiée, avec son schéma JSON (JSON Schema 2020-12) : les clés et les "
            "valeurs acceptées jusqu'ici (pistes de financement, ressources de formation, "
            "actions, déclencheurs, conditions applies_to, not_for et eligibility, besoins, "
            "économies).",
            "Plus strict qu'avant : une clé inconnue est une erreur, y compris dans un "
            "déclencheur ou une condition (une faute de frappe était ignorée) ; la version "
            "s'écrit comme un texte de 20 caractères au plus ; le seuil d'un déclencheur "
            "difficulty va de 0 à 100.",
        ],
    ),
]

HORIZONS = {"0-3": "0 à 3 mois", "3-6": "3 à 6 mois", "6-12": "6 à 12 mois"}
EFFORTS = {"faible": "Effort faible", "moyen": "Effort moyen", "important": "Effort important"}
COSTS = {"gratuit": "Gratuit", "cout_solidaire": "Coût solidaire", "payant": "Payant"}
FINDINGS = ("redundancy", "proprietary", "non_eu", "ageing", "no_reconditioned", "no_inventory")
DIFFICULTY_TYPES = questionnaire_format.DIFFICULTY_TYPES
MAX_PREREQUISITE_CHAIN = 20
# What a roadmap action (maturity.models.RoadmapAction) holds of an action's texts.
TEXT_LIMITS = {
    "version": RoadmapRules._meta.get_field("version").max_length,
    "code": RoadmapAction._meta.get_field("template_code").max_length,
    "title": RoadmapAction._meta.get_field("title").max_length,
    "dimension": RoadmapAction._meta.get_field("dimension").max_length,
    "explanation": RoadmapAction._meta.get_field("explanation").max_length,
}
NEED_PATTERN = questionnaire_format.NEED_PATTERN
HTTPS_PATTERN = r"^(https://[^\s/?#]+\S*)?$"
# Where an organisation finds help near it, named by funding leads and training resources.
# "dla" also lists the DLA advisers registered on the platform for the département.
LOCAL_HELP = {
    "dla": ("Le DLA de votre département", "https://www.info-dla.fr"),
    "cress": ("La CRESS de votre région", "https://www.ess-france.org"),
    "france_active": (
        "L'antenne France Active de votre territoire",
        "https://www.franceactive.org",
    ),
    "vie_associative": (
        "Le service départemental à la jeunesse, à l'engagement et aux sports (SDJES)",
        "https://www.associations.gouv.fr",
    ),
    "opco": ("Votre OPCO, désigné par votre convention collective", ""),
}


def _unknown(values: Iterable[str], *, quoted: bool = True) -> str:
    value = "« {value} »" if quoted else "{value}"
    return f"{value} inconnu ; l'un de {', '.join(values)}"


# --- Applicability: who an action, a lead or a resource is for (see maturity.typology) ----------


def _kinds(values: Iterable[str]) -> Any:
    values = sorted(values)
    one = file_format.one_of(values, _unknown(values, quoted=False))
    return file_format.items(one, "une liste non vide")


# The constrained types of the fields below, made by calls: pydantic reads them (they validate
# a file and write its JSON Schema); mypy, which cannot read a type made by a call, reads the
# value each holds in a valid file.
if TYPE_CHECKING:
    Text = str
    Code = str
    Codes = list[str]
    OrganisationTypes = list[str]
    LegalForms = list[str]
    Staff = int
    Title = str
    LeadCost = str
    HttpsUrl = str
    LocalHelp = str
    DimensionCode = str
    Score = int
    Choices = list[str]
    DifficultyType = str
    Intensity = int
    Finding = str
    Explanation = str
    Steps = list[str]
    Priority = int
    Horizon = str
    Effort = str
    Cost = str
    BestChoiceReason = str
    NeedCode = str
    Saving = str
    type Renamed = None  # always absent: any value is refused
    Version = str
else:
    Text = file_format.text()
    Code = file_format.text(TEXT_LIMITS["code"])
    Codes = list[file_format.text()]
    OrganisationTypes = _kinds(typology.TYPES)
    LegalForms = _kinds(typology.LEGAL_FORMS)
    Staff = file_format.integer(0, message="un nombre de salarié·es (entier positif)")
    Title = file_format.text(TEXT_LIMITS["title"])
    LeadCost = file_format.text(description="Coût ou montant, en mots.")
    HttpsUrl = file_format.optional(
        file_format.matching(HTTPS_PATTERN, "une adresse qui commence par https://")
    )
    LocalHelp = file_format.one_of(
        LOCAL_HELP, _unknown(LOCAL_HELP), description="Aide de proximité."
    )
    DimensionCode = file_format.text(TEXT_LIMITS["dimension"])
    Score = file_format.integer(1, 100)
    Choices = file_format.items(str, "au moins un choix est nécessaire")
    DifficultyType = file_format.one_of(DIFFICULTY_TYPES, _unknown(DIFFICULTY_TYPES))
    Intensity = file_format.integer(
        0,
        100,
        description="Intensité ressentie (0 à 100) à partir de laquelle le déclencheur s'active.",
    )
    Finding = file_format.one_of(FINDINGS, _unknown(FINDINGS))
    Explanation = file_format.text(TEXT_LIMITS["explanation"])
    Steps = file_format.items(str, "au moins une étape est nécessaire")
    Priority = file_format.one_of((1, 2, 3), "1, 2 ou 3", description="1 : haute, 3 : basse.")
    Horizon = file_format.one_of(HORIZONS, f"l'un de {', '.join(HORIZONS)}")
    Effort = file_format.one_of(EFFORTS, f"l'un de {', '.join(EFFORTS)}")
    Cost = file_format.one_of(COSTS, f"l'un de {', '.join(COSTS)}")
    BestChoiceReason = file_format.optional_text(
        description="Pourquoi un déclencheur s'active sur une bonne pratique."
    )
    NeedCode = file_format.matching(NEED_PATTERN, "« {value} » : lettres minuscules et _ seulement")
    Saving = file_format.one_of(footprint.SCENARIOS, _unknown(footprint.SCENARIOS))
    Renamed = file_format.renamed("needs (les besoins de l'action)")
    Version = file_format.text(TEXT_LIMITS["version"])


class Condition(FileModel):
    """Every condition given holds (an "and"); what is unknown of an organisation never
    excludes it."""

    SCHEMA_DESCRIPTION = (
        "Conditions sur l'organisation, toutes remplies (un « et ») ; ce que l'on ne sait pas "
        "d'une organisation ne l'exclut jamais."
    )
    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    types: OrganisationTypes = file_format.absent_if_none(
        description="Types d'organisation (typologie du guide de la CRESS)."
    )
    legal_forms: LegalForms = file_format.absent_if_none()
    employer: bool = file_format.absent_if_none()
    volunteers: bool = file_format.absent_if_none()
    min_staff: Staff = file_format.absent_if_none()
    max_staff: Staff = file_format.absent_if_none()

    def problems(self, context: Mapping[str, Any]) -> Iterator[Problem]:
        if not self.model_dump():
            yield (), f"une table de conditions ({', '.join(sorted(type(self).model_fields))})"
        low, high = self.min_staff, self.max_staff
        if low is not None and high is not None and low > high:
            yield (), "min_staff dépasse max_staff"


# Left out, a condition is written {} in the normalised rules (maturity.typology reads it so).
OptionalCondition = Annotated[
    Condition | None, WrapSerializer(lambda value, dump: {} if value is None else dump(value))
]


# --- Funding leads and training resources ---------------------------------------------------------


class Lead(FileModel):
    SCHEMA_DESCRIPTION = "Une piste de financement ou une ressource de formation."

    code: Code
    title: Title
    description: Text
    cost: LeadCost
    url: HttpsUrl = ""
    eligibility: OptionalCondition = None
    local_help: list[LocalHelp] = []


# --- Triggers -----------------------------------------------------------------------------------------


class DimensionBelow(FileModel):
    dimension: Annotated[Text, file_format.known_in("dimensions", "« {value} » inconnue")]
    score: Score


class Answer(FileModel):
    question: Annotated[Text, file_format.known_in("questions", "« {value} » inconnue")]
    choices: Choices

    def problems(self, context: Mapping[str, Any]) -> Iterator[Problem]:
        if questions := context.get("questions"):
            unknown = set(self.choices) - set(questions[self.question].choices)
            if unknown:
                yield (
                    ("choices",),
                    f"{', '.join(sorted(unknown))} ne sont pas des choix de « {self.question} »",
                )


class SkillsNeed(FileModel):
    area: Annotated[
        Text,
        file_format.known_in("areas", "« {value} » : domaine de compétences inconnu"),
    ]


class Difficulty(FileModel):
    type: DifficultyType
    min: Intensity


class Trigger(FileModel):
    """Exactly one of its keys."""

    SCHEMA_DESCRIPTION = "Ce qui fait proposer l'action : exactement une de ces clés."
    model_config = ConfigDict(json_schema_extra={"minProperties": 1, "maxProperties": 1})

    dimension_below: DimensionBelow = file_format.absent_if_none(
        description="Le score de la dimension est sous ce seuil."
    )
    answer: Answer = file_format.absent_if_none(
        description="La réponse de l'organisation est l'un de ces choix."
    )
    finding: Finding = file_format.absent_if_none(description="Un constat de l'inventaire.")
    skills_need: SkillsNeed = file_format.absent_if_none(
        description="Un besoin de formation repéré dans ce domaine de compétences."
    )
    difficulty: Difficulty = file_format.absent_if_none(
        description="Une difficulté ressentie au moins à ce niveau."
    )

    def problems(self, context: Mapping[str, Any]) -> Iterator[Problem]:
        if len(self.model_dump()) != 1:
            keys = ", ".join(type(self).model_fields)
            yield (), f"un déclencheur a exactement une clé ({keys})"


if TYPE_CHECKING:
    Triggers = list[Trigger]
else:
    Triggers = file_format.items(Trigger, "au moins un déclencheur est nécessaire")


# --- Actions ----------------------------------------------------------------------------------------


class Action(FileModel):
    SCHEMA_DESCRIPTION = (
        "Une action proposée quand elle s'applique à l'organisation (applies_to, not_for) et "
        "qu'un de ses déclencheurs s'active."
    )

    code: Code
    title: Title
    dimension: Annotated[
        DimensionCode,
        file_format.known_in("dimensions", "« {value} » n'est pas une dimension du questionnaire"),
    ]
    explanation: Explanation
    steps: Steps
    priority: Priority
    foundation: bool = False
    horizon: Horizon
    effort: Effort
    cost: Cost
    applies_to: OptionalCondition = None
    not_for: OptionalCondition = None
    triggers: Triggers
    reason_for_best_choice: BestChoiceReason = ""
    prerequisites: Codes = []
    needs: list[
        Annotated[
            NeedCode,
            file_format.known_in(
                "need_codes", "« {value} » n'est pas un besoin de la boîte à outils"
            ),
        ]
    ] = []
    funding: Codes = []
    training: Codes = []
    # What the action saves (maturity.footprint.SCENARIOS), shown with the action.
    savings: list[Saving] = []
    toolbox_usages: Renamed = None

    def problems(self, context: Mapping[str, Any]) -> Iterator[Problem]:
        questions = context.get("questions")
        for j, trigger in enumerate(self.triggers):
            if questions and trigger.answer is not None:
                question, choices = trigger.answer.question, trigger.answer.choices
                best = bool(self.reason_for_best_choice)
                if message := _soundness(questions[question], question, choices, best):
                    yield ("triggers", j, "answer", "choices"), message


if TYPE_CHECKING:
    Actions = list[Action]
else:
    Actions = file_format.items(Action, "au moins une action est nécessaire")


class RulesFile(FileModel):
    version: Version
    funding_leads: list[Lead] = []
    training_resources: list[Lead] = []
    actions: Actions


# --- Triggers that show a need ----------------------------------------------------------------


@dataclass(frozen=True)
class _QuestionFacts:
    """What the validator needs to know of a question to judge a trigger on it."""

    section: str  # "profile", "dimension", "difficulties", "skills"
    kind: str
    choices: dict[str, dict[str, Any]]  # code -> {"score", "exclusive", "not_applicable"}
    difficulty: bool  # a difficulty scale (a higher score is a stronger difficulty)
    good_from: int = 100  # from this score on, a choice is good practice


def _question_facts(questionnaire: dict[str, Any]) -> dict[str, _QuestionFacts]:
    # Good practice: the best choice, or any choice at the questionnaire's highest level.
    thresholds = [lv["min_score"] for lv in questionnaire.get("levels") or []]
    good_from = max([t for t in thresholds if isinstance(t, int)] or [100]) or 100
    blocks = [
        ("profile", questionnaire["profile"]["questions"]),
        *[("dimension", d["questions"]) for d in questionnaire["dimensions"]],
        ("difficulties", questionnaire["difficulties"]["questions"]),
        *[("skills", a["questions"]) for a in questionnaire["skills"]["areas"]],
    ]
    return {
        q["code"]: _QuestionFacts(
            section=section,
            kind=q["kind"],
            choices={c["code"]: c for c in q["choices"]},
            difficulty=bool(q.get("difficulty_type")),
            good_from=good_from,
        )
        for section, questions in blocks
        for q in questions
    }


def _soundness(
    question: _QuestionFacts, code: str, choices: list[str], best_allowed: bool
) -> str | None:
    """A trigger fires only on answers that show a need.

    Refused: profile answers (they say what the organisation is: `applies_to` is for that),
    personal skills answers (private: `skills_need` reads their anonymous synthesis), "non
    concerné" choices, and good practice: the best-scoring choice of a scored question or one
    at the questionnaire's highest level (70 and more), a practice ticked in a multiple-choice
    question, "no difficulty at all" or "no obstacle".
    A rule may still fire on good practice if it says why (`reason_for_best_choice`).
    """
    if question.section == "profile":
        return "une réponse du profil ne montre pas un besoin ; utilisez applies_to"
    if question.section == "skills":
        return "les réponses sur les compétences sont personnelles ; utilisez skills_need"
    if any(question.choices[c].get("not_applicable") for c in choices):
        return "« non concerné » ne montre pas un besoin"
    good = _good_practice(question, choices)
    if good and not best_allowed:
        return (
            f"{', '.join(good)} est une bonne pratique de « {code} » et ne montre pas un "
            "besoin (si la règle le veut vraiment, expliquez pourquoi dans reason_for_best_choice)"
        )
    return None


def _good_practice(question: _QuestionFacts, choices: list[str]) -> list[str]:
    """Those of these choices that are good practice (see _soundness)."""
    scores = [c["score"] for c in question.choices.values() if c.get("score") is not None]
    if question.section == "dimension" and scores:
        return _good_answers(question, choices, scores)
    if question.section == "difficulties":
        return _no_difficulty(question, choices, scores)
    return []


def _good_answers(question: _QuestionFacts, choices: list[str], scores: list[int]) -> list[str]:
    score = {c: question.choices[c].get("score") for c in choices}
    if question.kind == "multiple":  # a practice ticked
        return [c for c in choices if (score[c] or 0) > 0]
    best = min(max(scores), question.good_from)  # the best choice, or one at the highest level
    return [c for c in choices if (value := score[c]) is not None and value >= best]


def _no_difficulty(question: _QuestionFacts, choices: list[str], scores: list[int]) -> list[str]:
    if question.difficulty and scores:  # "pas du tout": the lowest intensity
        return [c for c in choices if question.choices[c].get("score") == min(scores)]
    return [c for c in choices if question.choices[c].get("exclusive")]  # "aucun obstacle"


# --- Checks across the file -------------------------------------------------------------------------

# An action's key that names codes declared elsewhere in the file: where, and the message.
REFERENCES = {
    "prerequisites": ("actions", "« {} » n'existe pas"),
    "funding": ("funding_leads", "« {} » n'est pas une piste de financement déclarée"),
    "training": ("training_resources", "« {} » n'est pas une ressource de formation déclarée"),
}


def _codes_used_twice(document: RulesFile) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, action in enumerate(document.actions or []):
        if action is not None:
            if action.code in seen:
                yield ("actions", i, "code"), f"« {action.code} » est déjà utilisé"
            seen.add(action.code)


def _references(document: RulesFile) -> Iterator[Problem]:
    actions = [(i, a) for i, a in enumerate(document.actions or []) if a is not None]
    for key, (target, message) in REFERENCES.items():
        declared = getattr(document, target)
        if declared is None or None in declared:
            continue  # a malformed item may be the one referred to: its own error comes first
        codes = {item.code for item in declared}
        for i, action in actions:
            for code in getattr(action, key):
                if code not in codes:
                    yield ("actions", i, key), message.format(code)


def _prerequisites_problem(actions: list[dict[str, Any]]) -> str | None:
    """A cycle, or a chain longer than the engine orders (it places prerequisites recursively)."""
    graph = {a["code"]: a["prerequisites"] for a in actions}
    try:
        ordered = list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError:
        return "actions : les prérequis forment un cycle"
    depth: dict[str, int] = {}
    for code in ordered:  # prerequisites come first, so their depth is known
        depth[code] = 1 + max((depth[p] for p in graph.get(code, [])), default=0)
    if max(depth.values(), default=0) > MAX_PREREQUISITE_CHAIN:
        return f"actions : les prérequis s'enchaînent sur plus de {MAX_PREREQUISITE_CHAIN} niveaux"
    return None


def _context(
    questionnaire: dict[str, Any] | None, need_codes: Iterable[str] | None
) -> dict[str, Any]:
    """What the values are checked against (the models' `known_in`): nothing when not given."""
    context: dict[str, Any] = {"need_codes": set(need_codes) if need_codes else None}
    if questionnaire:
        context["dimensions"] = {d["code"] for d in questionnaire["dimensions"]}
        context["questions"] = _question_facts(questionnaire)
        context["areas"] = {a["code"] for a in questionnaire["skills"]["areas"]}
    return context


def clean(
    data: Any,
    *,
    questionnaire: dict[str, Any] | None = None,
    need_codes: Iterable[str] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Validate a rules file (optionally against a normalised questionnaire and the toolbox's
    need codes, see roadmap_rules.known_need_codes); return (data, errors)."""
    document, errors = file_format.check(RulesFile, data, _context(questionnaire, need_codes))
    # Read again without the questionnaire and the need codes: across the file, only its shape.
    readable = document or file_format.partial(RulesFile, data)
    if isinstance(readable, RulesFile):  # None when the file is not even a table
        for check in (_codes_used_twice, _references):
            errors += [file_format.at(loc, RulesFile, m) for loc, m in check(readable)]
    out = document.model_dump() if document else {}
    if out and not errors and (problem := _prerequisites_problem(out["actions"])):
        errors.append(problem)
    return out, safe_yaml.bound_errors(errors)


def load(
    text: str,
    *,
    questionnaire: dict[str, Any] | None = None,
    need_codes: Iterable[str] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    try:
        data = safe_yaml.load(text)
    except safe_yaml.YAMLFileError as exc:
        return {}, [str(exc)]
    return clean(data, questionnaire=questionnaire, need_codes=need_codes)


def schema(url: str) -> dict[str, Any]:
    """The published JSON Schema, whose address is `url`."""
    return file_format.json_schema(
        RulesFile,
        url=url,
        title="Règles de la feuille de route",
        description=(
            "Les règles qui proposent les actions d'une feuille de route à partir des "
            "résultats d'un diagnostic, dans un fichier YAML (ou JSON) : pistes de "
            "financement, ressources de formation et actions avec leurs déclencheurs. Les "
            "règles qu'un schéma JSON ne peut pas dire (codes des prérequis, des pistes et "
            "des ressources, déclencheurs confrontés au questionnaire publié, besoins de la "
            "boîte à outils) sont vérifiées au chargement. "
            f"Version du format : {FORMAT} {VERSION}."
        ),
        version=VERSION,
    )
