"""The questionnaire as one human-editable YAML file: validate, import, export.

`clean()` checks a loaded file and returns its normalised form (every optional key filled in)
plus every error with its location, so an editor fixes the whole file in one pass. Export
produces the same normalised form, which makes export → import → export a fixed point.
"""

from typing import Any

import yaml
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from common import safe_yaml
from maturity import questionnaire_format
from maturity.models import Choice, Question, Questionnaire, Section

# The format and its validation (maturity.questionnaire_format); callers use these names here.
from maturity.questionnaire_format import DIFFICULTIES_CODE, PROFILE_CODE, clean
from maturity.questionnaire_format import MAX_DISCOVERY_QUESTIONS as MAX_DISCOVERY_QUESTIONS


class QuestionnaireFileError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


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
                organisation_field=q.get("organisation_field") or "",
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
        if question.organisation_field:
            q["organisation_field"] = question.organisation_field
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


def dump(data: dict, *, schema_url: str = "") -> str:
    """The file's text; given the address of the format's schema, a comment first says where it
    is and which version of the format the file follows."""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    return questionnaire_format.header(schema_url) + text if schema_url else text


def schema_url() -> str:
    """The address of the format's schema on this site (SITE_URL), for a file written outside
    of a request."""
    return settings.SITE_URL.rstrip("/") + reverse(questionnaire_format.SCHEMA_URL_NAME)
