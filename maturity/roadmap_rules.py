"""Roadmap rules as data (fixtures/roadmap.yaml): validation and the pure rules engine.

Which actions: an action template is a candidate when it applies to the organisation (its
`applies_to` holds and its `not_for` does not, see maturity.typology) and one of its triggers
fires. Triggers look at the organisation's consolidated answers (see `answer_fires`), never at
one person's: for a question with scored choices, the consolidated answer is the choice whose
score is nearest the respondents' mean score (the lower one on a tie); for a multiple-choice or
unscored question, a trigger fires when at least half of the people who answered ticked one of
its choices. "Je ne sais pas" and "non concerné" count for nothing.

How they are ranked: each candidate gets a priority value

    value = gap × dimension weight × rule factor

- gap (0 to 1): how far the answers behind its strongest trigger are from good practice: for
  an answer, (100 − mean score of the question) / 100, or the share of people who ticked the
  choice when it has no score; for a dimension below a threshold, (100 − dimension score) / 100;
  for a felt difficulty, its intensity / 100; for an inventory finding or a training need, 0.5;
- dimension weight: the weight of the action's dimension in the questionnaire (1 to 3);
- rule factor: the rule's own priority, 1 (high) → 1, 2 → 0.75, 3 → 0.5.

Actions flagged `foundation` (the basics: backups, passwords, one shared storage, people to carry
the subject, a strategy; for a work-integration structure, the digital skills of the people in
integration jobs) come before every other action, and an action's prerequisites before it.
At most `limit` actions are proposed "à faire en premier" (ROADMAP_PRIORITY_ACTIONS): the best
ranked, each taken with those of its prerequisites that are candidates too, as long as the whole
group fits; the others are "pour plus tard". Actions the organisation has taken on (accepted or
under way) are ranked first, so that a regenerated roadmap keeps them among its priorities.
"""

import graphlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from common import safe_yaml
from maturity import footprint, hooks, results
from maturity import typology as typology_module
from maturity.scoring import display_score

HORIZONS = {"0-3": "0 à 3 mois", "3-6": "3 à 6 mois", "6-12": "6 à 12 mois"}
EFFORTS = {"faible": "Effort faible", "moyen": "Effort moyen", "important": "Effort important"}
COSTS = {"gratuit": "Gratuit", "cout_solidaire": "Coût solidaire", "payant": "Payant"}
FINDINGS = {"redundancy", "proprietary", "non_eu", "ageing", "no_reconditioned", "no_inventory"}
DIFFICULTY_TYPES = {"techniques", "financieres", "humaines", "strategiques"}
DIFFICULTY_LABELS = {
    "techniques": gettext_noop("techniques"),
    "financieres": gettext_noop("financières"),
    "humaines": gettext_noop("humaines"),
    "strategiques": gettext_noop("stratégiques"),
}
PRIORITY_LABELS = {1: "Priorité haute", 2: "Priorité moyenne", 3: "Priorité basse"}
PRIORITY_FACTORS = {1: 1.0, 2: 0.75, 3: 0.5}
FIXED_GAP = 0.5  # inventory findings and training needs: a need, without a measure of it
MAX_PREREQUISITE_CHAIN = 20
# What a roadmap action (maturity.models.RoadmapAction) holds of an action's texts.
TEXT_LIMITS = {"code": 80, "title": 200, "dimension": 60, "explanation": 2000}
NEED_CODE_RE = re.compile(r"^[a-z][a-z_]*$")
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


class RulesFileError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


# --- Validation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _QuestionFacts:
    """What the validator needs to know of a question to judge a trigger on it."""

    section: str  # "profile", "dimension", "difficulties", "skills"
    kind: str
    choices: dict[str, dict]  # code -> {"score", "exclusive", "not_applicable"}
    difficulty: bool  # a difficulty scale (a higher score is a stronger difficulty)
    good_from: int = 100  # from this score on, a choice is good practice


def _question_facts(questionnaire: dict) -> dict[str, _QuestionFacts]:
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


def clean(
    data: Any, *, questionnaire: dict | None = None, need_codes: Iterable[str] | None = None
) -> tuple[dict, list[str]]:
    """Validate a rules file (optionally against a normalised questionnaire and the toolbox's
    need codes, see `known_need_codes`); return (data, errors)."""
    errors: list[str] = []
    if not isinstance(data, dict):
        return {}, ["fichier : doit être une table (clé : valeur)"]

    def need(node: dict, key: str, where: str, kind=str):
        value = node.get(key)
        if value is None or value == "" or not isinstance(value, kind):
            errors.append(f"{where}.{key} : champ obligatoire manquant ou mal formé")
            return kind()
        if kind is str and len(value) > TEXT_LIMITS.get(key, len(value)):
            errors.append(f"{where}.{key} : {TEXT_LIMITS[key]} caractères au plus")
        return value

    def optional_text(node: dict, key: str, where: str) -> str:
        value = node.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            errors.append(f"{where}.{key} : doit être un texte")
            return ""
        return value.strip()

    def listed(node: dict, key: str, where: str, *, texts: bool = True) -> list:
        """A list (missing is empty); with texts, its non-text items are errors and dropped."""
        value = node.get(key) or []
        if not isinstance(value, list):
            errors.append(f"{where}.{key} : doit être une liste")
            return []
        if not texts:
            return value
        for j, item in enumerate(value):
            if not isinstance(item, str):
                errors.append(f"{where}.{key}[{j}] : doit être un texte")
        return [item for item in value if isinstance(item, str)]

    def condition(node: dict, key: str, where: str) -> dict:
        value = node.get(key)
        if value is None:
            return {}
        problems = typology_module.check_condition(value, f"{where}.{key}")
        errors.extend(problems)
        return {} if problems else dict(value)

    dimensions = questions = areas = None
    if questionnaire:
        dimensions = {d["code"]: d.get("weight", 1) for d in questionnaire["dimensions"]}
        questions = _question_facts(questionnaire)
        areas = {a["code"] for a in questionnaire["skills"]["areas"]}
    known_needs = set(need_codes) if need_codes else None

    out: dict[str, Any] = {"version": str(data.get("version") or "")}
    if not out["version"]:
        errors.append("fichier.version : champ obligatoire manquant")
    for kind in ("funding_leads", "training_resources"):
        items = []
        for i, node in enumerate(listed(data, kind, "fichier", texts=False)):
            where = f"{kind}[{i}]"
            if not isinstance(node, dict):
                errors.append(f"{where} : doit être une table")
                continue
            item = {
                "code": need(node, "code", where),
                "title": need(node, "title", where),
                "description": need(node, "description", where),
                "cost": need(node, "cost", where),
                "url": optional_text(node, "url", where),
                "eligibility": condition(node, "eligibility", where),
                "local_help": listed(node, "local_help", where),
            }
            if item["url"] and not _is_web_address(item["url"]):
                errors.append(f"{where}.url : une adresse qui commence par https://")
            for code in item["local_help"]:
                if code not in LOCAL_HELP:
                    errors.append(
                        f"{where}.local_help : « {code} » inconnu ; l'un de {', '.join(LOCAL_HELP)}"
                    )
            items.append(item)
        out[kind] = items
    funding_codes = {f["code"] for f in out["funding_leads"]}
    training_codes = {t["code"] for t in out["training_resources"]}

    actions = []
    codes: set[str] = set()
    for i, node in enumerate(listed(data, "actions", "fichier", texts=False)):
        where = f"actions[{i}]"
        if not isinstance(node, dict):
            errors.append(f"{where} : doit être une table")
            continue
        action = {
            "code": need(node, "code", where),
            "title": need(node, "title", where),
            "dimension": need(node, "dimension", where),
            "explanation": need(node, "explanation", where),
            "steps": listed(node, "steps", where),
            "priority": node.get("priority"),
            "foundation": node.get("foundation", False),
            "horizon": node.get("horizon"),
            "effort": node.get("effort"),
            "cost": node.get("cost"),
            "applies_to": condition(node, "applies_to", where),
            "not_for": condition(node, "not_for", where),
            "triggers": listed(node, "triggers", where, texts=False),
            "reason_for_best_choice": optional_text(node, "reason_for_best_choice", where),
            "prerequisites": listed(node, "prerequisites", where),
            "needs": listed(node, "needs", where),
            "funding": listed(node, "funding", where),
            "training": listed(node, "training", where),
            # What the action saves (maturity.footprint.SCENARIOS), shown with the action.
            "savings": listed(node, "savings", where),
        }
        if action["code"] in codes:
            errors.append(f"{where}.code : « {action['code']} » est déjà utilisé")
        codes.add(action["code"])
        if "toolbox_usages" in node:
            errors.append(f"{where}.toolbox_usages : remplacé par needs (les besoins de l'action)")
        if not action["steps"]:
            errors.append(f"{where}.steps : au moins une étape est nécessaire")
        if action["priority"] not in (1, 2, 3):
            errors.append(f"{where}.priority : 1, 2 ou 3")
        if not isinstance(action["foundation"], bool):
            errors.append(f"{where}.foundation : true ou false")
            action["foundation"] = False
        if not _among(action["horizon"], HORIZONS):
            errors.append(f"{where}.horizon : l'un de {', '.join(HORIZONS)}")
        if not _among(action["effort"], EFFORTS):
            errors.append(f"{where}.effort : l'un de {', '.join(EFFORTS)}")
        if not _among(action["cost"], COSTS):
            errors.append(f"{where}.cost : l'un de {', '.join(COSTS)}")
        if dimensions is not None and not _among(action["dimension"], dimensions):
            errors.append(
                f"{where}.dimension : « {action['dimension']} » n'est pas une dimension du questionnaire"
            )
        if not action["triggers"]:
            errors.append(f"{where}.triggers : au moins un déclencheur est nécessaire")
        for j, trigger in enumerate(action["triggers"]):
            errors += _check_trigger(
                trigger,
                f"{where}.triggers[{j}]",
                dimensions,
                questions,
                areas,
                best_allowed=bool(action["reason_for_best_choice"]),
            )
        for code in action["funding"]:
            if code not in funding_codes:
                errors.append(
                    f"{where}.funding : « {code} » n'est pas une piste de financement déclarée"
                )
        for code in action["training"]:
            if code not in training_codes:
                errors.append(
                    f"{where}.training : « {code} » n'est pas une ressource de formation déclarée"
                )
        for code in action["needs"]:
            if not NEED_CODE_RE.match(code):
                errors.append(f"{where}.needs : « {code} » : lettres minuscules et _ seulement")
            elif known_needs is not None and code not in known_needs:
                errors.append(
                    f"{where}.needs : « {code} » n'est pas un besoin de la boîte à outils"
                )
        for code in action["savings"]:
            if code not in footprint.SCENARIOS:
                errors.append(
                    f"{where}.savings : « {code} » inconnu ; l'un de {', '.join(footprint.SCENARIOS)}"
                )
        actions.append(action)
    for i, action in enumerate(actions):
        for code in action["prerequisites"]:
            if code not in codes:
                errors.append(f"actions[{i}].prerequisites : « {code} » n'existe pas")
    if not errors and (problem := _prerequisites_problem(actions)):
        errors.append(problem)
    if not actions:
        errors.append("actions : au moins une action est nécessaire")
    out["actions"] = actions
    return out, safe_yaml.bound_errors(errors)


def _among(value: Any, allowed) -> bool:
    """Membership that a list or a table (unhashable) in the file cannot turn into an exception."""
    return isinstance(value, str) and value in allowed


def _is_web_address(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.netloc)


def _check_trigger(
    trigger: Any, where: str, dimensions, questions, areas, *, best_allowed: bool = False
) -> list[str]:
    if not isinstance(trigger, dict) or len(trigger) != 1:
        return [f"{where} : un déclencheur a exactement une clé"]
    ((kind, value),) = trigger.items()
    if kind == "dimension_below":
        if (
            not isinstance(value, dict)
            or isinstance(value.get("score"), bool)
            or not isinstance(value.get("score"), int)
            or not 0 < value["score"] <= 100
        ):
            return [f"{where}.dimension_below : {{dimension, score (1 à 100)}}"]
        if dimensions is not None and not _among(value.get("dimension"), dimensions):
            return [f"{where}.dimension_below.dimension : « {value.get('dimension')} » inconnue"]
    elif kind == "answer":
        choices = value.get("choices") if isinstance(value, dict) else None
        if (
            not choices
            or not isinstance(choices, list)
            or not all(isinstance(c, str) for c in choices)
        ):
            return [f"{where}.answer : {{question, choices}}"]
        if questions is not None:
            if not _among(value.get("question"), questions):
                return [f"{where}.answer.question : « {value.get('question')} » inconnue"]
            question = questions[value["question"]]
            unknown = set(choices) - set(question.choices)
            if unknown:
                return [
                    f"{where}.answer.choices : {', '.join(sorted(unknown))} ne sont pas des choix de « {value['question']} »"
                ]
            return _soundness(question, value["question"], choices, where, best_allowed)
    elif kind == "finding":
        if not _among(value, FINDINGS):
            return [f"{where}.finding : l'un de {', '.join(sorted(FINDINGS))}"]
    elif kind == "skills_need":
        if not isinstance(value, dict) or (
            areas is not None and not _among(value.get("area"), areas)
        ):
            return [f"{where}.skills_need.area : domaine inconnu"]
    elif kind == "difficulty":
        if (
            not isinstance(value, dict)
            or not _among(value.get("type"), DIFFICULTY_TYPES)
            or isinstance(value.get("min"), bool)
            or not isinstance(value.get("min"), int)
        ):
            return [f"{where}.difficulty : {{type, min}}"]
    else:
        return [f"{where} : déclencheur « {kind} » inconnu"]
    return []


def _soundness(
    question: _QuestionFacts, code: str, choices: list[str], where: str, best_allowed: bool
) -> list[str]:
    """A trigger fires only on answers that show a need.

    Refused: profile answers (they say what the organisation is: `applies_to` is for that),
    personal skills answers (private: `skills_need` reads their anonymous synthesis), "non
    concerné" choices, and good practice: the best-scoring choice of a scored question or one
    at the questionnaire's highest level (70 and more), a practice ticked in a multiple-choice
    question, "no difficulty at all" or "no obstacle".
    A rule may still fire on good practice if it says why (`reason_for_best_choice`).
    """
    at = f"{where}.answer.choices"
    if question.section == "profile":
        return [f"{at} : une réponse du profil ne montre pas un besoin ; utilisez applies_to"]
    if question.section == "skills":
        return [f"{at} : les réponses sur les compétences sont personnelles ; utilisez skills_need"]
    picked = [question.choices[c] for c in choices]
    if any(c.get("not_applicable") for c in picked):
        return [f"{at} : « non concerné » ne montre pas un besoin"]
    scores = [c["score"] for c in question.choices.values() if c.get("score") is not None]
    good: list[str] = []
    if question.section == "dimension" and scores:
        if question.kind == "multiple":
            good = [c for c in choices if (question.choices[c].get("score") or 0) > 0]
        else:
            good = [
                c
                for c in choices
                if (score := question.choices[c].get("score")) is not None
                and (score == max(scores) or score >= question.good_from)
            ]
    elif question.section == "difficulties":
        if question.difficulty and scores:
            good = [c for c in choices if question.choices[c].get("score") == min(scores)]
        else:
            good = [c for c in choices if question.choices[c].get("exclusive")]
    if good and not best_allowed:
        return [
            f"{at} : {', '.join(good)} est une bonne pratique de « {code} » et ne montre pas un "
            "besoin (si la règle le veut vraiment, expliquez pourquoi dans reason_for_best_choice)"
        ]
    return []


def _prerequisites_problem(actions: list[dict]) -> str | None:
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


def load(
    text: str, *, questionnaire: dict | None = None, need_codes: Iterable[str] | None = None
) -> tuple[dict, list[str]]:
    try:
        data = safe_yaml.load(text)
    except safe_yaml.YAMLFileError as exc:
        return {}, [str(exc)]
    return clean(data, questionnaire=questionnaire, need_codes=need_codes)


def known_need_codes() -> set[str] | None:
    """The toolbox's need codes when the toolbox is installed and loaded, else None."""
    return hooks.known_need_codes() or None


# --- The engine ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """The organisation's answers to one question: each person's choices, anonymously.

    Only answers that count are here: "Je ne sais pas", "non concerné" and answers to a question
    the person did not see (a follow-up of another answer) are left out."""

    picks: tuple[frozenset[str], ...] = ()
    mean: float | None = None  # mean score over these people (questions with scored choices)

    @property
    def answered(self) -> int:
        return len(self.picks)

    def count(self, choices: Iterable[str]) -> int:
        """People who ticked at least one of these choices."""
        wanted = set(choices)
        return sum(1 for pick in self.picks if pick & wanted)


@dataclass(frozen=True)
class QuestionInfo:
    text: str
    multiple: bool
    choices: Mapping[str, tuple[str, int | None]]  # code -> (label, score), in order


@dataclass(frozen=True)
class Catalogue:
    """What the engine knows of the questionnaire: titles, dimension weights, questions."""

    titles: Mapping[str, str] = field(default_factory=dict)  # dimensions and skills areas
    weights: Mapping[str, int] = field(default_factory=dict)  # dimension code -> weight
    questions: Mapping[str, QuestionInfo] = field(default_factory=dict)


@dataclass(frozen=True)
class Facts:
    """What the rules look at, taken from a diagnostic's results (plain data, no ORM)."""

    dimension_scores: Mapping[str, float | None]
    answers: Mapping[str, Tally]  # question code -> the organisation's answers
    findings: frozenset[str]
    skills_needs: frozenset[str]
    difficulties: Mapping[str, float | None]
    typology: typology_module.Typology | None = None
    legal_form: str = ""


@dataclass
class Proposal:
    code: str
    reasons: list[str] = field(default_factory=list)
    value: float = 0.0  # the priority value (see the module docstring)
    later: bool = False  # "pour plus tard" rather than "à faire en premier"


def catalogue_from_questionnaire(data: dict) -> Catalogue:
    """The engine's view of a normalised questionnaire (questionnaire_file.clean or export)."""
    questions = {}
    blocks = [
        data["profile"]["questions"],
        *[d["questions"] for d in data["dimensions"]],
        data["difficulties"]["questions"],
    ]
    for block in blocks:
        for q in block:
            questions[q["code"]] = QuestionInfo(
                text=q["text"],
                multiple=q["kind"] == "multiple",
                choices={c["code"]: (c["label"], c.get("score")) for c in q["choices"]},
            )
    return Catalogue(
        titles={
            **{d["code"]: d["title"] for d in data["dimensions"]},
            **{a["code"]: a["title"] for a in data["skills"]["areas"]},
        },
        weights={d["code"]: d.get("weight", 1) for d in data["dimensions"]},
        questions=questions,
    )


def facts_from_results(
    data: dict,
    answers: Mapping[str, Tally],
    *,
    typology: typology_module.Typology | None = None,
    legal_form: str = "",
) -> Facts:
    inventory = data.get("inventory", {})
    findings = set()
    if inventory.get("redundancy"):
        findings.add("redundancy")
    if (inventory.get("proprietary_percent") or 0) >= 50:
        findings.add("proprietary")
    if (inventory.get("non_eu_percent") or 0) >= 30:
        findings.add("non_eu")
    if inventory.get("ageing"):
        findings.add("ageing")
    if inventory.get("devices") and not inventory.get("reconditioned_percent"):
        findings.add("no_reconditioned")
    if not inventory.get("tools_count"):
        findings.add("no_inventory")
    skills = data.get("skills", {})
    return Facts(
        dimension_scores={d["code"]: d["score"] for d in data.get("dimensions", [])},
        answers=answers,
        findings=frozenset(findings),
        skills_needs=frozenset(a["code"] for a in skills.get("areas", []) if a.get("need")),
        difficulties={t["type"]: t["score"] for t in data.get("difficulties", {}).get("types", [])},
        typology=typology,
        legal_form=legal_form,
    )


FINDING_REASONS = {
    "redundancy": gettext_noop("Plusieurs outils servent au même usage dans votre inventaire."),
    "proprietary": gettext_noop("La majorité de vos outils sont propriétaires."),
    "non_eu": gettext_noop(
        "Une part importante de vos services est hébergée hors de l'Union européenne."
    ),
    "ageing": gettext_noop("Une partie de votre équipement a 5 ans ou plus."),
    "no_reconditioned": gettext_noop("Aucun de vos appareils n'est reconditionné."),
    "no_inventory": gettext_noop("L'inventaire de vos outils n'a pas été rempli."),
}


def consolidated_choice(info: QuestionInfo, tally: Tally) -> str | None:
    """The choice nearest the mean score (the lower one on a tie); None without a mean."""
    if tally.mean is None or info.multiple:
        return None
    scored = [(code, score) for code, (_label, score) in info.choices.items() if score is not None]
    if not scored:
        return None
    return min(scored, key=lambda item: (abs(item[1] - tally.mean), item[1]))[0]


def answer_fires(
    trigger_choices: Sequence[str], info: QuestionInfo | None, tally: Tally | None
) -> tuple[float, str] | None:
    """(gap, reason) when the organisation's consolidated answer shows the need, else None."""
    if tally is None or not tally.answered:
        return None
    wanted = set(trigger_choices)
    if info is None:  # a question the catalogue does not know: its choices as they are
        info = QuestionInfo(text="", multiple=True, choices={})
    nearest = consolidated_choice(info, tally)
    if nearest is not None:
        if nearest not in wanted:
            return None
        gap = (100 - tally.mean) / 100
    else:
        ticked = tally.count(wanted)
        if 2 * ticked < tally.answered:
            return None
        gap = (100 - tally.mean) / 100 if tally.mean is not None else ticked / tally.answered
    return max(0.0, min(1.0, gap)), _answer_reason(wanted, info, tally)


def _label(info: QuestionInfo, code: str) -> str:
    return info.choices.get(code, (code, None))[0]


def _answer_reason(wanted: set[str], info: QuestionInfo, tally: Tally) -> str:
    """Why, in words: what was answered, never who answered what.

    One person, or everyone the same: the answer. Two people who differ: that they differ and
    that the whole shows a need. From three people: how many gave each answer that shows it."""
    order = list(info.choices) or sorted({c for pick in tally.picks for c in pick})
    shown = [c for c in order if c in wanted]
    if len(set(tally.picks)) == 1:
        labels = [_label(info, c) for c in shown if c in tally.picks[0]]
        return _("Réponse donnée : « %(answers)s ».") % {"answers": " », « ".join(labels)}
    # The results' privacy rule: below this many people, how answers split is not shown.
    if tally.answered < results.MIN_SKILLS_RESPONDENTS:
        if info.multiple or tally.mean is None:
            return _(
                "Les avis de l'équipe diffèrent sur « %(question)s » ; la moitié au moins des "
                "réponses montre un besoin."
            ) % {"question": info.text}
        return _(
            "Les avis de l'équipe diffèrent sur « %(question)s » ; la moyenne des réponses "
            "montre un besoin."
        ) % {"question": info.text}
    parts = []
    for code in shown:
        n = sum(1 for pick in tally.picks if code in pick)
        if not n:
            continue
        if not parts:
            parts.append(
                ngettext(
                    "%(n)s personne sur %(total)s a répondu « %(label)s »",
                    "%(n)s personnes sur %(total)s ont répondu « %(label)s »",
                    n,
                )
                % {"n": n, "total": tally.answered, "label": _label(info, code)}
            )
        else:
            parts.append(_("%(n)s « %(label)s »") % {"n": n, "label": _label(info, code)})
    return " ; ".join(parts) + "."


def _fires(trigger: dict, facts: Facts, catalogue: Catalogue) -> tuple[float, str] | None:
    """(gap, reason) when the trigger fires on these facts."""
    ((kind, value),) = trigger.items()
    titles = catalogue.titles
    if kind == "dimension_below":
        score = facts.dimension_scores.get(value["dimension"])
        if score is not None and score < value["score"]:
            title = titles.get(value["dimension"], value["dimension"])
            return (100 - score) / 100, _("Score de %(score)s/100 en « %(title)s ».") % {
                "score": display_score(score),
                "title": title,
            }
    elif kind == "answer":
        return answer_fires(
            value["choices"],
            catalogue.questions.get(value["question"]),
            facts.answers.get(value["question"]),
        )
    elif kind == "finding":
        if value in facts.findings:
            return FIXED_GAP, _(FINDING_REASONS[value])
    elif kind == "skills_need":
        if value["area"] in facts.skills_needs:
            title = titles.get(value["area"], value["area"])
            return FIXED_GAP, _("Besoin de formation repéré : « %(title)s ».") % {"title": title}
    elif kind == "difficulty":
        score = facts.difficulties.get(value["type"])
        if score is not None and score >= value["min"]:
            return score / 100, _("Difficultés %(type)s ressenties à %(score)s/100.") % {
                "type": _(DIFFICULTY_LABELS[value["type"]]),
                "score": display_score(score),
            }
    return None


def propose(
    rules: dict,
    facts: Facts,
    *,
    catalogue: Catalogue | None = None,
    limit: int | None = None,
    committed: Iterable[str] = (),
) -> list[Proposal]:
    """Actions that apply and whose triggers fire, each with its reasons (why), ranked; the
    first `limit` (None: all) are the priorities, the rest flagged `later`."""
    catalogue = catalogue or Catalogue()
    proposals = []
    for action in rules["actions"]:
        if not typology_module.applies(action, facts.typology, legal_form=facts.legal_form):
            continue
        fired = [f for t in action["triggers"] if (f := _fires(t, facts, catalogue))]
        if not fired:
            continue
        gap = max(g for g, _reason in fired)
        weight = catalogue.weights.get(action["dimension"], 1)
        value = gap * weight * PRIORITY_FACTORS.get(action.get("priority"), 0.5)
        reasons = list(dict.fromkeys(reason for _gap, reason in fired))
        proposals.append(Proposal(action["code"], reasons, round(value, 4)))
    return select(proposals, rules, limit=limit, committed=committed)


def select(
    proposals: Sequence[Proposal],
    rules: dict,
    *,
    limit: int | None = None,
    committed: Iterable[str] = (),
) -> list[Proposal]:
    """The priorities (at most `limit`, prerequisites first), then the rest, flagged `later`."""
    by_code = {a["code"]: a for a in rules["actions"]}
    present = {p.code: p for p in proposals}
    committed = set(committed)

    def key(p: Proposal):
        action = by_code[p.code]
        return (p.code not in committed, not action.get("foundation"), -p.value, p.code)

    ranked = sorted(proposals, key=key)
    position = {p.code: n for n, p in enumerate(ranked)}

    def with_prerequisites(code: str, chosen: set[str]) -> list[str]:
        """The code and its candidate prerequisites not yet chosen, prerequisites first."""
        group: list[str] = []
        seen: set[str] = set()

        def visit(current: str) -> None:
            if current in seen or current in chosen:
                return
            seen.add(current)
            prerequisites = [p for p in by_code[current]["prerequisites"] if p in present]
            for prerequisite in sorted(prerequisites, key=position.__getitem__):
                visit(prerequisite)
            group.append(current)

        visit(code)
        return group

    chosen: list[str] = []
    for proposal in ranked:
        if limit is not None and len(chosen) >= limit:
            break
        group = with_prerequisites(proposal.code, set(chosen))
        if limit is None or len(chosen) + len(group) <= limit:
            chosen += group
    chosen_set = set(chosen)
    for proposal in proposals:
        proposal.later = proposal.code not in chosen_set
    return [present[c] for c in chosen] + [p for p in ranked if p.later]
