"""The questionnaire as one human-editable YAML file: validate, import, export.

`clean()` checks a loaded file and returns its normalised form (every optional key filled in)
plus every error with its location, so an editor fixes the whole file in one pass. Export
produces the same normalised form, which makes export → import → export a fixed point.
"""

import re
from typing import Any

import yaml
from django.db import transaction

from common import safe_yaml
from maturity.models import Choice, Question, Questionnaire, Section

CODE_RE = re.compile(r"^[a-z0-9_]+$")
KINDS = {"single", "multiple", "scale", "text"}
DIFFICULTY_TYPES = {"techniques", "financieres", "humaines", "strategiques"}
PROFILE_CODE, DIFFICULTIES_CODE = "profil", "difficultes"
# The discovery diagnostic (maturity.discovery) is answered in under 5 minutes, on one page.
MAX_DISCOVERY_QUESTIONS = 15
# What the database columns hold, by key of the file (the same key has the same limit anywhere).
TEXT_LIMITS = {
    "code": Section._meta.get_field("code").max_length,
    "title": Section._meta.get_field("title").max_length,
    "description": Section._meta.get_field("description").max_length,
    "text": Question._meta.get_field("text").max_length,
    "help": Question._meta.get_field("help").max_length,
    "label": Choice._meta.get_field("label").max_length,
    "explanation": Choice._meta.get_field("explanation").max_length,
}


class QuestionnaireFileError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


class _Checker:
    def __init__(self):
        self.errors: list[str] = []
        self.codes: dict[str, str] = {}

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where} : {message}")

    def text(self, node: dict, key: str, where: str, *, required: bool = True) -> str:
        value = node.get(key)
        if value is None or value == "":
            if required:
                self.error(f"{where}.{key}", "champ obligatoire manquant")
            return ""
        if not isinstance(value, str):
            self.error(f"{where}.{key}", "doit être un texte")
            return ""
        value = value.strip()
        limit = TEXT_LIMITS.get(key)
        if limit and len(value) > limit:
            self.error(f"{where}.{key}", f"{limit} caractères au plus")
        return value

    def integer(self, node: dict, key: str, where: str, *, default=None, low=0, high=100):
        value = node.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.error(f"{where}.{key}", f"doit être un entier entre {low} et {high}")
            return default
        return value

    def boolean(self, node: dict, key: str, where: str, default: bool) -> bool:
        value = node.get(key, default)
        if not isinstance(value, bool):
            self.error(f"{where}.{key}", "doit valoir true ou false")
            return default
        return value

    def code(self, node: dict, where: str) -> str:
        code = self.text(node, "code", where)
        if code and not CODE_RE.match(code):
            self.error(f"{where}.code", f"« {code} » : lettres minuscules, chiffres et _ seulement")
        elif code in self.codes:
            self.error(f"{where}.code", f"« {code} » est déjà utilisé ({self.codes[code]})")
        elif code:
            self.codes[code] = where
        return code

    def mapping(self, node: Any, where: str) -> dict:
        if not isinstance(node, dict):
            self.error(where, "doit être une table (clé : valeur)")
            return {}
        return node

    def sequence(self, node: Any, where: str) -> list:
        if not isinstance(node, list):
            self.error(where, "doit être une liste")
            return []
        return node


def _clean_questions(
    check: _Checker,
    raw: Any,
    where: str,
    *,
    scored: bool,
    difficulties: bool = False,
    discovery: bool = False,
) -> list[dict]:
    questions: list[dict] = []
    seen: dict[str, dict] = {}
    for i, node in enumerate(check.sequence(raw, where)):
        at = f"{where}[{i}]"
        node = check.mapping(node, at)
        question = {
            "code": check.code(node, at),
            "kind": node.get("kind"),
            "text": check.text(node, "text", at),
            "help": check.text(node, "help", at, required=False),
            "required": check.boolean(node, "required", at, True),
            "allow_unknown": check.boolean(node, "allow_unknown", at, False),
            "weight": check.integer(node, "weight", at, default=1, low=1, high=3),
            "discovery": check.boolean(node, "discovery", at, False),
        }
        if question["discovery"]:
            _check_discovery(check, node, at, question, allowed=discovery)
        if not isinstance(question["kind"], str) or question["kind"] not in KINDS:
            check.error(f"{at}.kind", f"doit être l'un de : {', '.join(sorted(KINDS))}")
        if difficulties:
            kind = node.get("difficulty_type")
            if kind is not None and (not isinstance(kind, str) or kind not in DIFFICULTY_TYPES):
                check.error(
                    f"{at}.difficulty_type",
                    f"doit être l'un de : {', '.join(sorted(DIFFICULTY_TYPES))}",
                )
            question["difficulty_type"] = kind
        question["choices"] = _clean_choices(
            check, node.get("choices", []), f"{at}.choices", question, scored
        )
        if "show_if" in node:
            question["show_if"] = _clean_show_if(check, node["show_if"], f"{at}.show_if", seen)
        questions.append(question)
        seen[question["code"]] = question
    if not questions:
        check.error(where, "au moins une question est nécessaire")
    return questions


def _check_discovery(check: _Checker, node: dict, at: str, question: dict, *, allowed: bool):
    # The discovery form shows every question at once, without an account and without
    # JavaScript: no follow-up that would appear after another answer, no free text.
    if not allowed:
        check.error(f"{at}.discovery", "seulement pour les questions du profil et des dimensions")
    if question["kind"] == "text":
        check.error(f"{at}.discovery", "une question de découverte se répond par un choix")
    if "show_if" in node:
        check.error(
            f"{at}.discovery", "une question de découverte ne dépend pas d'une autre réponse"
        )


def _check_discovery_coverage(check: _Checker, profile: list[dict], dimensions: list[dict]):
    """Once some questions are marked, every dimension has one: each gets its indicative level."""
    marked = sum(q["discovery"] for q in profile) + sum(
        q["discovery"] for d in dimensions for q in d["questions"]
    )
    if not marked:
        return
    for i, dimension in enumerate(dimensions):
        if not any(q["discovery"] for q in dimension["questions"]):
            check.error(
                f"dimensions[{i}].questions",
                "au moins une question marquée discovery dans chaque dimension",
            )
    if marked > MAX_DISCOVERY_QUESTIONS:
        check.error(
            "discovery",
            f"{marked} questions marquées : {MAX_DISCOVERY_QUESTIONS} au plus, pour répondre en "
            "moins de 5 minutes",
        )


def _clean_choices(
    check: _Checker, raw: Any, where: str, question: dict, scored: bool
) -> list[dict]:
    kind = question["kind"]
    if kind == "text":
        if raw:
            check.error(where, "une question de texte libre n'a pas de choix")
        return []
    choices = []
    for i, node in enumerate(check.sequence(raw, where)):
        at = f"{where}[{i}]"
        node = check.mapping(node, at)
        choice = {
            "code": check.code(node, at),
            "label": check.text(node, "label", at),
            "score": check.integer(node, "score", at),
            "explanation": check.text(node, "explanation", at, required=False),
            "exclusive": check.boolean(node, "exclusive", at, False),
            "not_applicable": check.boolean(node, "not_applicable", at, False),
        }
        if choice["not_applicable"]:
            # "Non concerné": the question does not apply; left out of the scores.
            if not scored:
                check.error(f"{at}.not_applicable", "seulement pour une question notée")
            elif choice["score"] is not None:
                check.error(f"{at}.score", "un choix « non concerné » n'a pas de score")
        elif scored and choice["score"] is None:
            check.error(f"{at}.score", "chaque choix d'une question notée a un score (0 à 100)")
        if scored and not choice["explanation"] and not choice["not_applicable"]:
            check.error(f"{at}.explanation", "chaque choix d'une question notée est expliqué")
        choices.append(choice)
    if len(choices) < 2:
        check.error(where, "au moins deux choix sont nécessaires")
    if sum(c["not_applicable"] for c in choices) > 1:
        check.error(where, "une question a au plus un choix « non concerné »")
    if kind == "multiple" and any(c["not_applicable"] for c in choices):
        check.error(where, "« non concerné » s'emploie pour un choix unique ou une échelle")
    scores = [c["score"] for c in choices if c["score"] is not None]
    if kind == "scale" and scores and len(choices) - sum(c["not_applicable"] for c in choices) != 5:
        check.error(where, "une échelle a exactement 5 choix")
    if kind == "multiple" and sum(c["exclusive"] for c in choices) > 1:
        check.error(where, "une question à choix multiple a au plus un choix exclusif")
    if kind != "multiple" and any(c["exclusive"] for c in choices):
        check.error(where, "« exclusive » ne s'emploie que pour les choix multiples")
    if scored and kind == "single" and scores and (max(scores) != 100 or min(scores) != 0):
        check.error(where, "la meilleure réponse vaut 100 et la plus faible 0")
    return choices


def _clean_show_if(check: _Checker, raw: Any, where: str, earlier: dict[str, dict]) -> dict:
    node = check.mapping(raw, where)
    target = node.get("question")
    choices = check.sequence(node.get("choices") or [], f"{where}.choices")
    if not isinstance(target, str) or target not in earlier:
        check.error(
            f"{where}.question", f"« {target} » n'est pas une question précédente de la même partie"
        )
        return {"question": target, "choices": list(choices)}
    known = {c["code"] for c in earlier[target]["choices"]}
    for code in choices:
        if not isinstance(code, str) or code not in known:
            check.error(f"{where}.choices", f"« {code} » n'est pas un choix de « {target} »")
    if not choices:
        check.error(f"{where}.choices", "au moins un choix déclencheur est nécessaire")
    return {"question": target, "choices": list(choices)}


def clean(data: Any) -> tuple[dict, list[str]]:
    """Validate a loaded questionnaire file. Returns (normalised data, errors)."""
    check = _Checker()
    data = check.mapping(data, "fichier")
    out: dict[str, Any] = {
        "version": str(data.get("version") or ""),
        "title": check.text(data, "title", "fichier"),
        "description": check.text(data, "description", "fichier", required=False),
    }
    if not out["version"]:
        check.error("fichier.version", "champ obligatoire manquant")
    elif len(out["version"]) > 20:
        check.error("fichier.version", "20 caractères au plus")

    levels = []
    for i, node in enumerate(check.sequence(data.get("levels"), "levels")):
        at = f"levels[{i}]"
        node = check.mapping(node, at)
        levels.append(
            {
                "code": check.code(node, at),
                "label": check.text(node, "label", at),
                "min_score": check.integer(node, "min_score", at),
                "stage": check.text(node, "stage", at, required=False),
                "description": check.text(node, "description", at),
            }
        )
    thresholds = [level["min_score"] for level in levels]
    # A missing or malformed threshold is reported on its own level; order needs them all.
    if (
        levels
        and None not in thresholds
        and (thresholds[0] != 0 or thresholds != sorted(set(thresholds)))
    ):
        check.error("levels", "les seuils commencent à 0 et sont strictement croissants")
    if not levels:
        check.error("levels", "au moins un niveau est nécessaire")
    out["levels"] = levels

    profile = check.mapping(data.get("profile", {}), "profile")
    out["profile"] = {
        "title": check.text(profile, "title", "profile"),
        "description": check.text(profile, "description", "profile", required=False),
        "questions": _clean_questions(
            check, profile.get("questions"), "profile.questions", scored=False, discovery=True
        ),
    }

    dimensions = []
    raw_dimensions = check.sequence(data.get("dimensions"), "dimensions")
    for i, node in enumerate(raw_dimensions):
        at = f"dimensions[{i}]"
        node = check.mapping(node, at)
        dimensions.append(
            {
                "code": check.code(node, at),
                "title": check.text(node, "title", at),
                "description": check.text(node, "description", at, required=False),
                "weight": check.integer(node, "weight", at, default=1, low=1, high=3),
                "questions": _clean_questions(
                    check, node.get("questions"), f"{at}.questions", scored=True, discovery=True
                ),
            }
        )
    if not dimensions:
        check.error("dimensions", "au moins une dimension est nécessaire")
    out["dimensions"] = dimensions
    _check_discovery_coverage(check, out["profile"]["questions"], dimensions)

    difficulties = check.mapping(data.get("difficulties", {}), "difficulties")
    out["difficulties"] = {
        "title": check.text(difficulties, "title", "difficulties"),
        "description": check.text(difficulties, "description", "difficulties", required=False),
        "questions": _clean_questions(
            check,
            difficulties.get("questions"),
            "difficulties.questions",
            scored=False,
            difficulties=True,
        ),
    }

    skills = check.mapping(data.get("skills", {}), "skills")
    areas = []
    for i, node in enumerate(check.sequence(skills.get("areas"), "skills.areas")):
        at = f"skills.areas[{i}]"
        node = check.mapping(node, at)
        areas.append(
            {
                "code": check.code(node, at),
                "title": check.text(node, "title", at),
                "questions": _clean_questions(
                    check, node.get("questions"), f"{at}.questions", scored=False
                ),
            }
        )
    out["skills"] = {
        "title": check.text(skills, "title", "skills"),
        "description": check.text(skills, "description", "skills", required=False),
        "areas": areas,
    }

    inventory = check.mapping(data.get("inventory", {}), "inventory")
    usages = []
    for i, node in enumerate(check.sequence(inventory.get("usages"), "inventory.usages")):
        at = f"inventory.usages[{i}]"
        node = check.mapping(node, at)
        tools = []
        for j, tool in enumerate(
            check.sequence(node.get("common_tools", []), f"{at}.common_tools")
        ):
            tat = f"{at}.common_tools[{j}]"
            tool = check.mapping(tool, tat)
            tools.append(
                {
                    "name": check.text(tool, "name", tat),
                    "libre": _required_bool(check, tool, "libre", tat),
                    "eu_hosted": _required_bool(check, tool, "eu_hosted", tat),
                }
            )
        usages.append(
            {
                "code": check.code(node, at),
                "label": check.text(node, "label", at),
                "common_tools": tools,
            }
        )
    equipment = []
    for i, node in enumerate(check.sequence(inventory.get("equipment"), "inventory.equipment")):
        at = f"inventory.equipment[{i}]"
        node = check.mapping(node, at)
        equipment.append({"code": check.code(node, at), "label": check.text(node, "label", at)})
    out["inventory"] = {
        "title": check.text(inventory, "title", "inventory"),
        "description": check.text(inventory, "description", "inventory", required=False),
        "usages": usages,
        "equipment": equipment,
    }
    return out, safe_yaml.bound_errors(check.errors)


def _required_bool(check: _Checker, node: dict, key: str, where: str) -> bool:
    if key not in node:
        check.error(f"{where}.{key}", "champ obligatoire manquant (true ou false)")
        return False
    return check.boolean(node, key, where, False)


def load(text: str) -> tuple[dict, list[str]]:
    """Parse YAML text (no aliases, bounded size and depth) and validate it."""
    try:
        data = safe_yaml.load(text)
    except safe_yaml.YAMLFileError as exc:
        return {}, [str(exc)]
    return clean(data)


@transaction.atomic
def import_questionnaire(
    data: dict, *, created_by=None, replace: Questionnaire | None = None
) -> Questionnaire:
    """Create a draft version from a file (or replace a draft's content). Nothing is saved on error."""
    cleaned, errors = clean(data)
    if errors:
        raise QuestionnaireFileError(errors)
    if replace is not None:
        if not replace.is_editable:
            raise QuestionnaireFileError(
                ["Une version publiée ou archivée ne se modifie pas : créez un brouillon."]
            )
        replace.sections.all().delete()
        questionnaire = replace
        if Questionnaire.objects.exclude(pk=replace.pk).filter(version=cleaned["version"]).exists():
            raise QuestionnaireFileError(
                [f"fichier.version : la version « {cleaned['version']} » existe déjà"]
            )
    else:
        if Questionnaire.objects.filter(version=cleaned["version"]).exists():
            raise QuestionnaireFileError(
                [f"fichier.version : la version « {cleaned['version']} » existe déjà"]
            )
        questionnaire = Questionnaire(created_by=created_by)
    questionnaire.version = cleaned["version"]
    questionnaire.title = cleaned["title"]
    questionnaire.description = cleaned["description"]
    questionnaire.levels = cleaned["levels"]
    questionnaire.inventory = {
        **cleaned["inventory"],
        "_skills": {
            "title": cleaned["skills"]["title"],
            "description": cleaned["skills"]["description"],
        },
    }
    questionnaire.save()

    blocks = [
        (Section.Kind.PROFILE, PROFILE_CODE, cleaned["profile"], 1),
        *[(Section.Kind.DIMENSION, d["code"], d, d["weight"]) for d in cleaned["dimensions"]],
        (Section.Kind.DIFFICULTIES, DIFFICULTIES_CODE, cleaned["difficulties"], 1),
        *[(Section.Kind.SKILLS, a["code"], a, 1) for a in cleaned["skills"]["areas"]],
    ]
    choices: list[Choice] = []
    for order, (kind, code, block, weight) in enumerate(blocks):
        section = Section.objects.create(
            questionnaire=questionnaire,
            kind=kind,
            code=code,
            title=block["title"],
            description=block.get("description", ""),
            weight=weight,
            order=order,
        )
        for q_order, q in enumerate(block["questions"]):
            question = Question.objects.create(
                questionnaire=questionnaire,
                section=section,
                code=q["code"],
                kind=q["kind"],
                text=q["text"],
                help=q["help"],
                required=q["required"],
                allow_unknown=q["allow_unknown"],
                weight=q["weight"],
                order=q_order,
                show_if_question=q.get("show_if", {}).get("question", ""),
                show_if_choices=q.get("show_if", {}).get("choices", []),
                difficulty_type=q.get("difficulty_type") or "",
                discovery=q["discovery"],
            )
            choices += [
                Choice(
                    question=question,
                    code=c["code"],
                    label=c["label"],
                    score=c["score"],
                    explanation=c["explanation"],
                    exclusive=c["exclusive"],
                    order=c_order,
                )
                for c_order, c in enumerate(q["choices"])
            ]
    Choice.objects.bulk_create(choices)
    return questionnaire


def _export_questions(section: Section, *, with_difficulty: bool = False) -> list[dict]:
    # In a scored part, a choice without a score can only be "non concerné" (see clean()).
    scored = section.kind == Section.Kind.DIMENSION
    out = []
    for question in section.questions.all():
        q: dict[str, Any] = {
            "code": question.code,
            "kind": question.kind,
            "text": question.text,
            "help": question.help,
            "required": question.required,
            "allow_unknown": question.allow_unknown,
            "weight": question.weight,
            "discovery": question.discovery,
        }
        if with_difficulty:
            q["difficulty_type"] = question.difficulty_type or None
        q["choices"] = [
            {
                "code": c.code,
                "label": c.label,
                "score": c.score,
                "explanation": c.explanation,
                "exclusive": c.exclusive,
                "not_applicable": scored and c.score is None,
            }
            for c in question.choices.all()
        ]
        if question.show_if_question:
            q["show_if"] = {
                "question": question.show_if_question,
                "choices": list(question.show_if_choices),
            }
        out.append(q)
    return out


def export_questionnaire(questionnaire: Questionnaire) -> dict:
    """The normalised file content of a version (what clean() returns for its source file)."""
    sections = list(
        questionnaire.sections.prefetch_related("questions__choices").order_by("order")
    )  # one query per level, whatever the size
    by_kind: dict[str, list[Section]] = {}
    for section in sections:
        by_kind.setdefault(section.kind, []).append(section)
    profile = by_kind[Section.Kind.PROFILE][0]
    difficulties = by_kind[Section.Kind.DIFFICULTIES][0]
    inventory = {k: v for k, v in questionnaire.inventory.items() if k != "_skills"}
    skills_meta = questionnaire.inventory.get("_skills", {"title": "", "description": ""})
    return {
        "version": questionnaire.version,
        "title": questionnaire.title,
        "description": questionnaire.description,
        "levels": questionnaire.levels,
        "profile": {
            "title": profile.title,
            "description": profile.description,
            "questions": _export_questions(profile),
        },
        "dimensions": [
            {
                "code": s.code,
                "title": s.title,
                "description": s.description,
                "weight": s.weight,
                "questions": _export_questions(s),
            }
            for s in by_kind.get(Section.Kind.DIMENSION, [])
        ],
        "difficulties": {
            "title": difficulties.title,
            "description": difficulties.description,
            "questions": _export_questions(difficulties, with_difficulty=True),
        },
        "skills": {
            **skills_meta,
            "areas": [
                {"code": s.code, "title": s.title, "questions": _export_questions(s)}
                for s in by_kind.get(Section.Kind.SKILLS, [])
            ],
        },
        "inventory": inventory,
    }


def dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
