"""Duplicates: existing tools whose name looks like a new one."""

import difflib

from toolbox.models import Tool
from toolbox.text import normalise


def similar_tools(name: str, *, exclude_pk: int | None = None, limit: int = 5) -> list[Tool]:
    """Existing tools whose name looks like `name` (same words, one inside the other, or close)."""
    wanted = normalise(name)
    if not wanted:
        return []
    scored = []
    for tool in Tool.objects.exclude(pk=exclude_pk).only("pk", "name", "slug", "status"):
        other = normalise(tool.name)
        if other == wanted:
            score = 2.0
        elif len(wanted) >= 4 and len(other) >= 4 and (wanted in other or other in wanted):
            score = 1.5
        else:
            score = difflib.SequenceMatcher(None, wanted, other).ratio()
        if score >= 0.8:
            scored.append((score, tool))
    scored.sort(key=lambda pair: (-pair[0], pair[1].name))
    return [tool for _score, tool in scored[:limit]]


def same_name_exists(name: str, *, exclude_pk: int | None = None) -> Tool | None:
    wanted = normalise(name)
    for tool in similar_tools(name, exclude_pk=exclude_pk):
        if normalise(tool.name) == wanted:
            return tool
    return None
