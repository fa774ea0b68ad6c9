"""Findings from the tools and equipment inventory: plain functions, no ORM."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

AGEING_YEARS = 5  # beyond this, computers and phones slow down and leave security support


@dataclass(frozen=True)
class ToolUse:
    usage: str
    name: str
    libre: bool | None
    eu_hosted: bool | None


@dataclass(frozen=True)
class Equipment:
    kind: str
    count: int
    average_age: int | None
    reconditioned_percent: int | None


MAX_NAME = 100  # InventoryItem.tool_name


@dataclass(frozen=True)
class Declared:
    """One line of the inventory as given on its page: a tool, or no digital tool at all."""

    usage: str
    name: str  # "" when without_tool
    libre: bool | None = None
    eu_hosted: bool | None = None
    without_tool: bool = False


def declared(
    usages: Sequence[dict],
    chosen: Mapping[str, Sequence[str]],
    others: Mapping[str, str],
    without: Sequence[str],
) -> tuple[list[Declared], dict[str, str]]:
    """The inventory's lines from what was ticked (`chosen`: names of the questionnaire's
    common tools, by usage), typed (`others`: names separated by commas) and the usages done
    without a digital tool; and the errors, by usage. A common tool comes with its licence and
    hosting; a typed name with neither (unknown). Names the page does not offer are ignored."""
    lines: list[Declared] = []
    errors: dict[str, str] = {}
    for usage in usages:
        code = usage["code"]
        known = {t["name"]: t for t in usage["common_tools"]}
        tools = [
            Declared(code, name, known[name]["libre"], known[name]["eu_hosted"])
            for name in dict.fromkeys(chosen.get(code, ()))
            if name in known
        ]
        seen = {t.name.lower() for t in tools}
        for name in others.get(code, "").split(","):
            name = name.strip()[:MAX_NAME]
            if name and name.lower() not in seen:
                seen.add(name.lower())
                tools.append(Declared(code, name))
        if code in without and tools:
            errors[code] = _(
                "Vous avez coché « Aucun outil numérique » et nommé des outils : gardez l'un "
                "ou l'autre."
            )
        elif code in without:
            lines.append(Declared(code, "", without_tool=True))
        lines += tools
    return lines, errors


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def several_tools_expected(usages: Sequence[dict]) -> frozenset[str]:
    """The questionnaire's usages where several tools are several channels, each reaching
    other people (a page on Facebook and an account on Instagram), not duplicates to close."""
    return frozenset(u["code"] for u in usages if u.get("several_tools_expected"))


def findings(
    tools: Sequence[ToolUse],
    equipment: Sequence[Equipment],
    usage_labels: dict[str, str],
    equipment_labels: dict[str, str],
    *,
    several_expected: frozenset[str] = frozenset(),
    without_tool: Sequence[str] = (),
    usage_needs: Mapping[str, Sequence[str]] | None = None,
) -> dict:
    """What the inventory shows. `without_tool`: the usages the organisation does on paper or
    by word of mouth (the guide's stage "avant"): an answer, with no tool to count.
    `usage_needs`: the toolbox needs each usage serves, so that a finding leads to tools."""
    usage_needs = usage_needs or {}
    by_usage: dict[str, list[str]] = {}
    for tool in tools:
        by_usage.setdefault(tool.usage, []).append(tool.name)
    # "3 clouds for 3–4 staff": several tools for one need scatter data and double the learning.
    redundancy = [
        {
            "usage": code,
            "label": usage_labels.get(code, code),
            "tools": sorted(names),
            "needs": list(usage_needs.get(code, [])),
        }
        for code, names in by_usage.items()
        if len(names) >= 2 and code not in several_expected
    ]
    # In the questionnaire's order of usages, as the inventory page lists them.
    order = {code: i for i, code in enumerate(usage_labels)}
    paper = [
        {
            "usage": code,
            "label": usage_labels.get(code, code),
            "needs": list(usage_needs.get(code, [])),
        }
        for code in sorted(
            set(without_tool) - by_usage.keys(), key=lambda c: order.get(c, len(order))
        )
    ]
    known_licence = [t for t in tools if t.libre is not None]
    known_hosting = [t for t in tools if t.eu_hosted is not None]
    ageing = [
        {
            "kind": e.kind,
            "label": equipment_labels.get(e.kind, e.kind),
            "average_age": e.average_age,
            "count": e.count,
        }
        for e in equipment
        if e.count and e.average_age is not None and e.average_age >= AGEING_YEARS
    ]
    counted = [e for e in equipment if e.count and e.reconditioned_percent is not None]
    total_devices = sum(e.count for e in counted)
    reconditioned = sum(e.count * e.reconditioned_percent / 100 for e in counted)
    return {
        "tools_count": len(tools),
        "usages_covered": len(by_usage),
        "without_tool": paper,
        "redundancy": sorted(redundancy, key=lambda r: (-len(r["tools"]), r["label"])),
        "libre_percent": _share(sum(1 for t in known_licence if t.libre), len(known_licence)),
        "proprietary_percent": _share(
            sum(1 for t in known_licence if not t.libre), len(known_licence)
        ),
        "non_eu_percent": _share(
            sum(1 for t in known_hosting if not t.eu_hosted), len(known_hosting)
        ),
        "proprietary_tools": sorted({t.name for t in tools if t.libre is False}),
        "non_eu_tools": sorted({t.name for t in tools if t.eu_hosted is False}),
        "unknown_tools": sorted({t.name for t in tools if t.libre is None}),
        "ageing": ageing,
        "devices": sum(e.count for e in equipment),
        "reconditioned_percent": round(100 * reconditioned / total_devices)
        if total_devices
        else None,
    }
