"""Needs: the vocabulary roadmap actions and tools share, and the tools for each need."""

import re
from collections.abc import Sequence

from django.db.models import Prefetch

from toolbox.models import Need, ProprietaryProduct, Tool
from toolbox.text import normalise


def need_labels() -> dict[str, str]:
    """{code: label} of every need, in display order (one query)."""
    return dict(Need.objects.order_by("position", "label").values_list("code", "label"))


def need_label(code: str) -> str:
    """The label of a need code; the code itself when the vocabulary does not know it."""
    return Need.objects.filter(code=code).values_list("label", flat=True).first() or code


def known_need_codes() -> set[str]:
    return set(Need.objects.values_list("code", flat=True))


def _libre_rank(tool: Tool) -> int:
    return {"libre": 0, "open_core": 1}.get(tool.licence_status, 2)


_RECOMMENDATION_RANK = {"recommended": 0, "watch": 1}


def tools_for_needs(
    need_codes: Sequence[str], replaces: Sequence[str] = (), per_need: int = 3
) -> dict[str, list[Tool]]:
    """For each need code, up to `per_need` published tools that serve it, best first.

    Tools the CRESS no longer recommends are left out. Order, each criterion breaking the ties of
    the one before:
    1. libre, then open core, then the rest (source available, proprietary);
    2. tools with at least one hosting offer (an organisation can start without a server);
    3. tools that replace one of `replaces` (proprietary names from the organisation's
       inventory, matched case- and accent-insensitively);
    4. the CRESS's opinion: recommended, then under watch;
    5. ease of use (easiest first), then name.

    Two queries whatever the number of needs: the tools (annotated with `offer_count` and
    `use_count`; description and notes deferred) and the products they replace. Every requested
    code is a key, in the order given; an unknown code maps to [].
    """
    from toolbox.querysets import list_contains_any

    codes = list(dict.fromkeys(need_codes))
    # Only well-formed codes reach the query (SQLite matches them inside the JSON text).
    queried = [code for code in codes if re.fullmatch(r"[a-z][a-z_]*", code)]
    if not queried:
        return {code: [] for code in codes}
    candidates = list(
        Tool.objects.published()
        .exclude(recommendation="not_recommended")
        .filter(list_contains_any("needs", queried))
        .with_counts()
        .defer(
            "description", "accessibility_notes", "sobriety_notes", "search_text", "search_vector"
        )
        .prefetch_related(
            Prefetch("replaces", queryset=ProprietaryProduct.objects.only("name", "slug"))
        )
    )
    wanted = {normalise(name) for name in replaces}

    def rank(tool: Tool):
        replaces_one = any(normalise(p.name) in wanted for p in tool.replaces.all())
        return (
            _libre_rank(tool),
            tool.offer_count == 0,
            not replaces_one,
            _RECOMMENDATION_RANK.get(tool.recommendation, 2),
            tool.ease,
            tool.name.lower(),
        )

    candidates.sort(key=rank)
    return {code: [tool for tool in candidates if code in tool.needs][:per_need] for code in codes}
