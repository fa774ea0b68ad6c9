"""Scoring of maturity diagnostics, as pure functions over plain specs.

Nothing here touches the database or the request: callers load the questionnaire into the specs
below, so the rules can be tested (and property-tested) on their own.

Nothing is rounded here. Callers round for display only, so that means and levels are computed on
exact values and two screens never disagree because one rounded earlier than the other.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

KINDS = frozenset({"single", "multiple", "scale", "text"})
MAX_SCORE = 100

# Means of means can land a hair below a boundary (e.g. 49.99999999999999 for an exact 50);
# a person shown "50" must not get the level below 50 for it.
_LEVEL_TOLERANCE = 1e-9


def display_score(value: float | None) -> int | None:
    """A score as every page, chart, PDF and export shows it: a whole number, halves rounded up
    as people round (32.5 → 33), where Python's round() and format() round halves to even
    (32.5 → 32) and made the radar and the table disagree. None stays None (no answer)."""
    if value is None:
        return None
    # The tolerance keeps a mean computed as 32.49999999999999 for an exact 32.5 at 33.
    return math.floor(float(value) + 0.5 + _LEVEL_TOLERANCE)


@dataclass(frozen=True)
class ChoiceSpec:
    id: int
    score: int | None  # 0..100, None for unscored choices
    exclusive: bool = False  # "none of these" in a multiple question

    def __post_init__(self) -> None:
        # Fail when the questionnaire is loaded, not later as an odd score on someone's report.
        if self.score is not None and not 0 <= self.score <= MAX_SCORE:
            raise ValueError(f"Choice {self.id}: score {self.score} is outside 0..100.")


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    dimension: str  # dimension code
    kind: str  # "single" | "multiple" | "scale" | "text"
    weight: int = 1  # >= 1
    choices: tuple[ChoiceSpec, ...] = ()
    # (question id, choice ids): shown only if that question's answer includes one of them.
    show_if: tuple[int, frozenset[int]] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Question {self.id}: unknown kind {self.kind!r}.")
        if self.weight < 1:
            raise ValueError(f"Question {self.id}: weight must be at least 1.")


@dataclass(frozen=True)
class DimensionSpec:
    code: str
    weight: int = 1

    def __post_init__(self) -> None:
        if self.weight < 1:
            raise ValueError(f"Dimension {self.code}: weight must be at least 1.")


@dataclass(frozen=True)
class LevelSpec:
    code: str
    label: str
    min_score: int  # levels sorted by min_score; the first has min_score 0


@dataclass(frozen=True)
class AnswerValue:
    choice_ids: frozenset[int] = frozenset()
    unknown: bool = False  # "Je ne sais pas": never scored


Answers = Mapping[int, AnswerValue]  # question id -> answer


def is_visible(question: QuestionSpec, answers: Answers) -> bool:
    """Whether the question's own condition holds (see question_scores for chained conditions).

    A "Je ne sais pas" on the parent question does not reveal follow-up questions: it says nothing
    about which case applies.
    """
    if question.show_if is None:
        return True
    parent_id, choice_ids = question.show_if
    answer = answers.get(parent_id)
    if answer is None or answer.unknown:
        return False
    return not answer.choice_ids.isdisjoint(choice_ids)


def _shown(question: QuestionSpec, by_id: Mapping[int, QuestionSpec], answers: Answers) -> bool:
    # A follow-up of a hidden question is hidden too, even if the hidden question still holds a
    # stale answer from before the person changed their mind upstream.
    seen: set[int] = set()
    current: QuestionSpec | None = question
    while current is not None:
        if current.id in seen:  # a cycle of conditions can never be satisfied: never shown
            return False
        seen.add(current.id)
        if not is_visible(current, answers):
            return False
        current = by_id.get(current.show_if[0]) if current.show_if is not None else None
    return True


def is_shown(question: QuestionSpec, by_id: Mapping[int, QuestionSpec], answers: Answers) -> bool:
    """Whether the question is shown to someone with these answers, through its whole chain of
    conditions (`by_id`: the questions by id)."""
    return _shown(question, by_id, answers)


def question_score(question: QuestionSpec, answer: AnswerValue | None) -> float | None:
    """Score of one answer, 0..100, or None when it must not count.

    None when: no answer, "Je ne sais pas", a text question, or no scored choice selected.
    Choice ids that do not belong to the question are ignored. A single or scale answer with
    several choices is malformed and gives None rather than a guess.
    """
    if answer is None or answer.unknown or question.kind == "text":
        return None
    chosen = [choice for choice in question.choices if choice.id in answer.choice_ids]
    if question.kind in ("single", "scale"):
        if len(chosen) != 1 or chosen[0].score is None:
            return None
        return float(chosen[0].score)
    # multiple: an exclusive choice is summed like any other, so an exclusive choice alone gives
    # its own score (normally 0) and a malformed mix can only add, never subtract.
    scored = [choice.score for choice in chosen if choice.score is not None]
    if not scored:
        return None
    return float(min(MAX_SCORE, sum(scored)))


def question_scores(questions: Sequence[QuestionSpec], answers: Answers) -> dict[int, float | None]:
    """Score of every question; hidden questions (also through a hidden parent) give None."""
    by_id = {question.id: question for question in questions}
    return {
        question.id: (
            question_score(question, answers.get(question.id))
            if _shown(question, by_id, answers)
            else None
        )
        for question in questions
    }


def _weighted_mean(pairs: Sequence[tuple[float, int]]) -> float | None:
    # fsum keeps the mean exact enough that it stays within 0..100 and moves monotonically.
    total_weight = sum(weight for _, weight in pairs)
    if total_weight == 0:
        return None
    return math.fsum(score * weight for score, weight in pairs) / total_weight


def dimension_scores(
    questions: Sequence[QuestionSpec],
    question_scores: Mapping[int, float | None],
    dimensions: Sequence[DimensionSpec],
) -> dict[str, float | None]:
    """Weighted mean (question weight) of the scored questions of each dimension, or None.

    Unscored questions ("Je ne sais pas", unanswered, hidden, text) leave both the numerator and
    the denominator, so not knowing never counts as a zero. Questions of a dimension missing from
    `dimensions` are ignored.
    """
    pairs: dict[str, list[tuple[float, int]]] = {dimension.code: [] for dimension in dimensions}
    for question in questions:
        score = question_scores.get(question.id)
        if score is not None and question.dimension in pairs:
            pairs[question.dimension].append((score, question.weight))
    return {code: _weighted_mean(scored) for code, scored in pairs.items()}


def overall_score(
    dimension_scores: Mapping[str, float | None], dimensions: Sequence[DimensionSpec]
) -> float | None:
    """Weighted mean (dimension weight) of the dimensions that have a score, or None."""
    return _weighted_mean(
        [
            (score, dimension.weight)
            for dimension in dimensions
            if (score := dimension_scores.get(dimension.code)) is not None
        ]
    )


def level_for(score: float | None, levels: Sequence[LevelSpec]) -> LevelSpec | None:
    """The highest level whose min_score is reached; None for no score (or no level reached)."""
    if score is None:
        return None
    reached = [level for level in levels if level.min_score <= score + _LEVEL_TOLERANCE]
    if not reached:
        return None
    return max(reached, key=lambda level: level.min_score)


def _collect(per_respondent: Sequence[Mapping[int, float | None]]) -> dict[int, list[float]]:
    collected: dict[int, list[float]] = {}
    for scores in per_respondent:
        for question_id, score in scores.items():
            bucket = collected.setdefault(question_id, [])
            if score is not None:
                bucket.append(score)
    return dict(sorted(collected.items()))


def consolidate(per_respondent: Sequence[Mapping[int, float | None]]) -> dict[int, float | None]:
    """Organisation view of a collective diagnostic: per question, the mean of scored answers.

    The mean rather than the median: each respondent counts equally, and a mean moves smoothly as
    answers come in, where a median jumps from one answer to another with few respondents.
    Respondents who did not score a question (unknown, unanswered, hidden) are left out of it;
    a question nobody scored gives None. Every question id seen in any mapping is in the result.
    """
    return {
        question_id: (math.fsum(scores) / len(scores) if scores else None)
        for question_id, scores in _collect(per_respondent).items()
    }


def divergence(
    per_respondent: Sequence[Mapping[int, float | None]], *, min_respondents: int = 2
) -> list[tuple[int, float]]:
    """Questions where respondents disagree, as (question id, max - min of their scores).

    Only questions scored by at least `min_respondents` people and with a spread above 0,
    sorted by spread (largest first), then question id.
    """
    spreads = [
        (question_id, max(scores) - min(scores))
        for question_id, scores in _collect(per_respondent).items()
        if len(scores) >= max(min_respondents, 1) and max(scores) > min(scores)
    ]
    return sorted(spreads, key=lambda item: (-item[1], item[0]))


def strengths_and_priorities(
    dimension_scores: Mapping[str, float | None], n: int = 3
) -> tuple[list[str], list[str]]:
    """The n best dimension codes (best first) and the n weakest (weakest first).

    Dimensions without a score are ignored; equal scores are ordered by code. With k scored
    dimensions, each list holds at most k // 2 codes (strengths from the top half, priorities
    from the bottom half), so the two lists never share a code and, with an odd k, the middle
    dimension is in neither. With a single scored dimension both lists are empty: "best" and
    "weakest" mean nothing without something to compare with.
    """
    if n < 0:
        raise ValueError("n must not be negative.")
    scored = [(code, score) for code, score in dimension_scores.items() if score is not None]
    count = min(n, len(scored) // 2)
    by_best = sorted(scored, key=lambda item: (-item[1], item[0]))
    strengths = [code for code, _ in by_best[:count]]
    # Priorities are chosen among the rest, so equal scores cannot put a code in both lists.
    rest = sorted(
        (item for item in scored if item[0] not in strengths), key=lambda item: (item[1], item[0])
    )
    priorities = [code for code, _ in rest[:count]]
    return strengths, priorities


def median(values: Sequence[float]) -> float | None:
    """The median (mean of the two middle values for an even count); None when empty."""
    ordered = sorted(values)
    count = len(ordered)
    if count == 0:
        return None
    middle = count // 2
    if count % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2
