"""Which ambassadors fit an organisation's request: plain data in, ranked list out. No ORM, no HTTP.

The score adds up, with reasons the organisation reads:
- territory: covers the organisation's département (40), or another in its région (15);
- the topics the organisation asked about, each covered (25);
- its weakest diagnostic dimensions, each covered (15 for the weakest, then 12, 9, 6, 3);
- the tools it named, each known (5).
Ambassadors with no expertise in common are left out (help can be given at a distance, so
territory alone ranks but does not exclude); with nothing asked, territory alone decides.
"""

from collections.abc import Iterable, Sequence
from typing import Protocol

from django.utils.translation import gettext as _

TERRITORY_DEPARTEMENT = 40
TERRITORY_REGION = 15
PER_TOPIC = 25
WEAK_DIMENSION_WEIGHTS = (15, 12, 9, 6, 3)
PER_TOOL = 5


class Matchable(Protocol):
    public_name: str
    departements: list[str]
    regions: list[str]
    expertise_dimensions: list[str]
    expertise_tools: list[str]


def score_ambassador(
    ambassador: Matchable,
    *,
    departement: str,
    region: str,
    weak_dimensions: Sequence[str],
    topics: Sequence[str],
    tools: Sequence[str] = (),
    labels: dict[str, str] | None = None,
) -> tuple[int, list[str]]:
    labels = labels or {}
    expertise = set(ambassador.expertise_dimensions or [])
    score, reasons = 0, []
    if departement and departement in (ambassador.departements or []):
        score += TERRITORY_DEPARTEMENT
        reasons.append(_("Intervient dans votre département"))
    elif region and region in (ambassador.regions or []):
        score += TERRITORY_REGION
        reasons.append(_("Intervient dans votre région"))
    for topic in dict.fromkeys(topics):
        if topic in expertise:
            score += PER_TOPIC
            reasons.append(_("Expertise sur votre demande : %s") % labels.get(topic, topic))
    asked = set(topics)
    for rank, code in enumerate(
        list(dict.fromkeys(weak_dimensions))[: len(WEAK_DIMENSION_WEIGHTS)]
    ):
        if code in expertise and code not in asked:
            score += WEAK_DIMENSION_WEIGHTS[rank]
            reasons.append(
                _("Expertise sur un point faible de votre diagnostic : %s") % labels.get(code, code)
            )
    known_tools = set(ambassador.expertise_tools or [])
    for tool in dict.fromkeys(tools):
        if tool in known_tools:
            score += PER_TOOL
            reasons.append(_("Connaît l'outil %s") % tool)
    return score, reasons


def rank_ambassadors(
    ambassadors: Iterable[Matchable],
    *,
    departement: str,
    region: str,
    weak_dimensions: Sequence[str],
    topics: Sequence[str],
    tools: Sequence[str] = (),
    labels: dict[str, str] | None = None,
) -> list[tuple[Matchable, int, list[str]]]:
    """Best first; ties broken by name so the order is stable."""
    ranked = []
    for ambassador in ambassadors:
        score, reasons = score_ambassador(
            ambassador,
            departement=departement,
            region=region,
            weak_dimensions=weak_dimensions,
            topics=topics,
            tools=tools,
            labels=labels,
        )
        has_expertise = any(
            code in (ambassador.expertise_dimensions or []) for code in (*topics, *weak_dimensions)
        ) or any(tool in (ambassador.expertise_tools or []) for tool in tools)
        if score > 0 and (has_expertise or not (topics or weak_dimensions or tools)):
            ranked.append((ambassador, score, reasons))
    ranked.sort(key=lambda item: (-item[1], item[0].public_name.casefold()))
    return ranked
