"""A questionnaire version loaded once as plain frozen objects.

Published and archived versions never change, so their structure is cached in-process: a
section page then costs no query for the questions, whatever their number.
"""

from dataclasses import dataclass, field
from functools import cached_property

from maturity import scoring
from maturity.models import Question, Questionnaire, Section


@dataclass(frozen=True)
class ChoiceView:
    id: int
    code: str
    label: str
    score: int | None
    explanation: str
    exclusive: bool


@dataclass(frozen=True)
class QuestionView:
    id: int
    code: str
    kind: str
    text: str
    help: str
    required: bool
    allow_unknown: bool
    weight: int
    section_code: str
    difficulty_type: str
    show_if_question: str
    show_if_choices: tuple[str, ...]
    choices: tuple[ChoiceView, ...]
    discovery: bool = False  # asked in the discovery diagnostic (maturity.discovery)
    # The organisation record's field that answers it (maturity.profile): "" for a question
    # that is asked.
    organisation_field: str = ""

    @property
    def choice_ids(self) -> frozenset[int]:
        return frozenset(c.id for c in self.choices)

    @property
    def is_multiple(self) -> bool:
        return self.kind == Question.Kind.MULTIPLE

    @property
    def is_text(self) -> bool:
        return self.kind == Question.Kind.TEXT


@dataclass(frozen=True)
class SectionView:
    id: int
    code: str
    kind: str
    title: str
    description: str
    weight: int
    # The questions a diagnostic asks, in order: not those the organisation's record answers
    # (maturity.profile), which only the discovery diagnostic asks.
    questions: tuple[QuestionView, ...]
    every_question: tuple[QuestionView, ...] = ()  # in order, the record's included

    @property
    def record_questions(self) -> tuple[QuestionView, ...]:
        return tuple(q for q in self.every_question if q.organisation_field)


@dataclass(frozen=True)
class Structure:
    questionnaire_id: int
    version: str
    title: str
    levels: tuple[scoring.LevelSpec, ...]
    level_texts: dict = field(hash=False, compare=False)
    inventory: dict = field(hash=False, compare=False)
    sections: tuple[SectionView, ...] = ()

    @cached_property
    def questions(self) -> dict[int, QuestionView]:
        """Every question by id, the record's included (the discovery diagnostic asks them)."""
        return {q.id: q for s in self.sections for q in s.every_question}

    @cached_property
    def question_by_code(self) -> dict[str, QuestionView]:
        return {q.code: q for q in self.questions.values()}

    @cached_property
    def section_by_code(self) -> dict[str, SectionView]:
        return {s.code: s for s in self.sections}

    def sections_of(self, kind: str) -> list[SectionView]:
        return [s for s in self.sections if s.kind == kind]

    @cached_property
    def dimensions(self) -> list[SectionView]:
        return self.sections_of(Section.Kind.DIMENSION)

    @cached_property
    def dimension_specs(self) -> list[scoring.DimensionSpec]:
        return [scoring.DimensionSpec(code=s.code, weight=s.weight) for s in self.dimensions]

    def specs_for(self, kind: str) -> list[scoring.QuestionSpec]:
        """Scoring specs of the questions of one kind of section (dimensions, skills…)."""
        specs = []
        for section in self.sections_of(kind):
            # Every question: the discovery diagnostic's answers to the record's questions
            # tell the organisation's type (maturity.discovery).
            for q in section.every_question:
                show_if = None
                if q.show_if_question and q.show_if_question in self.question_by_code:
                    target = self.question_by_code[q.show_if_question]
                    wanted = frozenset(c.id for c in target.choices if c.code in q.show_if_choices)
                    show_if = (target.id, wanted)
                specs.append(
                    scoring.QuestionSpec(
                        id=q.id,
                        dimension=section.code,
                        kind=q.kind,
                        weight=q.weight,
                        choices=tuple(
                            scoring.ChoiceSpec(c.id, c.score, c.exclusive) for c in q.choices
                        ),
                        show_if=show_if,
                    )
                )
        return specs

    @cached_property
    def dimension_question_specs(self) -> list[scoring.QuestionSpec]:
        return self.specs_for(Section.Kind.DIMENSION)

    @cached_property
    def discovery_questions(self) -> list[QuestionView]:
        """The questions of the discovery diagnostic, in the questionnaire's order."""
        return [q for s in self.sections for q in s.every_question if q.discovery]

    @cached_property
    def answer_order(self) -> list[SectionView]:
        """Sections in the order a respondent answers them."""
        return list(self.sections)


_CACHE: dict[int, Structure] = {}


def _build(questionnaire: Questionnaire) -> Structure:
    sections = (
        Section.objects.filter(questionnaire=questionnaire)
        .prefetch_related("questions__choices")
        .order_by("order")
    )
    views = tuple(
        _section(
            id=s.id,
            code=s.code,
            kind=s.kind,
            title=s.title,
            description=s.description,
            weight=s.weight,
            every_question=tuple(
                QuestionView(
                    id=q.id,
                    code=q.code,
                    kind=q.kind,
                    text=q.text,
                    help=q.help,
                    required=q.required,
                    allow_unknown=q.allow_unknown,
                    weight=q.weight,
                    section_code=s.code,
                    difficulty_type=q.difficulty_type,
                    show_if_question=q.show_if_question,
                    show_if_choices=tuple(q.show_if_choices),
                    choices=tuple(
                        ChoiceView(c.id, c.code, c.label, c.score, c.explanation, c.exclusive)
                        for c in q.choices.all()
                    ),
                    discovery=q.discovery,
                    organisation_field=q.organisation_field,
                )
                for q in s.questions.all()
            ),
        )
        for s in sections
    )
    return Structure(
        questionnaire_id=questionnaire.pk,
        version=questionnaire.version,
        title=questionnaire.title,
        levels=tuple(
            scoring.LevelSpec(lv["code"], lv["label"], lv["min_score"])
            for lv in questionnaire.levels
        ),
        level_texts={lv["code"]: lv for lv in questionnaire.levels},
        inventory=questionnaire.inventory,
        sections=views,
    )


def _section(*, every_question: tuple[QuestionView, ...], **fields) -> SectionView:
    asked = tuple(q for q in every_question if not q.organisation_field)
    return SectionView(**fields, questions=asked, every_question=every_question)


def structure_for(questionnaire: Questionnaire) -> Structure:
    """The structure of a version; frozen versions come from the in-process cache."""
    if questionnaire.status == Questionnaire.Status.DRAFT:
        return _build(questionnaire)
    cached = _CACHE.get(questionnaire.pk)
    if cached is None or cached.version != questionnaire.version:
        cached = _CACHE[questionnaire.pk] = _build(questionnaire)
    return cached


def clear_cache() -> None:
    _CACHE.clear()
