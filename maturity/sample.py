"""A sample result for the visitors' home page: what the diagnostic gives, shown before anyone
is asked to sign up. The published version's first dimensions with made-up scores, each with
the level and stage it would get, and the version's levels explained in its own words."""

from dataclasses import dataclass

from maturity import scoring
from maturity.models import Questionnaire
from maturity.structure import structure_for

# Made-up scores (0 to 100) for the first dimensions: with the shipped thresholds (40, 70) they
# show the three levels.
SAMPLE_SCORES = (32, 58, 47, 76)


@dataclass(frozen=True)
class SampleDimension:
    title: str
    score: int
    level: str
    stage: str


@dataclass(frozen=True)
class SampleLevel:
    label: str
    stage: str
    low: int
    high: int  # the last score of the level (100 for the highest)
    summary: str  # the first sentence of the level's description


@dataclass(frozen=True)
class Sample:
    dimensions: tuple[SampleDimension, ...]
    levels: tuple[SampleLevel, ...]

    @property
    def stages(self) -> tuple[str, ...]:
        return tuple(level.stage for level in self.levels)


def _first_sentence(text: str) -> str:
    sentence, stop, _rest = " ".join(text.split()).partition(". ")
    return sentence + ("." if stop else "")


def home_sample() -> Sample | None:
    """One query (the published version; its structure is cached in-process); None while no
    version is published."""
    questionnaire = Questionnaire.objects.published().first()
    if questionnaire is None:
        return None
    structure = structure_for(questionnaire)
    ordered = sorted(structure.levels, key=lambda level: level.min_score)
    if not ordered or not structure.dimensions:
        return None
    texts = structure.level_texts
    dimensions = []
    for section, score in zip(structure.dimensions, SAMPLE_SCORES, strict=False):
        level = scoring.level_for(score, ordered)
        text = texts[level.code] if level else {}
        dimensions.append(
            SampleDimension(
                title=section.title,
                score=score,
                level=text.get("label", ""),
                stage=text.get("stage", ""),
            )
        )
    levels = tuple(
        SampleLevel(
            label=level.label,
            stage=texts[level.code].get("stage", ""),
            low=level.min_score,
            high=(ordered[n + 1].min_score - 1) if n + 1 < len(ordered) else 100,
            summary=_first_sentence(texts[level.code].get("description", "")),
        )
        for n, level in enumerate(ordered)
    )
    return Sample(dimensions=tuple(dimensions), levels=levels)
