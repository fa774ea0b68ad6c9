"""For the other apps (roadmap, diagnostic inventory, community): published tools for some
usages, or named by their codes."""

from collections.abc import Iterable, Sequence

from maturity.hooks import NamedTool
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


def tools_named(codes: Iterable[str]) -> dict[str, NamedTool]:
    """The published tools among these codes (slugs), by code: name and page, in one query."""
    wanted = set(codes)
    if not wanted:
        return {}
    return {
        slug: NamedTool(name=name, url=Tool(slug=slug).get_absolute_url())
        for slug, name in Tool.objects.published()
        .filter(slug__in=wanted)
        .values_list("slug", "name")
    }
