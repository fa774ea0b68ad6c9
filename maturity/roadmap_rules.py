"""Roadmap rules as data (fixtures/roadmap.yaml): validation and the pure rules engine.

An action template is proposed when any of its triggers fires on a diagnostic's results;
proposals are ordered so that prerequisites come first (the guide's order: people and
strategy before tools), then by priority, then by how weak the action's dimension is.
"""

import graphlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from config import safe_yaml

HORIZONS = {"0-3": "0 à 3 mois", "3-6": "3 à 6 mois", "6-12": "6 à 12 mois"}
EFFORTS = {"faible": "Effort faible", "moyen": "Effort moyen", "important": "Effort important"}
COSTS = {"gratuit": "Gratuit", "cout_solidaire": "Coût solidaire", "payant": "Payant"}
FINDINGS = {"redundancy", "proprietary", "non_eu", "ageing", "no_reconditioned", "no_inventory"}
DIFFICULTY_TYPES = {"techniques", "financieres", "humaines", "strategiques"}
PRIORITY_LABELS = {1: "Priorité haute", 2: "Priorité moyenne", 3: "Priorité basse"}
MAX_PREREQUISITE_CHAIN = 20
# What a roadmap action (maturity.models.RoadmapAction) holds of an action's texts.
TEXT_LIMITS = {"code": 80, "title": 200, "dimension": 60, "explanation": 2000}


class RulesFileError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def clean(data: Any, *, questionnaire: dict | None = None) -> tuple[dict, list[str]]:
    """Validate a rules file (optionally against a normalised questionnaire); return (data, errors)."""
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

    dimensions = questions = areas = None
    if questionnaire:
        dimensions = {d["code"] for d in questionnaire["dimensions"]}
        questions = {
            q["code"]: {c["code"] for c in q["choices"]}
            for block in [
                questionnaire["profile"],
                *questionnaire["dimensions"],
                questionnaire["difficulties"],
            ]
            for q in block["questions"]
        }
        areas = {a["code"] for a in questionnaire["skills"]["areas"]}
        usages = {u["code"] for u in questionnaire["inventory"]["usages"]}
    else:
        usages = None

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
            items.append(
                {
                    "code": need(node, "code", where),
                    "title": need(node, "title", where),
                    "description": need(node, "description", where),
                }
            )
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
            "horizon": node.get("horizon"),
            "effort": node.get("effort"),
            "cost": node.get("cost"),
            "triggers": listed(node, "triggers", where, texts=False),
            "prerequisites": listed(node, "prerequisites", where),
            "toolbox_usages": listed(node, "toolbox_usages", where),
            "funding": listed(node, "funding", where),
            "training": listed(node, "training", where),
        }
        if action["code"] in codes:
            errors.append(f"{where}.code : « {action['code']} » est déjà utilisé")
        codes.add(action["code"])
        if not action["steps"]:
            errors.append(f"{where}.steps : au moins une étape est nécessaire")
        if action["priority"] not in (1, 2, 3):
            errors.append(f"{where}.priority : 1, 2 ou 3")
        if not _among(action["horizon"], HORIZONS):
            errors.append(f"{where}.horizon : l'un de {', '.join(HORIZONS)}")
        if not _among(action["effort"], EFFORTS):
            errors.append(f"{where}.effort : l'un de {', '.join(EFFORTS)}")
        if not _among(action["cost"], COSTS):
            errors.append(f"{where}.cost : l'un de {', '.join(COSTS)}")
        if dimensions is not None and action["dimension"] not in dimensions:
            errors.append(
                f"{where}.dimension : « {action['dimension']} » n'est pas une dimension du questionnaire"
            )
        if not action["triggers"]:
            errors.append(f"{where}.triggers : au moins un déclencheur est nécessaire")
        for j, trigger in enumerate(action["triggers"]):
            errors += _check_trigger(
                trigger, f"{where}.triggers[{j}]", dimensions, questions, areas
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
        if usages is not None:
            for code in action["toolbox_usages"]:
                if code not in usages:
                    errors.append(
                        f"{where}.toolbox_usages : « {code} » n'est pas un usage de l'inventaire"
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


def _check_trigger(trigger: Any, where: str, dimensions, questions, areas) -> list[str]:
    if not isinstance(trigger, dict) or len(trigger) != 1:
        return [f"{where} : un déclencheur a exactement une clé"]
    ((kind, value),) = trigger.items()
    if kind == "dimension_below":
        if (
            not isinstance(value, dict)
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
            unknown = set(value["choices"]) - questions[value["question"]]
            if unknown:
                return [
                    f"{where}.answer.choices : {', '.join(sorted(unknown))} ne sont pas des choix de « {value['question']} »"
                ]
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
            or not isinstance(value.get("min"), int)
        ):
            return [f"{where}.difficulty : {{type, min}}"]
    else:
        return [f"{where} : déclencheur « {kind} » inconnu"]
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


def load(text: str, *, questionnaire: dict | None = None) -> tuple[dict, list[str]]:
    try:
        data = safe_yaml.load(text)
    except safe_yaml.YAMLFileError as exc:
        return {}, [str(exc)]
    return clean(data, questionnaire=questionnaire)


# --- The engine ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What the rules look at, taken from a diagnostic's results (plain data, no ORM)."""

    dimension_scores: Mapping[str, float | None]
    chosen: Mapping[str, frozenset[str]]  # question code -> choice codes chosen by any respondent
    findings: frozenset[str]
    skills_needs: frozenset[str]
    difficulties: Mapping[str, float | None]


@dataclass
class Proposal:
    code: str
    reasons: list[str] = field(default_factory=list)


def facts_from_results(data: dict, chosen: Mapping[str, frozenset[str]]) -> Facts:
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
        chosen=chosen,
        findings=frozenset(findings),
        skills_needs=frozenset(a["code"] for a in skills.get("areas", []) if a.get("need")),
        difficulties={t["type"]: t["score"] for t in data.get("difficulties", {}).get("types", [])},
    )


FINDING_REASONS = {
    "redundancy": "Plusieurs outils servent au même usage dans votre inventaire.",
    "proprietary": "La majorité de vos outils sont propriétaires.",
    "non_eu": "Une part importante de vos services est hébergée hors de l'Union européenne.",
    "ageing": "Une partie de votre équipement a 5 ans ou plus.",
    "no_reconditioned": "Aucun de vos appareils n'est reconditionné.",
    "no_inventory": "L'inventaire de vos outils n'a pas été rempli.",
}


def _fires(
    trigger: dict, facts: Facts, titles: Mapping[str, str], labels: Mapping[str, str]
) -> str | None:
    ((kind, value),) = trigger.items()
    if kind == "dimension_below":
        score = facts.dimension_scores.get(value["dimension"])
        if score is not None and score < value["score"]:
            return f"Score de {round(score)}/100 en « {titles.get(value['dimension'], value['dimension'])} »."
    elif kind == "answer":
        picked = facts.chosen.get(value["question"], frozenset()) & set(value["choices"])
        if picked:
            return (
                "Réponse donnée : « "
                + " », « ".join(labels.get(c, c) for c in sorted(picked))
                + " »."
            )
    elif kind == "finding":
        if value in facts.findings:
            return FINDING_REASONS[value]
    elif kind == "skills_need":
        if value["area"] in facts.skills_needs:
            return f"Besoin de formation repéré : « {titles.get(value['area'], value['area'])} »."
    elif kind == "difficulty":
        score = facts.difficulties.get(value["type"])
        if score is not None and score >= value["min"]:
            return f"Difficultés {value['type']} ressenties comme fortes ({round(score)}/100)."
    return None


def propose(
    rules: dict, facts: Facts, *, titles: Mapping[str, str], labels: Mapping[str, str]
) -> list[Proposal]:
    """Actions whose triggers fire, each with the reasons (why), in roadmap order."""
    proposals = []
    for action in rules["actions"]:
        reasons = [r for t in action["triggers"] if (r := _fires(t, facts, titles, labels))]
        if reasons:
            proposals.append(Proposal(action["code"], reasons))
    return order(proposals, rules, facts.dimension_scores)


def order(
    proposals: Sequence[Proposal], rules: dict, scores: Mapping[str, float | None]
) -> list[Proposal]:
    """Prerequisites first, then priority (1 before 3), then the weakest dimension first."""
    by_code = {a["code"]: a for a in rules["actions"]}
    present = {p.code: p for p in proposals}

    def key(code: str):
        action = by_code[code]
        score = scores.get(action["dimension"])
        return (action["priority"], 101 if score is None else score, code)

    placed: list[Proposal] = []
    seen: set[str] = set()

    def place(code: str) -> None:
        if code in seen:
            return
        seen.add(code)
        for prerequisite in sorted(
            (p for p in by_code[code]["prerequisites"] if p in present), key=key
        ):
            place(prerequisite)
        placed.append(present[code])

    for code in sorted(present, key=key):
        place(code)
    return placed
