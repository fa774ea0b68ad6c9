"""From answers to results: consolidation over respondents, levels, skills needs, difficulties,
inventory findings. Stored once at completion as a snapshot so results never change meaning."""

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from maturity import footprint, hooks, inventory, profile, scoring
from maturity.models import Answer, DimensionResult, Question, ResultSnapshot, Section
from maturity.structure import Structure, structure_for

# Below this, an aggregate could reveal one person's answers: skills averages, and how the
# answers to a disputed question split (here and in the roadmap's reasons, roadmap_rules).
MIN_SKILLS_RESPONDENTS = 3
MIN_COMPARISON_GROUP = 5  # statistics only over groups of at least 5 organisations
TRAINING_NEED_BELOW = 50
DIVERGENCE_LIMIT = 8


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _level(structure: Structure, score: float | None) -> dict | None:
    level = scoring.level_for(score, structure.levels)
    return structure.level_texts[level.code] if level else None


def _answers(diagnostic) -> list[dict[int, scoring.AnswerValue]]:
    """Each respondent's answers, by question id (one read)."""
    answers_by_respondent: dict[int, dict[int, scoring.AnswerValue]] = {}
    for answer in Answer.objects.filter(respondent__diagnostic=diagnostic).only(
        "respondent_id", "question_id", "choice_ids", "unknown"
    ):
        answers_by_respondent.setdefault(answer.respondent_id, {})[answer.question_id] = (
            scoring.AnswerValue(frozenset(answer.choice_ids), answer.unknown)
        )
    return list(answers_by_respondent.values())


def _divergence(
    structure: Structure,
    respondents: list[dict[int, scoring.AnswerValue]],
    per_respondent: list[dict[int, float | None]],
) -> list[dict]:
    """The questions the respondents disagree on most, with how many picked each choice."""
    divergence = []
    for question_id, spread in scoring.divergence(per_respondent)[:DIVERGENCE_LIMIT]:
        question = structure.questions[question_id]
        # The people whose answer counts in the score, as for the spread.
        scored = [
            answers[question_id]
            for answers, scores in zip(respondents, per_respondent, strict=True)
            if scores.get(question_id) is not None
        ]
        counts: dict[int, int] = {}
        for value in scored:
            for choice_id in value.choice_ids:
                counts[choice_id] = counts.get(choice_id, 0) + 1
        # With fewer people, a split or a spread lets each one work out the others' answers:
        # the question is listed as disputed, nothing more.
        detailed = len(scored) >= MIN_SKILLS_RESPONDENTS
        divergence.append(
            {
                "question": question.text,
                "dimension": structure.section_by_code[question.section_code].title,
                "spread": round(spread) if detailed else None,
                "answers": [
                    {"label": c.label, "count": counts[c.id]}
                    for c in question.choices
                    if detailed and counts.get(c.id)
                ],
            }
        )
    return divergence


def _skills(structure: Structure, respondents: list[dict[int, scoring.AnswerValue]]) -> dict:
    """Skills: aggregated only, and only when enough people answered (never one person's
    score)."""
    skill_specs = structure.specs_for(Section.Kind.SKILLS)
    skill_areas = structure.sections_of(Section.Kind.SKILLS)
    area_specs = [scoring.DimensionSpec(a.code) for a in skill_areas]
    skill_respondents = [
        scoring.dimension_scores(
            skill_specs, scoring.question_scores(skill_specs, answers), area_specs
        )
        for answers in respondents
        if any(spec.id in answers for spec in skill_specs)
    ]
    skills = {
        "respondents": len(skill_respondents),
        "shown": len(skill_respondents) >= MIN_SKILLS_RESPONDENTS,
        "areas": [],
    }
    if skills["shown"]:
        for area in skill_areas:
            values = [r[area.code] for r in skill_respondents if r.get(area.code) is not None]
            mean = sum(values) / len(values) if values else None
            skills["areas"].append(
                {
                    "code": area.code,
                    "title": area.title,
                    "score": _round(mean),
                    "need": mean is not None and mean < TRAINING_NEED_BELOW,
                }
            )
    return skills


def _difficulties(structure: Structure, respondents: list[dict[int, scoring.AnswerValue]]) -> dict:
    """Difficulties: mean intensity per type, and how many respondents cite each obstacle."""
    difficulties: dict[str, list[dict]] = {"types": [], "obstacles": []}
    for section in structure.sections_of(Section.Kind.DIFFICULTIES):
        for question in section.questions:
            picked = [answers[question.id] for answers in respondents if question.id in answers]
            if question.difficulty_type:
                scores = {c.id: c.score for c in question.choices}
                values = [
                    scores[i] for a in picked for i in a.choice_ids if scores.get(i) is not None
                ]
                difficulties["types"].append(
                    {
                        "type": question.difficulty_type,
                        "question": question.text,
                        "score": _round(sum(values) / len(values)) if values else None,
                    }
                )
            elif question.kind == Question.Kind.MULTIPLE:
                for choice in question.choices:
                    count = sum(1 for a in picked if choice.id in a.choice_ids)
                    if count and not choice.exclusive:
                        difficulties["obstacles"].append({"label": choice.label, "count": count})
    difficulties["obstacles"].sort(key=lambda o: -o["count"])
    return difficulties


def _equipment_and_tools(diagnostic, structure: Structure) -> tuple[dict, dict, dict]:
    """The inventory's findings, the organisation's profile kept with the results and the
    equipment's footprint."""
    usages = structure.inventory.get("usages", [])
    usage_labels = {u["code"]: u["label"] for u in usages}
    equipment_labels = {e["code"]: e["label"] for e in structure.inventory.get("equipment", [])}
    equipment = list(diagnostic.equipment_items.all())
    items = list(diagnostic.inventory_items.all())
    findings = inventory.findings(
        [
            inventory.ToolUse(i.usage, i.tool_name, i.libre, i.eu_hosted)
            for i in items
            if not i.without_tool
        ],
        [
            inventory.Equipment(e.kind, e.count, e.average_age, e.reconditioned_percent)
            for e in equipment
        ],
        usage_labels,
        equipment_labels,
        several_expected=inventory.several_tools_expected(usages),
        without_tool=[i.usage for i in items if i.without_tool],
        usage_needs={u["code"]: u.get("needs", []) for u in usages},
    )
    # The organisation's profile as it was at completion: kept with the results, which depend
    # on it (the footprint per person here, the roadmap's typology), and never taken again
    # from a record edited since when the results are computed anew.
    kept = ResultSnapshot.objects.filter(diagnostic=diagnostic).values_list("data", flat=True)
    organisation_profile = (kept[0].get("profile") if kept else None) or profile.snapshot(
        diagnostic.organisation
    )
    # Stored with the factors' version: regenerating the factors never changes a past result.
    equipment_footprint = footprint.compute(
        [
            footprint.Devices(
                e.kind, e.count, e.average_age, e.reconditioned_percent, e.renewal_years
            )
            for e in equipment
        ],
        equipment_labels,
        footprint.factors(),
        footprint.people(
            organisation_profile["staff_band"], organisation_profile["volunteers_band"]
        ),
    )
    return findings, organisation_profile, equipment_footprint


def compute(diagnostic) -> dict:
    """Results of a diagnostic from its answers (pure apart from the reads)."""
    structure = structure_for(diagnostic.questionnaire)
    respondents = _answers(diagnostic)

    # Maturity: each respondent's question scores, consolidated by mean (see scoring.consolidate).
    specs = structure.dimension_question_specs
    per_respondent = [scoring.question_scores(specs, answers) for answers in respondents]
    consolidated = scoring.consolidate(per_respondent)
    dimension_scores = scoring.dimension_scores(specs, consolidated, structure.dimension_specs)
    overall = scoring.overall_score(dimension_scores, structure.dimension_specs)
    strengths, priorities = scoring.strengths_and_priorities(dimension_scores)
    dimensions = [
        {
            "code": section.code,
            "title": section.title,
            "score": _round(dimension_scores.get(section.code)),
            "level": (_level(structure, dimension_scores.get(section.code)) or {}).get("code"),
        }
        for section in structure.dimensions
    ]
    divergence = _divergence(structure, respondents, per_respondent)
    skills = _skills(structure, respondents)
    difficulties = _difficulties(structure, respondents)
    findings, organisation_profile, equipment_footprint = _equipment_and_tools(
        diagnostic, structure
    )
    return {
        "version": structure.version,
        "respondents": len(respondents),
        "overall": {
            "score": _round(overall),
            "level": (_level(structure, overall) or {}).get("code"),
        },
        "dimensions": dimensions,
        "strengths": strengths,
        "priorities": priorities,
        "divergence": divergence,
        "skills": skills,
        "difficulties": difficulties,
        "inventory": findings,
        "footprint": equipment_footprint,
        "profile": organisation_profile,
    }


@transaction.atomic
def store_snapshot(diagnostic) -> ResultSnapshot:
    data = compute(diagnostic)
    snapshot, _created = ResultSnapshot.objects.update_or_create(
        diagnostic=diagnostic,
        defaults={
            "overall_score": data["overall"]["score"],
            "overall_level": data["overall"]["level"] or "",
            "data": data,
        },
    )
    snapshot.dimension_results.all().delete()
    DimensionResult.objects.bulk_create(
        DimensionResult(snapshot=snapshot, dimension=d["code"], score=d["score"])
        for d in data["dimensions"]
    )
    # The observatory reads its own copy of the results (advisers.models.ObservatoryFact):
    # written here, in the same transaction, so it never misses a snapshot (maturity.hooks).
    hooks.snapshot_stored(snapshot)
    return snapshot


COMPARISON_CACHE_SECONDS = 600


def _group_medians(
    questionnaire_id: int, field: str, value: str
) -> tuple[int, dict[str, float | None]]:
    """(organisations, median per dimension) over completed diagnostics of one group.

    Cached for a few minutes: a group's medians move only when a diagnostic completes, and
    computing them reads every result row of the group.
    """
    key = f"maturity:medians:{questionnaire_id}:{field}:{value}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    rows = DimensionResult.objects.filter(
        snapshot__diagnostic__status="completed",
        snapshot__diagnostic__questionnaire_id=questionnaire_id,
        **{f"snapshot__diagnostic__organisation__{field}": value},
    ).values_list("dimension", "score", "snapshot__diagnostic__organisation_id")
    by_dimension: dict[str, list[float]] = {}
    organisations = set()
    for dimension, score, organisation_id in rows.iterator(chunk_size=5000):
        organisations.add(organisation_id)
        if score is not None:
            by_dimension.setdefault(dimension, []).append(score)
    result = (len(organisations), {d: _round(scoring.median(v)) for d, v in by_dimension.items()})
    cache.set(key, result, COMPARISON_CACHE_SECONDS)
    return result


def comparison_groups(diagnostic) -> list[dict]:
    """Median per dimension among organisations of the same sector, size or région (the
    organisation itself included), shown only for groups of at least MIN_COMPARISON_GROUP."""
    organisation = diagnostic.organisation
    groups = [
        (
            "sector",
            _("Même secteur : %(v)s") % {"v": organisation.get_sector_display()},
            "sector",
            organisation.sector,
        ),
        (
            "size",
            _("Même taille : %(v)s") % {"v": organisation.get_staff_band_display()},
            "staff_band",
            organisation.staff_band,
        ),
        (
            "region",
            _("Même région : %(v)s") % {"v": organisation.region_name or "—"},
            "region",
            organisation.region,
        ),
    ]
    out = []
    for key, label, field, value in groups:
        count, medians = _group_medians(diagnostic.questionnaire_id, field, value)
        shown = count >= MIN_COMPARISON_GROUP
        out.append(
            {
                "key": key,
                "label": label,
                "organisations": count,
                "shown": shown,
                "medians": medians if shown else {},
            }
        )
    return out
