"""For the other apps (roadmap, diagnostic inventory): published tools for some usages."""

from collections.abc import Sequence

from toolbox.models import Tool
from toolbox.text import normalise


def recommended_tools(
    usage_codes: Sequence[str], replaces: Sequence[str] = (), limit: int = 3
) -> list[Tool]:
    """Published tools for these usages, libre first, then CRESS-recommended, then easiest.

    Tools that replace one of `replaces` (proprietary names, any case/accents) come first.
    Tools the CRESS no longer recommends are left out.
    """
    from toolbox.querysets import list_contains_any

    if not usage_codes:
        return []
    candidates = list(
        Tool.objects.published()
        .exclude(recommendation="not_recommended")
        .filter(list_contains_any("usages", usage_codes))
        .libre_first()
        .prefetch_related("replaces")
    )
    wanted = {normalise(name) for name in replaces}
    if wanted:
        candidates.sort(
            key=lambda tool: not any(normalise(p.name) in wanted for p in tool.replaces.all())
        )
    return candidates[:limit]
