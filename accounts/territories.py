"""French régions and départements, shipped as data in fixtures/territories.json.

Kept out of the database: the list changes once a decade, every page needs it, and a
module-level dict is faster than a join.
"""

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext

POSTCODE_RE = re.compile(r"^\d{5}$")


@dataclass(frozen=True)
class Region:
    code: str
    name: str


@dataclass(frozen=True)
class Departement:
    code: str
    name: str
    region: Region | None
    postcode_prefixes: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.code} — {self.name}"


@dataclass(frozen=True)
class Territories:
    regions: dict[str, Region]
    departements: dict[str, Departement]
    # Longest prefix first, so 97133 (Saint-Barthélemy) wins over 971 (Guadeloupe).
    prefixes: tuple[tuple[str, Departement], ...]


@cache
def territories() -> Territories:
    path = Path(settings.BASE_DIR) / "fixtures" / "territories.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    regions = {r["code"]: Region(r["code"], r["name"]) for r in data["regions"]}
    departements = {
        d["code"]: Departement(
            d["code"], d["name"], regions.get(d["region"]), tuple(d["postcode_prefixes"])
        )
        for d in data["departements"]
    }
    prefixes = sorted(
        ((p, d) for d in departements.values() for p in d.postcode_prefixes),
        key=lambda item: -len(item[0]),
    )
    return Territories(regions, departements, tuple(prefixes))


@cache
def _neighbours() -> dict[str, tuple[str, ...]]:
    path = Path(settings.BASE_DIR) / "fixtures" / "departement_neighbours.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {code: tuple(codes) for code, codes in data["neighbours"].items()}


def neighbours(code: str) -> tuple[str, ...]:
    """Départements sharing a land boundary with `code` (fixtures/departement_neighbours.json
    names its source); none for overseas départements and unknown codes."""
    return _neighbours().get(code, ())


def departement_for_postcode(postcode: str) -> Departement | None:
    """The département a French postcode belongs to, or None when no département uses it.

    Based on postcode prefixes: it rejects postcodes no département uses (00…, 96…, 99…)
    but cannot know every individual postcode, and a few border communes carry a
    neighbour's prefix; the organisation can correct its département on its profile.
    """
    postcode = (postcode or "").strip()
    if not POSTCODE_RE.match(postcode):
        return None
    for prefix, departement in territories().prefixes:
        if postcode.startswith(prefix):
            return departement
    return None


def departement_choices() -> list[tuple[str, str]]:
    return [(d.code, d.label) for d in territories().departements.values()]


def departement_choices_by_region() -> list[tuple[str, list[tuple[str, str]]]]:
    """Département choices grouped by région, régions by name, then the overseas collectivités
    that belong to no région: for pickers where one scans a région to tick its départements."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for departement in territories().departements.values():
        region = departement.region.name if departement.region else ""
        groups.setdefault(region, []).append((departement.code, departement.label))
    named = sorted(
        ((name, choices) for name, choices in groups.items() if name),
        # Île-de-France among the I, not after Provence.
        key=lambda group: unicodedata.normalize("NFD", group[0]).encode("ascii", "ignore"),
    )
    if "" in groups:
        named.append((gettext("Collectivités d’outre-mer"), groups[""]))
    return named


def region_choices() -> list[tuple[str, str]]:
    return sorted(((r.code, r.name) for r in territories().regions.values()), key=lambda c: c[1])


def departement_name(code: str) -> str:
    departement = territories().departements.get(code)
    return departement.name if departement else code


def region_name(code: str) -> str:
    region = territories().regions.get(code)
    return region.name if region else ""
