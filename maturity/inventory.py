"""Findings from the tools and equipment inventory: plain functions, no ORM."""

from collections.abc import Sequence
from dataclasses import dataclass

AGEING_YEARS = 5  # beyond this, computers and phones slow down and leave security support
# Usages where several tools are several channels, each reaching other people (a page on
# Facebook and an account on Instagram), not duplicates to close: not counted as redundancy.
CHANNEL_USAGES = frozenset({"reseaux_sociaux"})


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


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def findings(
    tools: Sequence[ToolUse],
    equipment: Sequence[Equipment],
    usage_labels: dict[str, str],
    equipment_labels: dict[str, str],
) -> dict:
    by_usage: dict[str, list[str]] = {}
    for tool in tools:
        by_usage.setdefault(tool.usage, []).append(tool.name)
    # "3 clouds for 3–4 staff": several tools for one usage scatter data and double the learning.
    redundancy = [
        {"usage": code, "label": usage_labels.get(code, code), "tools": sorted(names)}
        for code, names in by_usage.items()
        if len(names) >= 2 and code not in CHANNEL_USAGES
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
