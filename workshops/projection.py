"""What the room sees: participation, then per dimension the room's level and how the answers
split, the by-group view, and the questions the room disagrees on most.

Read with two grouped queries (participation; answers counted by group, organisation,
question and answer given), whatever the number of participants, and
kept a couple of seconds in the cache: every projection screen polling the same workshop
shares one computation. Per-question means come from the counts, as maturity.results
consolidates (mean of the scored answers, "Je ne sais pas" left out); a follow-up question's
answer left over after its parent answer changed is counted here, not on the results page,
which stays the reference.

Privacy (the results' rule, maturity.results.MIN_SKILLS_RESPONDENTS): a question's figures
appear only with at least 3 answers; in an event, only with answers from at least 5
organisations too (MIN_COMPARISON_GROUP), and never one organisation's figures. By group,
a group with fewer answers is merged with the other small groups into "Autres groupes"; if
even the merge is too small, the smallest groups shown join it until it is large enough (or,
when none is left, the question is left out of every group's figures): no small group can be
worked out by subtracting the groups shown from the room.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from maturity import results, scoring
from maturity.models import Answer
from maturity.structure import Structure, structure_for
from workshops.models import Participant, Workshop

MIN_ANSWERS = results.MIN_SKILLS_RESPONDENTS
MIN_ORGANISATIONS = results.MIN_COMPARISON_GROUP
CACHE_SECONDS = 2
DIVERGENCE_LIMIT = 8
OTHERS = -1  # the merged small groups


@dataclass
class Bucket:
    """The answers to one question from some of the room."""

    count: int = 0
    unknown: int = 0
    choices: dict[int, int] = field(default_factory=dict)
    scored: list[tuple[float, int]] = field(default_factory=list)
    organisations: set[int] = field(default_factory=set)

    def add(self, other: "Bucket") -> None:
        self.count += other.count
        self.unknown += other.unknown
        for choice_id, n in other.choices.items():
            self.choices[choice_id] = self.choices.get(choice_id, 0) + n
        self.scored.extend(other.scored)
        self.organisations |= other.organisations

    @property
    def scored_count(self) -> int:
        return sum(n for _score, n in self.scored)

    @property
    def mean(self) -> float | None:
        total = self.scored_count
        if not total:
            return None
        return math.fsum(score * n for score, n in self.scored) / total

    @property
    def spread(self) -> float | None:
        """Standard deviation of the scored answers (0 to 50 points): in a room of dozens,
        the widest gap (max - min) is nearly always 100 and ranks nothing."""
        mean, total = self.mean, self.scored_count
        if mean is None:
            return None
        return math.sqrt(math.fsum(n * (score - mean) ** 2 for score, n in self.scored) / total)


def enough(bucket: Bucket, *, event: bool) -> bool:
    return bucket.count >= MIN_ANSWERS and (
        not event or len(bucket.organisations) >= MIN_ORGANISATIONS
    )


def _level_label(structure: Structure, score: float | None) -> str:
    level = scoring.level_for(score, structure.levels)
    return level.label if level else ""


def _round(value: float | None) -> int | None:
    return scoring.display_score(value)  # as the diagnostic’s own results show scores


def _split(question, bucket: Bucket) -> list[dict]:
    return [
        {
            "label": choice.label,
            "count": bucket.choices.get(choice.id, 0),
            "percent": round(100 * bucket.choices.get(choice.id, 0) / bucket.count),
        }
        for choice in question.choices
    ]


def _dimension_score(structure, section, means: dict[int, float | None]) -> float | None:
    specs = [s for s in structure.dimension_question_specs if s.dimension == section.code]
    return scoring.dimension_scores(
        specs, means, [scoring.DimensionSpec(section.code, section.weight)]
    )[section.code]


def read(workshop: Workshop, structure: Structure):
    """The two grouped reads: participation (joined, and answered at least once, by group and
    organisation) and the answers counted by group, organisation, question and answer."""
    question_ids = [q.id for d in structure.dimensions for q in d.questions]
    answered = Exists(Answer.objects.filter(respondent=OuterRef("respondent_id")))
    participation = list(
        Participant.objects.filter(workshop=workshop)
        .values_list("group", "organisation_id")
        .annotate(joined=Count("pk"), answered=Count("pk", filter=Q(answered)))
        .order_by()
    )
    rows = list(
        Answer.objects.filter(
            respondent__workshop_participant__workshop=workshop, question_id__in=question_ids
        )
        .values_list(
            "respondent__workshop_participant__group",
            "respondent__workshop_participant__organisation_id",
            "question_id",
            "choice_ids",
            "unknown",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    return participation, rows


def _buckets(rows, structure: Structure) -> dict[int, dict[int, Bucket]]:
    """question id -> group -> bucket, from the grouped answer counts."""
    specs = {s.id: s for s in structure.dimension_question_specs}
    buckets: dict[int, dict[int, Bucket]] = defaultdict(lambda: defaultdict(Bucket))
    for group, organisation_id, question_id, choice_ids, unknown, n in rows:
        spec = specs.get(question_id)
        if spec is None:
            continue
        bucket = buckets[question_id][group]
        bucket.count += n
        bucket.organisations.add(organisation_id)
        if unknown:
            bucket.unknown += n
        for choice_id in choice_ids:
            bucket.choices[choice_id] = bucket.choices.get(choice_id, 0) + n
        score = scoring.question_score(
            spec, scoring.AnswerValue(frozenset(choice_ids), bool(unknown))
        )
        if score is not None:
            bucket.scored.append((score, n))
    return buckets


def _participation(workshop: Workshop, participation) -> tuple[list[dict], set, set]:
    """Joined and answered per group, and the organisations that joined and answered."""
    groups = [
        {"index": index, "label": label, "joined": 0, "answered": 0}
        for index, label in enumerate(workshop.groups)
    ]
    organisations_joined, organisations_answered = set(), set()
    for group, organisation_id, joined, answered in participation:
        if 0 <= group < len(groups):
            groups[group]["joined"] += joined
            groups[group]["answered"] += answered
        organisations_joined.add(organisation_id)
        if answered:
            organisations_answered.add(organisation_id)
    return groups, organisations_joined, organisations_answered


def _shown_groups(by_group: dict[int, Bucket], *, event: bool) -> dict[int, Bucket] | None:
    """The groups shown for one question: small groups merged into "Autres groupes"; a merge
    still too small takes in the smallest shown groups until it is not. None when even that is
    too small: the question is then left out of every group's figures."""
    big = {g: b for g, b in by_group.items() if enough(b, event=event)}
    small = [b for g, b in by_group.items() if b.count and not enough(b, event=event)]
    if small:
        merged = Bucket()
        for bucket in small:
            merged.add(bucket)
        while big and not enough(merged, event=event):
            smallest = min(big, key=lambda g: (big[g].count, g))
            merged.add(big.pop(smallest))
        if not enough(merged, event=event):
            return None
        big[OTHERS] = merged
    return big


def _dimension(
    structure: Structure,
    section,
    buckets: dict[int, dict[int, Bucket]],
    group_labels: dict[int, str],
    candidates: list,
    *,
    event: bool,
) -> dict:
    """One dimension's figures for the room and by group; its questions that may diverge are
    added to candidates."""
    room_means: dict[int, float | None] = {}
    group_means: dict[int, dict[int, float | None]] = defaultdict(dict)
    questions = []
    hidden_for_groups = False
    for question in section.questions:
        by_group = buckets.get(question.id, {})
        room = Bucket()
        for bucket in by_group.values():
            room.add(bucket)
        shown = enough(room, event=event)
        if shown:
            room_means[question.id] = room.mean
        questions.append(
            {
                "id": question.id,
                "text": question.text,
                "answers": room.count,
                "shown": shown,
                "unknown": room.unknown if shown else None,
                "choices": _split(question, room) if shown else [],
            }
        )
        if shown and room.spread is not None and room.scored_count >= MIN_ANSWERS:
            candidates.append((room.spread, question, section, room))
        shown_groups = _shown_groups(by_group, event=event)
        if shown_groups is None:
            hidden_for_groups = True
            continue
        for group, bucket in shown_groups.items():
            group_means[group][question.id] = bucket.mean
    score = _dimension_score(structure, section, room_means) if room_means else None
    groups = []
    for group in sorted(group_means, key=lambda g: (g == OTHERS, g)):
        group_score = _dimension_score(structure, section, group_means[group])
        if group_score is not None:
            groups.append(
                {
                    "label": group_labels.get(group, ""),
                    "score": _round(group_score),
                    "level": _level_label(structure, group_score),
                }
            )
    return {
        "code": section.code,
        "title": section.title,
        # Everyone is shown the main questions: the most answered one counts the
        # people who answered the dimension (follow-ups are fewer by nature).
        "people": max((q["answers"] for q in questions), default=0),
        "score": _round(score),
        "level": _level_label(structure, score),
        "shown": score is not None,
        "questions": questions,
        "groups": groups if len(groups) > 1 else [],
        "groups_partial": hidden_for_groups,
    }


def _divergences(candidates: list) -> list[dict]:
    """The questions the room disagrees on most, widest spread first."""
    candidates.sort(key=lambda item: (-item[0], item[1].id))
    return [
        {
            "id": question.id,
            "text": question.text,
            "dimension": section.title,
            "spread": round(spread),
            "answers": room.count,
            "choices": _split(question, room),
        }
        for spread, question, section, room in candidates[:DIVERGENCE_LIMIT]
        if spread > 0
    ]


def compute(workshop: Workshop) -> dict:
    structure = structure_for(workshop.questionnaire)
    event = workshop.is_event
    participation, rows = read(workshop, structure)
    buckets = _buckets(rows, structure)
    groups, organisations_joined, organisations_answered = _participation(workshop, participation)
    group_labels = {g["index"]: g["label"] for g in groups}
    group_labels[OTHERS] = _("Autres groupes")
    candidates: list = []
    dimensions = [
        _dimension(structure, section, buckets, group_labels, candidates, event=event)
        for section in structure.dimensions
    ]
    shown_scores = {d["code"]: d["score"] for d in dimensions if d["score"] is not None}
    overall = scoring.overall_score(shown_scores, structure.dimension_specs)
    return {
        "computed_at": timezone.now(),
        "event": event,
        "joined": sum(g["joined"] for g in groups),
        "answered": sum(g["answered"] for g in groups),
        "organisations_joined": len(organisations_joined),
        "organisations_answered": len(organisations_answered),
        "groups": groups,
        "dimensions": dimensions,
        "overall": _round(overall),
        "overall_level": _level_label(structure, overall),
        "divergences": _divergences(candidates),
        "min_answers": MIN_ANSWERS,
        "min_organisations": MIN_ORGANISATIONS,
    }


def cache_key(workshop_id: int) -> str:
    return f"workshops:projection:{workshop_id}"


def cached(workshop: Workshop) -> dict:
    """The room's figures, shared for CACHE_SECONDS by every screen polling this workshop."""
    key = cache_key(workshop.pk)
    data = cache.get(key)
    if data is None:
        data = compute(workshop)
        cache.set(key, data, CACHE_SECONDS)
    return data


def forget(workshop_id: int) -> None:
    """After the facilitator acts, the next reading is computed afresh."""
    cache.delete(cache_key(workshop_id))
