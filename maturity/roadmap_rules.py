"""Roadmap rules as data (fixtures/roadmap.yaml): validation and the pure rules engine.

An action template is proposed when any of its triggers fires on a diagnostic's results;
proposals are ordered so that prerequisites come first (the guide's order: people and
strategy before tools), then by priority, then by how weak the action's dimension is.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

HORIZONS = {"0-3": "0 à 3 mois", "3-6": "3 à 6 mois", "6-12": "6 à 12 mois"}
EFFORTS = {"faible": "Effort faible", "moyen": "Effort moyen", "important": "Effort important"}
COSTS = {"gratuit": "Gratuit", "cout_solidaire": "Coût solidaire", "payant": "Payant"}
FINDINGS = {"redundancy", "proprietary", "non_eu", "ageing", "no_reconditioned", "no_inventory"}
DIFFICULTY_TYPES = {"techniques", "financieres", "humaines", "strategiques"}
PRIORITY_LABELS = {1: "Priorité haute", 2: "Priorité moyenne", 3: "Priorité basse"}


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
        return value

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
        for i, node in enumerate(data.get(kind) or []):
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
    for i, node in enumerate(data.get("actions") or []):
        where = f"actions[{i}]"
        if not isinstance(node, dict):
            errors.append(f"{where} : doit être une table")
            continue
        action = {
            "code": need(node, "code", where),
            "title": need(node, "title", where),
            "dimension": need(node, "dimension", where),
            "explanation": need(node, "explanation", where),
            "steps": [s for s in node.get("steps") or [] if isinstance(s, str)],
            "priority": node.get("priority"),
            "horizon": node.get("horizon"),
            "effort": node.get("effort"),
            "cost": node.get("cost"),
            "triggers": node.get("triggers") or [],
            "prerequisites": list(node.get("prerequisites") or []),
            "toolbox_usages": list(node.get("toolbox_usages") or []),
            "funding": list(node.get("funding") or []),
            "training": list(node.get("training") or []),
        }
        if action["code"] in codes:
            errors.append(f"{where}.code : « {action['code']} » est déjà utilisé")
        codes.add(action["code"])
        if not action["steps"]:
            errors.append(f"{where}.steps : au moins une étape est nécessaire")
        if action["priority"] not in (1, 2, 3):
            errors.append(f"{where}.priority : 1, 2 ou 3")
        if action["horizon"] not in HORIZONS:
            errors.append(f"{where}.horizon : l'un de {', '.join(HORIZONS)}")
        if action["effort"] not in EFFORTS:
            errors.append(f"{where}.effort : l'un de {', '.join(EFFORTS)}")
        if action["cost"] not in COSTS:
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
    if not errors and _has_cycle(actions):
        errors.append("actions : les prérequis forment un cycle")
    if not actions:
        errors.append("actions : au moins une action est nécessaire")
    out["actions"] = actions
    return out, errors


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
        if dimensions is not None and value.get("dimension") not in dimensions:
            return [f"{where}.dimension_below.dimension : « {value.get('dimension')} » inconnue"]
    elif kind == "answer":
        if not isinstance(value, dict) or not value.get("choices"):
            return [f"{where}.answer : {{question, choices}}"]
        if questions is not None:
            if value.get("question") not in questions:
                return [f"{where}.answer.question : « {value.get('question')} » inconnue"]
            unknown = set(value["choices"]) - questions[value["question"]]
            if unknown:
                return [
                    f"{where}.answer.choices : {', '.join(sorted(unknown))} ne sont pas des choix de « {value['question']} »"
                ]
    elif kind == "finding":
        if value not in FINDINGS:
            return [f"{where}.finding : l'un de {', '.join(sorted(FINDINGS))}"]
    elif kind == "skills_need":
        if not isinstance(value, dict) or (areas is not None and value.get("area") not in areas):
            return [f"{where}.skills_need.area : domaine inconnu"]
    elif kind == "difficulty":
        if (
            not isinstance(value, dict)
            or value.get("type") not in DIFFICULTY_TYPES
            or not isinstance(value.get("min"), int)
        ):
            return [f"{where}.difficulty : {{type, min}}"]
    else:
        return [f"{where} : déclencheur « {kind} » inconnu"]
    return []


def _has_cycle(actions: list[dict]) -> bool:
    graph = {a["code"]: a["prerequisites"] for a in actions}
    state: dict[str, int] = {}

    def visit(code: str) -> bool:
        if state.get(code) == 1:
            return True
        if state.get(code) == 2:
            return False
        state[code] = 1
        if any(visit(p) for p in graph.get(code, [])):
            return True
        state[code] = 2
        return False

    return any(visit(code) for code in graph)


def load(text: str, *, questionnaire: dict | None = None) -> tuple[dict, list[str]]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return {}, [f"fichier : YAML illisible ({exc})"]
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
