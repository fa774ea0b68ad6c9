"""Roadmap rules as data (fixtures/roadmap.yaml): the pure rules engine (the file's format and
its validation: maturity.roadmap_rules_format).

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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from maturity import hooks, results
from maturity import typology as typology_module

# The file's format and its validation (maturity.roadmap_rules_format); callers use these names
# here, and the views the labels of the codes.
from maturity.roadmap_rules_format import COSTS as COSTS
from maturity.roadmap_rules_format import EFFORTS as EFFORTS
from maturity.roadmap_rules_format import HORIZONS as HORIZONS
from maturity.roadmap_rules_format import LOCAL_HELP as LOCAL_HELP
from maturity.roadmap_rules_format import clean as clean
from maturity.roadmap_rules_format import load as load
from maturity.scoring import display_score

DIFFICULTY_LABELS = {
    "techniques": gettext_noop("techniques"),
    "financieres": gettext_noop("financières"),
    "humaines": gettext_noop("humaines"),
    "strategiques": gettext_noop("stratégiques"),
}
PRIORITY_LABELS = {1: "Priorité haute", 2: "Priorité moyenne", 3: "Priorité basse"}
PRIORITY_FACTORS = {1: 1.0, 2: 0.75, 3: 0.5}
FIXED_GAP = 0.5  # inventory findings and training needs: a need, without a measure of it


class RulesFileError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


# --- Validation: maturity.roadmap_rules_format ------------------------------------------------


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


def catalogue_from_questionnaire(data: dict[str, Any]) -> Catalogue:
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
    data: dict[str, Any],
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
    # Usages done on paper are an answer: the inventory was filled, with nothing to count.
    if not inventory.get("tools_count") and not inventory.get("without_tool"):
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
    mean = tally.mean
    if mean is None or info.multiple:
        return None
    scored = [(code, score) for code, (_label, score) in info.choices.items() if score is not None]
    if not scored:
        return None
    return min(scored, key=lambda item: (abs(item[1] - mean), item[1]))[0]


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
    if nearest is not None and tally.mean is not None:  # a nearest choice implies a mean
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
    parts: list[str] = []
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


def _fires(trigger: dict[str, Any], facts: Facts, catalogue: Catalogue) -> tuple[float, str] | None:
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
    rules: dict[str, Any],
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
    rules: dict[str, Any],
    *,
    limit: int | None = None,
    committed: Iterable[str] = (),
) -> list[Proposal]:
    """The priorities (at most `limit`, prerequisites first), then the rest, flagged `later`."""
    by_code = {a["code"]: a for a in rules["actions"]}
    present = {p.code: p for p in proposals}
    committed = set(committed)

    def key(p: Proposal) -> tuple[bool, bool, float, str]:
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
