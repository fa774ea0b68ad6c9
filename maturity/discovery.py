"""The discovery diagnostic: a first look in under five minutes, without an account.

The questions marked `discovery` in the questionnaire file (at least one per dimension and a
couple of profile questions, see questionnaire_file) are answered on one page. The answers
live in the visitor's session only, by question and choice code: a person who then creates
an account carries them into a real diagnostic (services.carry_over_discovery), even if
another version of the questionnaire was published in between.

What the visitor gets at once: an indicative level per dimension, in the words of the full
results (maturity.synthesis), and the first actions the roadmap engine proposes for these
answers alone (maturity.roadmap_rules), fitted to the organisation's type when the profile
questions were answered. Pure functions over the loaded structure and plain data: no query,
no request.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maturity import roadmap, roadmap_rules, scoring, synthesis, typology
from maturity.models import Section
from maturity.services import GivenAnswer, ParsedAnswer, answer_values
from maturity.structure import QuestionView, Structure

SESSION_KEY = "maturity_discovery"
FIRST_ACTIONS = 3


# --- Session payload ------------------------------------------------------------------------------


def to_session(structure: Structure, answers: Mapping[int, ParsedAnswer]) -> dict:
    """What the session keeps: codes, never ids (ids belong to one version of the
    questionnaire), and only the answers given."""
    kept = {}
    for question_id, answer in answers.items():
        question = structure.questions.get(question_id)
        if question is None or answer.is_empty:
            continue
        kept[question.code] = {
            "choices": [c.code for c in question.choices if c.id in answer.choice_ids],
            "unknown": answer.unknown,
        }
    return {"version": structure.version, "answers": kept}


def _answer_from(question: QuestionView, stored) -> GivenAnswer | None:
    """One stored answer read back against a version's question; None when it does not fit
    (the session is the server's, but a questionnaire may have changed since)."""
    if not isinstance(stored, dict) or question.is_text:
        return None
    codes = stored.get("choices")
    codes = (
        set(codes) if isinstance(codes, list) and all(isinstance(c, str) for c in codes) else set()
    )
    ids = tuple(c.id for c in question.choices if c.code in codes)
    unknown = stored.get("unknown") is True and question.allow_unknown and not ids
    if not ids and not unknown:
        return None
    if len(ids) > 1 and not question.is_multiple:
        return None
    return GivenAnswer(ids, unknown, "")


def from_session(
    structure: Structure, payload, *, discovery_only: bool = True
) -> dict[int, GivenAnswer]:
    """The session's answers as a version's answers (by question id). Questions or choices the
    version does not have are left out; with discovery_only, so are the questions it does not
    ask in the discovery diagnostic."""
    if not isinstance(payload, dict) or not isinstance(payload.get("answers"), dict):
        return {}
    out = {}
    for code, stored in payload["answers"].items():
        question = structure.question_by_code.get(code) if isinstance(code, str) else None
        if question is None or (discovery_only and not question.discovery):
            continue
        if (answer := _answer_from(question, stored)) is not None:
            out[question.id] = answer
    return out


def answered_count(payload) -> int:
    if not isinstance(payload, dict) or not isinstance(payload.get("answers"), dict):
        return 0
    return len(payload["answers"])


# --- Result ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FirstAction:
    code: str  # the rule's code: for the toolbox lookup only, never shown
    title: str
    explanation: str
    dimension: str  # the dimension's title
    reasons: tuple[str, ...]
    needs: tuple[str, ...]  # toolbox need codes, for the tools shown with it


@dataclass(frozen=True)
class Result:
    synthesis: synthesis.Synthesis
    basis: str  # "a first look from N answers to M questions", in words
    answered: int
    asked: int
    actions: tuple[FirstAction, ...]
    organisation_type: str  # the type the advice is fitted to, "" when the profile is unknown


def dimension_questions(structure: Structure) -> list[QuestionView]:
    return [
        q
        for q in structure.discovery_questions
        if structure.section_by_code[q.section_code].kind == Section.Kind.DIMENSION
    ]


def scores(structure: Structure, answers: Mapping[int, GivenAnswer]) -> dict:
    """The subset's results in the shape of results.compute's (what synthesis.build reads):
    each dimension's score and level from its discovery questions alone, by scoring's rules
    (weights, "Je ne sais pas" and "non concerné" left out)."""
    asked = {q.id for q in dimension_questions(structure)}
    specs = [spec for spec in structure.dimension_question_specs if spec.id in asked]
    values = answer_values({qid: a for qid, a in answers.items() if qid in asked})
    by_dimension = scoring.dimension_scores(
        specs, scoring.question_scores(specs, values), structure.dimension_specs
    )
    overall = scoring.overall_score(by_dimension, structure.dimension_specs)
    strengths, priorities = scoring.strengths_and_priorities(by_dimension)

    def level(score):
        found = scoring.level_for(score, structure.levels)
        return found.code if found else None

    return {
        "version": structure.version,
        "respondents": 1,
        "overall": {"score": _round(overall), "level": level(overall)},
        "dimensions": [
            {
                "code": section.code,
                "title": section.title,
                "score": _round(by_dimension.get(section.code)),
                "level": level(by_dimension.get(section.code)),
            }
            for section in structure.dimensions
        ],
        "strengths": strengths,
        "priorities": priorities,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def organisation_typology(
    structure: Structure, answers: Mapping[int, GivenAnswer]
) -> typology.Typology | None:
    """The type the profile answers give, or None when neither staff nor volunteers is known:
    then no rule is left out for the organisation's type."""
    tallies = roadmap.tallies(structure, [answer_values(answers)])
    profile = roadmap.profile_answers(tallies)
    if not profile:
        return None
    return typology.classify(profile=profile)


def first_actions(
    structure: Structure,
    answers: Mapping[int, GivenAnswer],
    rules: dict,
    *,
    data: dict,
    kind: typology.Typology | None,
    limit: int = FIRST_ACTIONS,
) -> list[FirstAction]:
    """The actions the roadmap engine would do first on these answers alone (foundations and
    prerequisites first, see roadmap_rules), for an organisation of this type. The inventory,
    difficulties and skills are not asked: their triggers stay silent rather than guess."""
    facts = roadmap_rules.Facts(
        dimension_scores={d["code"]: d["score"] for d in data["dimensions"]},
        answers=roadmap.tallies(structure, [answer_values(answers)]),
        findings=frozenset(),
        skills_needs=frozenset(),
        difficulties={},
        typology=kind,
    )
    catalogue = roadmap.catalogue_for(structure)
    proposals = roadmap_rules.propose(rules, facts, catalogue=catalogue, limit=limit)
    templates = {a["code"]: a for a in rules["actions"]}
    return [
        FirstAction(
            code=p.code,
            title=templates[p.code]["title"],
            explanation=templates[p.code]["explanation"],
            dimension=catalogue.titles.get(templates[p.code]["dimension"], ""),
            reasons=tuple(p.reasons),
            needs=tuple(templates[p.code].get("needs", [])),
        )
        for p in proposals
        if not p.later and p.code in templates
    ][:limit]


def result(structure: Structure, answers: Mapping[int, GivenAnswer], rules: dict | None) -> Result:
    """What the visitor reads at once: `rules` are the active roadmap rules (None: no actions)."""
    # Every question of the page, as its introduction counts them: the profile questions are
    # not scored but fit the first actions to the organisation's type.
    asked = structure.discovery_questions
    answered = sum(1 for q in asked if q.id in answers)
    data = scores(structure, answers)
    kind = organisation_typology(structure, answers)
    full = len(structure.questions)
    return Result(
        synthesis=synthesis.build(data, list(structure.level_texts.values())),
        basis=ngettext(
            "Un premier aperçu, indicatif : il repose sur %(n)s réponse aux %(total)s questions "
            "du diagnostic découverte, quand le diagnostic complet en pose jusqu’à %(full)s.",
            "Un premier aperçu, indicatif : il repose sur %(n)s réponses aux %(total)s questions "
            "du diagnostic découverte, quand le diagnostic complet en pose jusqu’à %(full)s.",
            answered,
        )
        % {"n": answered, "total": len(asked), "full": full},
        answered=answered,
        asked=len(asked),
        actions=tuple(
            first_actions(structure, answers, rules, data=data, kind=kind) if rules else ()
        ),
        # Named only when the staff is known: the type of an organisation of unknown size is
        # a default (typology.classify), not something the visitor said.
        organisation_type=kind.label if kind and kind.staff is not None else "",
    )


def unanswered_note(result: Result) -> str:
    """Said when nothing could be scored: every answer was "Je ne sais pas" or left blank."""
    if result.synthesis.dimensions and all(d.score is None for d in result.synthesis.dimensions):
        return _(
            "Vous n’avez répondu à aucune question notée : pas de niveau à montrer pour "
            "l’instant. Revenez au questionnaire pour choisir les réponses les plus proches de "
            "votre situation."
        )
    return ""
