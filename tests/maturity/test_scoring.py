import math
from dataclasses import dataclass, replace

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from maturity.scoring import (
    AnswerValue,
    ChoiceSpec,
    DimensionSpec,
    LevelSpec,
    QuestionSpec,
    consolidate,
    dimension_scores,
    divergence,
    is_shown,
    is_visible,
    level_for,
    median,
    overall_score,
    question_score,
    question_scores,
    strengths_and_priorities,
)

# --- Helpers -------------------------------------------------------------------------------------


def single(qid: int, dimension: str = "gouv", *scores: int | None, weight: int = 1, **kw):
    choices = tuple(ChoiceSpec(id=qid * 10 + i, score=s) for i, s in enumerate(scores or (0, 50)))
    return QuestionSpec(
        id=qid, dimension=dimension, kind="single", weight=weight, choices=choices, **kw
    )


def chose(*choice_ids: int) -> AnswerValue:
    return AnswerValue(choice_ids=frozenset(choice_ids))


UNKNOWN = AnswerValue(unknown=True)

TOOLS = QuestionSpec(
    id=1,
    dimension="outils",
    kind="multiple",
    choices=(
        ChoiceSpec(id=11, score=30),
        ChoiceSpec(id=12, score=40),
        ChoiceSpec(id=13, score=50),
        ChoiceSpec(id=14, score=None),  # "Autre", not scored
        ChoiceSpec(id=15, score=0, exclusive=True),  # "Aucun de ces outils"
    ),
)

LEVELS = (
    LevelSpec(code="debut", label="Débutant", min_score=0),
    LevelSpec(code="inter", label="Intermédiaire", min_score=40),
    LevelSpec(code="avance", label="Avancé", min_score=75),
)


def evaluate(questions, dimensions, answers):
    per_question = question_scores(questions, answers)
    per_dimension = dimension_scores(questions, per_question, dimensions)
    return per_question, per_dimension, overall_score(per_dimension, dimensions)


# --- question_score ------------------------------------------------------------------------------


def test_single_choice_gives_the_chosen_choice_score_as_a_float():
    question = single(1, "gouv", 0, 60, 100)
    assert question_score(question, chose(11)) == 60.0
    assert isinstance(question_score(question, chose(11)), float)


def test_scale_question_gives_the_chosen_step_score():
    question = QuestionSpec(
        id=2,
        dimension="gouv",
        kind="scale",
        choices=tuple(ChoiceSpec(id=20 + i, score=25 * i) for i in range(5)),
    )
    assert question_score(question, chose(23)) == 75.0


def test_multiple_choice_sums_the_chosen_scores():
    assert question_score(TOOLS, chose(11, 12)) == 70.0


def test_multiple_choice_sum_is_capped_at_100():
    assert question_score(TOOLS, chose(11, 12, 13)) == 100.0


def test_exclusive_none_of_these_alone_gives_its_score():
    assert question_score(TOOLS, chose(15)) == 0.0


def test_unscored_choices_add_nothing_but_do_not_cancel_scored_ones():
    assert question_score(TOOLS, chose(11, 14)) == 30.0


def test_only_unscored_choices_give_no_score():
    assert question_score(TOOLS, chose(14)) is None


def test_unanswered_unknown_and_empty_answers_give_no_score():
    question = single(1, "gouv", 0, 60)
    assert question_score(question, None) is None
    assert question_score(question, UNKNOWN) is None
    assert question_score(question, AnswerValue()) is None


def test_je_ne_sais_pas_wins_over_choices_sent_with_it():
    assert (
        question_score(single(1, "gouv", 0, 60), AnswerValue(frozenset({11}), unknown=True)) is None
    )


def test_text_questions_are_never_scored():
    question = QuestionSpec(id=3, dimension="gouv", kind="text")
    assert question_score(question, chose(30)) is None


def test_choice_ids_of_another_question_are_ignored():
    question = single(1, "gouv", 0, 60)
    assert question_score(question, chose(11, 999)) == 60.0
    assert question_score(question, chose(999)) is None
    assert question_score(TOOLS, chose(11, 21)) == 30.0


def test_a_single_question_answered_with_two_choices_is_not_scored():
    assert question_score(single(1, "gouv", 0, 60), chose(10, 11)) is None
    # A scale is one choice too: two are not summed as a multiple question's would be.
    scale = QuestionSpec(
        id=2, dimension="gouv", kind="scale", choices=(ChoiceSpec(20, 0), ChoiceSpec(21, 40))
    )
    assert question_score(scale, chose(21)) == 40.0
    assert question_score(scale, chose(20, 21)) is None


def test_specs_reject_impossible_values():
    # Each message names what is wrong: a questionnaire file's author reads it.
    with pytest.raises(ValueError, match=r"^Choice 1: score 101 is outside 0\.\.100\.$"):
        ChoiceSpec(id=1, score=101)
    with pytest.raises(ValueError, match=r"^Choice 1: score -1 is outside 0\.\.100\.$"):
        ChoiceSpec(id=1, score=-1)
    with pytest.raises(ValueError, match=r"^Question 1: unknown kind 'ranking'\.$"):
        QuestionSpec(id=1, dimension="gouv", kind="ranking")
    with pytest.raises(ValueError, match=r"^Question 1: weight must be at least 1\.$"):
        QuestionSpec(id=1, dimension="gouv", kind="single", weight=0)
    with pytest.raises(ValueError, match=r"^Dimension gouv: weight must be at least 1\.$"):
        DimensionSpec(code="gouv", weight=0)


# --- Visibility ----------------------------------------------------------------------------------

PARENT = single(1, "gouv", 0, 50, 100)  # choices 10, 11, 12
CHILD = single(2, "gouv", 0, 100, show_if=(1, frozenset({11, 12})))
GRANDCHILD = single(3, "gouv", 0, 100, show_if=(2, frozenset({21})))


def test_question_without_condition_is_visible():
    assert is_visible(PARENT, {})


def test_follow_up_question_is_visible_only_when_a_triggering_choice_is_chosen():
    assert is_visible(CHILD, {1: chose(12)})
    assert not is_visible(CHILD, {1: chose(10)})
    assert not is_visible(CHILD, {})


def test_je_ne_sais_pas_on_the_parent_does_not_reveal_the_follow_up():
    assert not is_visible(CHILD, {1: UNKNOWN})
    # Even if the form also sent a triggering choice with it.
    assert not is_visible(CHILD, {1: AnswerValue(frozenset({12}), unknown=True)})


def test_hidden_questions_score_none_even_with_a_stale_answer():
    scores = question_scores([PARENT, CHILD], {1: chose(10), 2: chose(21)})
    assert scores == {1: 0.0, 2: None}


def test_follow_up_of_a_hidden_question_is_hidden_too():
    # The person first chose 11 (revealing 2, then 3) and later changed 1 to choice 10.
    answers = {1: chose(10), 2: chose(21), 3: chose(31)}
    assert is_visible(GRANDCHILD, answers)  # its own condition holds...
    assert question_scores([PARENT, CHILD, GRANDCHILD], answers)[3] is None  # ...not its parent's
    answers[1] = chose(11)
    assert question_scores([PARENT, CHILD, GRANDCHILD], answers) == {1: 50.0, 2: 100.0, 3: 100.0}


def test_is_shown_follows_the_whole_chain_of_conditions():
    by_id = {q.id: q for q in (PARENT, CHILD, GRANDCHILD)}
    answers = {1: chose(10), 2: chose(21), 3: chose(31)}
    assert not is_shown(GRANDCHILD, by_id, answers)
    answers[1] = chose(11)
    assert is_shown(GRANDCHILD, by_id, answers)


def test_a_cycle_of_conditions_hides_the_questions_instead_of_looping():
    first = single(1, "gouv", 0, 100, show_if=(2, frozenset({21})))
    second = single(2, "gouv", 0, 100, show_if=(1, frozenset({11})))
    assert question_scores([first, second], {1: chose(11), 2: chose(21)}) == {1: None, 2: None}


# --- Dimensions and overall ----------------------------------------------------------------------


def test_dimension_score_is_the_weighted_mean_of_its_questions():
    questions = [single(1, "gouv", 0, 90, weight=2), single(2, "gouv", 0, 30)]
    scores = question_scores(questions, {1: chose(11), 2: chose(21)})
    assert dimension_scores(questions, scores, [DimensionSpec("gouv")]) == {"gouv": 70.0}


def test_je_ne_sais_pas_is_left_out_of_the_denominator():
    questions = [single(1, "gouv", 0, 80), single(2, "gouv", 0, 80)]
    scores = question_scores(questions, {1: chose(11), 2: UNKNOWN})
    # 80 / 1, not (80 + 0) / 2: not knowing is not the same as scoring zero.
    assert dimension_scores(questions, scores, [DimensionSpec("gouv")]) == {"gouv": 80.0}


def test_unanswered_and_je_ne_sais_pas_count_the_same():
    questions = [single(1, "gouv", 0, 80), single(2, "gouv", 0, 20)]
    dimensions = [DimensionSpec("gouv")]
    with_unknown = question_scores(questions, {1: chose(11), 2: UNKNOWN})
    unanswered = question_scores(questions, {1: chose(11)})
    assert dimension_scores(questions, with_unknown, dimensions) == dimension_scores(
        questions, unanswered, dimensions
    )


def test_an_answered_zero_does_count():
    questions = [single(1, "gouv", 0, 80), single(2, "gouv", 0, 80)]
    scores = question_scores(questions, {1: chose(11), 2: chose(20)})
    assert dimension_scores(questions, scores, [DimensionSpec("gouv")]) == {"gouv": 40.0}


def test_dimension_without_any_scored_question_has_no_score():
    questions = [single(1, "gouv"), single(2, "outils")]
    scores = question_scores(questions, {1: chose(11), 2: UNKNOWN})
    dimensions = [DimensionSpec("gouv"), DimensionSpec("outils"), DimensionSpec("vide")]
    assert dimension_scores(questions, scores, dimensions) == {
        "gouv": 50.0,
        "outils": None,
        "vide": None,
    }


def test_questions_of_an_unlisted_dimension_are_ignored():
    questions = [single(1, "gouv", 0, 100), single(2, "ancienne", 0, 0)]
    scores = question_scores(questions, {1: chose(11), 2: chose(20)})
    assert dimension_scores(questions, scores, [DimensionSpec("gouv")]) == {"gouv": 100.0}


def test_overall_score_is_the_weighted_mean_of_scored_dimensions():
    dimensions = [DimensionSpec("gouv", weight=3), DimensionSpec("outils"), DimensionSpec("rh")]
    assert overall_score({"gouv": 80.0, "outils": 40.0, "rh": None}, dimensions) == 70.0


def test_overall_score_is_none_when_no_dimension_is_scored():
    assert overall_score({"gouv": None}, [DimensionSpec("gouv")]) is None
    assert overall_score({}, [DimensionSpec("gouv")]) is None


# --- Levels --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "code"),
    [
        (0.0, "debut"),
        (39.99, "debut"),
        (40.0, "inter"),
        (74.9, "inter"),
        (75.0, "avance"),
        (100.0, "avance"),
    ],
)
def test_level_is_the_highest_one_reached(score, code):
    assert level_for(score, LEVELS).code == code


def test_no_score_has_no_level():
    assert level_for(None, LEVELS) is None


def test_level_does_not_depend_on_the_order_levels_are_given_in():
    assert level_for(80.0, tuple(reversed(LEVELS))).code == "avance"


def test_a_mean_landing_a_hair_below_a_boundary_still_reaches_it():
    # Exactly (6/7 * 1 + 698/7 * 3) / 4 = 75 on paper, a hair below in floating point.
    dimensions = [DimensionSpec("a", weight=1), DimensionSpec("b", weight=3)]
    exactly_75 = overall_score({"a": 6 / 7, "b": 698 / 7}, dimensions)
    assert 74.9999 < exactly_75 < 75
    assert level_for(exactly_75, LEVELS).code == "avance"
    assert level_for(75 - 1e-6, LEVELS).code == "inter"


# --- Collective diagnostics ----------------------------------------------------------------------


def test_consolidation_is_the_mean_of_the_respondents_who_scored_the_question():
    alice = {1: 100.0, 2: None, 3: 20.0}
    bob = {1: 20.0, 2: None, 3: None}
    chloe = {1: 0.0, 3: 40.0}
    # The mean (40), not the median (20): every respondent weighs the same.
    assert consolidate([alice, bob, chloe]) == {1: 40.0, 2: None, 3: 30.0}


def test_consolidation_of_nobody_is_empty():
    assert consolidate([]) == {}


def test_divergence_lists_disagreements_largest_first_then_by_question():
    alice = {1: 100.0, 2: 50.0, 3: 20.0, 4: 60.0}
    bob = {1: 0.0, 2: 50.0, 3: 80.0, 4: None}
    chloe = {1: 50.0, 2: 50.0, 3: None, 4: 0.0}
    assert divergence([alice, bob, chloe]) == [(1, 100.0), (3, 60.0), (4, 60.0)]


def test_divergence_needs_enough_respondents_per_question():
    alice = {1: 100.0, 2: 0.0}
    bob = {1: 0.0, 2: None}
    chloe = {1: 50.0, 2: 100.0}
    assert divergence([alice, bob, chloe], min_respondents=3) == [(1, 100.0)]
    assert divergence([alice, bob], min_respondents=2) == [(1, 100.0)]


# --- Strengths and priorities --------------------------------------------------------------------


def test_strengths_are_best_first_and_priorities_weakest_first():
    scores = {"a": 10.0, "b": 90.0, "c": 50.0, "d": 70.0, "e": 30.0, "f": 60.0, "g": 20.0}
    assert strengths_and_priorities(scores) == (["b", "d", "f"], ["a", "g", "e"])


def test_strengths_and_priorities_ignore_unscored_dimensions_and_respect_n():
    scores = {"a": 10.0, "b": 90.0, "c": None, "d": 70.0, "e": 30.0}
    assert strengths_and_priorities(scores, n=1) == (["b"], ["a"])


def test_strengths_and_priorities_name_three_of_each_by_default_and_refuse_a_negative_n():
    scores = {code: float(10 * i) for i, code in enumerate("abcdefgh")}
    assert strengths_and_priorities(scores) == (["h", "g", "f"], ["a", "b", "c"])
    with pytest.raises(ValueError, match=r"^n must not be negative\.$"):
        strengths_and_priorities(scores, n=-1)


def test_with_few_dimensions_each_list_takes_at_most_half_and_the_middle_one_is_in_neither():
    assert strengths_and_priorities({"a": 10.0, "b": 90.0, "c": 50.0}) == (["b"], ["a"])
    assert strengths_and_priorities({"a": 10.0, "b": 90.0, "c": 50.0, "d": 60.0}) == (
        ["b", "d"],
        ["a", "c"],
    )
    assert strengths_and_priorities({"a": 10.0}) == ([], [])


def test_equal_scores_are_ordered_by_code_and_never_land_in_both_lists():
    assert strengths_and_priorities({"b": 50.0, "a": 50.0}) == (["a"], ["b"])
    strengths, priorities = strengths_and_priorities(dict.fromkeys("fedcba", 40.0))
    assert (strengths, priorities) == (["a", "b", "c"], ["d", "e", "f"])


# --- Median --------------------------------------------------------------------------------------


def test_median_of_odd_and_even_counts_and_of_nothing():
    assert median([30, 10, 20]) == 20.0
    assert median([40, 10, 30, 20]) == 25.0
    assert median([]) is None


# --- Properties ----------------------------------------------------------------------------------

PROPERTY_SETTINGS = settings(deadline=None, max_examples=200)
EPSILON = 1e-9
SCORES = st.integers(min_value=0, max_value=100)


@dataclass(frozen=True)
class Scenario:
    dimensions: tuple[DimensionSpec, ...]
    questions: tuple[QuestionSpec, ...]
    answers: dict[int, AnswerValue]

    def evaluate(self, *, questions=None, dimensions=None, answers=None):
        return evaluate(
            self.questions if questions is None else questions,
            self.dimensions if dimensions is None else dimensions,
            self.answers if answers is None else answers,
        )

    def dimension_of(self, question: QuestionSpec) -> DimensionSpec:
        return next(d for d in self.dimensions if d.code == question.dimension)


@st.composite
def answer_to(draw, question: QuestionSpec) -> AnswerValue:
    if question.kind in ("single", "scale"):
        return chose(draw(st.sampled_from(question.choices)).id)
    exclusive = [c for c in question.choices if c.exclusive]
    if exclusive and draw(st.booleans()):
        return chose(exclusive[0].id)
    others = [c for c in question.choices if not c.exclusive]
    picked = draw(st.lists(st.sampled_from(others), min_size=1, unique=True))
    return chose(*(c.id for c in picked))


@st.composite
def scenarios(draw, *, conditions: bool = False, unscored: bool = False) -> Scenario:
    """A random questionnaire (1-5 dimensions, 1-6 questions each) and random answers."""
    dimensions = tuple(
        DimensionSpec(code=f"d{i}", weight=draw(st.integers(1, 3)))
        for i in range(draw(st.integers(1, 5)))
    )
    choice_score = st.one_of(SCORES, st.none()) if unscored else SCORES
    questions: list[QuestionSpec] = []
    for dimension in dimensions:
        for _ in range(draw(st.integers(1, 6))):
            qid = len(questions) + 1
            kind = draw(st.sampled_from(["single", "multiple", "scale"]))
            scores = draw(st.lists(choice_score, min_size=2, max_size=5))
            choices = [ChoiceSpec(id=qid * 100 + i, score=s) for i, s in enumerate(scores)]
            if kind == "multiple" and draw(st.booleans()):
                choices.append(ChoiceSpec(id=qid * 100 + 99, score=0, exclusive=True))
            show_if = None
            if conditions and questions and draw(st.booleans()):
                parent = draw(st.sampled_from(questions))
                triggers = draw(
                    st.sets(st.sampled_from([c.id for c in parent.choices]), min_size=1)
                )
                show_if = (parent.id, frozenset(triggers))
            questions.append(
                QuestionSpec(
                    id=qid,
                    dimension=dimension.code,
                    kind=kind,
                    weight=draw(st.integers(1, 3)),
                    choices=tuple(choices),
                    show_if=show_if,
                )
            )
    answers = {}
    for question in questions:
        mode = draw(st.sampled_from(["missing", "unknown", "answered"]))
        if mode == "unknown":
            answers[question.id] = UNKNOWN
        elif mode == "answered":
            answers[question.id] = draw(answer_to(question))
    return Scenario(dimensions=dimensions, questions=tuple(questions), answers=answers)


def replace_question(questions, new: QuestionSpec) -> tuple[QuestionSpec, ...]:
    return tuple(new if q.id == new.id else q for q in questions)


def assert_not_lower(before: float | None, after: float | None) -> None:
    assert (before is None) == (after is None)
    if before is not None:
        assert after >= before - EPSILON


def assert_same(left: dict, right: dict) -> None:
    assert left.keys() == right.keys()
    for key, value in left.items():
        if value is None or right[key] is None:
            assert value is right[key], key
        else:
            assert math.isclose(value, right[key], rel_tol=1e-12, abs_tol=1e-12), key


@PROPERTY_SETTINGS
@given(scenarios(conditions=True, unscored=True))
def test_every_score_is_between_0_and_100_or_none(scenario):
    per_question, per_dimension, overall = scenario.evaluate()
    for score in [*per_question.values(), *per_dimension.values(), overall]:
        assert score is None or 0 <= score <= 100
    assert set(per_dimension) == {d.code for d in scenario.dimensions}
    # Unknown and missing answers are never scored, whatever the questionnaire.
    for question in scenario.questions:
        answer = scenario.answers.get(question.id)
        if answer is None or answer.unknown:
            assert per_question[question.id] is None


@PROPERTY_SETTINGS
@given(scenarios())
def test_dimension_score_stays_between_its_lowest_and_highest_question(scenario):
    per_question, per_dimension, _ = scenario.evaluate()
    for dimension in scenario.dimensions:
        scored = [
            per_question[q.id]
            for q in scenario.questions
            if q.dimension == dimension.code and per_question[q.id] is not None
        ]
        if scored:
            assert min(scored) - EPSILON <= per_dimension[dimension.code] <= max(scored) + EPSILON
        else:
            assert per_dimension[dimension.code] is None


@PROPERTY_SETTINGS
@given(scenarios(), st.data())
def test_raising_a_choice_score_never_lowers_its_dimension_or_the_overall_score(scenario, data):
    question = data.draw(st.sampled_from(scenario.questions))
    index = data.draw(st.integers(0, len(question.choices) - 1))
    choice = question.choices[index]
    raised = replace(choice, score=data.draw(st.integers(choice.score, 100)))
    choices = (*question.choices[:index], raised, *question.choices[index + 1 :])
    questions = replace_question(scenario.questions, replace(question, choices=choices))

    _, dims_before, overall_before = scenario.evaluate()
    _, dims_after, overall_after = scenario.evaluate(questions=questions)
    assert_not_lower(dims_before[question.dimension], dims_after[question.dimension])
    assert_not_lower(overall_before, overall_after)


@PROPERTY_SETTINGS
@given(scenarios(), st.data())
def test_choosing_a_higher_scored_single_choice_never_lowers_the_scores(scenario, data):
    candidates = [q for q in scenario.questions if q.kind in ("single", "scale")]
    assume(candidates)
    question = data.draw(st.sampled_from(candidates))
    low, high = sorted(
        data.draw(st.lists(st.sampled_from(question.choices), min_size=2, max_size=2)),
        key=lambda c: c.score,
    )
    before = scenario.evaluate(answers={**scenario.answers, question.id: chose(low.id)})
    after = scenario.evaluate(answers={**scenario.answers, question.id: chose(high.id)})
    assert after[0][question.id] - before[0][question.id] == high.score - low.score
    assert_not_lower(before[1][question.dimension], after[1][question.dimension])
    assert_not_lower(before[2], after[2])


@PROPERTY_SETTINGS
@given(scenarios(), st.data())
def test_adding_a_positively_scored_choice_to_a_multiple_answer_never_lowers_the_scores(
    scenario, data
):
    candidates = [q for q in scenario.questions if q.kind == "multiple"]
    assume(candidates)
    question = data.draw(st.sampled_from(candidates))
    others = [c for c in question.choices if not c.exclusive]
    picked = data.draw(st.lists(st.sampled_from(others), min_size=1, unique=True))
    additions = [c for c in others if c not in picked and c.score > 0]
    assume(additions)
    added = data.draw(st.sampled_from(additions))
    ids = [c.id for c in picked]
    before = scenario.evaluate(answers={**scenario.answers, question.id: chose(*ids)})
    after = scenario.evaluate(answers={**scenario.answers, question.id: chose(*ids, added.id)})
    assert after[0][question.id] == min(100, before[0][question.id] + added.score)
    assert_not_lower(before[1][question.dimension], after[1][question.dimension])
    assert_not_lower(before[2], after[2])


@PROPERTY_SETTINGS
@given(scenarios(), st.data())
def test_je_ne_sais_pas_gives_the_same_scores_as_leaving_the_question_unanswered(scenario, data):
    question = data.draw(st.sampled_from(scenario.questions))
    answer = data.draw(answer_to(question))
    unknown = {**scenario.answers, question.id: replace(answer, unknown=True)}
    unanswered = {k: v for k, v in scenario.answers.items() if k != question.id}
    _, dims_unknown, overall_unknown = scenario.evaluate(answers=unknown)
    _, dims_unanswered, overall_unanswered = scenario.evaluate(answers=unanswered)
    assert dims_unknown == dims_unanswered
    assert overall_unknown == overall_unanswered


@PROPERTY_SETTINGS
@given(scenarios(), st.data())
def test_doubling_every_question_weight_of_a_dimension_leaves_scores_unchanged(scenario, data):
    dimension = data.draw(st.sampled_from(scenario.dimensions))
    doubled = tuple(
        replace(q, weight=q.weight * 2) if q.dimension == dimension.code else q
        for q in scenario.questions
    )
    _, dims_before, overall_before = scenario.evaluate()
    _, dims_after, overall_after = scenario.evaluate(questions=doubled)
    assert_same(dims_before, dims_after)
    assert_same({"overall": overall_before}, {"overall": overall_after})


@PROPERTY_SETTINGS
@given(scenarios())
def test_doubling_every_dimension_weight_leaves_the_overall_score_unchanged(scenario):
    doubled = tuple(replace(d, weight=d.weight * 2) for d in scenario.dimensions)
    _, _, overall_before = scenario.evaluate()
    _, _, overall_after = scenario.evaluate(dimensions=doubled)
    assert_same({"overall": overall_before}, {"overall": overall_after})


@PROPERTY_SETTINGS
@given(scenarios(), st.data())
def test_a_question_of_weight_w_counts_as_w_copies_of_itself(scenario, data):
    question = data.draw(st.sampled_from(scenario.questions))
    weight = data.draw(st.integers(2, 4))
    weighted = replace_question(scenario.questions, replace(question, weight=weight))
    # The copies get fresh ids but the same choices and the same answer.
    copies = tuple(replace(question, id=10_000 + i, weight=1) for i in range(weight))
    copied = tuple(q for q in scenario.questions if q.id != question.id) + copies
    copied_answers = dict(scenario.answers)
    if question.id in scenario.answers:
        copied_answers.update({c.id: scenario.answers[question.id] for c in copies})
    _, dims_weighted, overall_weighted = scenario.evaluate(questions=weighted)
    _, dims_copied, overall_copied = scenario.evaluate(questions=copied, answers=copied_answers)
    assert_same(dims_weighted, dims_copied)
    assert_same({"overall": overall_weighted}, {"overall": overall_copied})


@st.composite
def level_scales(draw) -> tuple[LevelSpec, ...]:
    thresholds = draw(st.sets(st.integers(1, 100), max_size=6))
    return tuple(
        LevelSpec(code=f"l{i}", label=f"Niveau {i}", min_score=m)
        for i, m in enumerate([0, *sorted(thresholds)])
    )


@PROPERTY_SETTINGS
@given(
    level_scales(),
    st.floats(0, 100, allow_nan=False),
    st.floats(0, 100, allow_nan=False),
)
def test_level_for_is_monotonic(levels, score_a, score_b):
    low, high = sorted([score_a, score_b])
    level_low, level_high = level_for(low, levels), level_for(high, levels)
    assert levels.index(level_low) <= levels.index(level_high)
    assert level_low.min_score <= low + EPSILON
    # No higher level was reachable: it would have been chosen.
    following = levels[levels.index(level_high) + 1 :]
    assert all(level.min_score > high for level in following)


RESPONDENT = st.dictionaries(
    st.integers(1, 40), st.one_of(st.none(), st.floats(0, 100, allow_nan=False)), max_size=20
)


@PROPERTY_SETTINGS
@given(RESPONDENT)
def test_consolidation_of_a_single_respondent_is_that_respondent(respondent):
    assert consolidate([respondent]) == respondent


@PROPERTY_SETTINGS
@given(st.lists(RESPONDENT, min_size=1, max_size=6))
def test_consolidated_score_lies_between_the_respondents_extremes(respondents):
    for question_id, score in consolidate(respondents).items():
        given_scores = [r[question_id] for r in respondents if r.get(question_id) is not None]
        if given_scores:
            assert min(given_scores) - EPSILON <= score <= max(given_scores) + EPSILON
        else:
            assert score is None


@PROPERTY_SETTINGS
@given(RESPONDENT, st.integers(1, 6))
def test_divergence_is_empty_when_everyone_agrees(respondent, count):
    assert divergence([dict(respondent) for _ in range(count)]) == []


@PROPERTY_SETTINGS
@given(st.lists(RESPONDENT, min_size=2, max_size=6))
def test_divergence_reports_exactly_the_spread_of_each_disputed_question(respondents):
    reported = divergence(respondents)
    assert reported == sorted(reported, key=lambda item: (-item[1], item[0]))
    for question_id, spread in reported:
        given_scores = [r[question_id] for r in respondents if r.get(question_id) is not None]
        assert len(given_scores) >= 2
        assert spread == max(given_scores) - min(given_scores) > 0


@PROPERTY_SETTINGS
@given(
    st.dictionaries(st.sampled_from("abcdefghij"), st.one_of(st.none(), SCORES.map(float))),
    st.integers(0, 5),
)
def test_strengths_and_priorities_are_disjoint_ordered_and_at_most_half(scores, n):
    strengths, priorities = strengths_and_priorities(scores, n)
    scored = {code: s for code, s in scores.items() if s is not None}
    assert len(strengths) == len(priorities) == min(n, len(scored) // 2)
    assert not set(strengths) & set(priorities)
    assert [scored[c] for c in strengths] == sorted((scored[c] for c in strengths), reverse=True)
    assert [scored[c] for c in priorities] == sorted(scored[c] for c in priorities)
    if strengths:
        assert scored[strengths[0]] == max(scored.values())
        assert scored[priorities[0]] == min(scored.values())
        assert min(scored[c] for c in strengths) >= max(scored[c] for c in priorities)
