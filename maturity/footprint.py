"""Greenhouse-gas footprint of the organisation's digital equipment, and what the equipment
actions of the roadmap would save: plain functions over the inventory and reference factors.

The factors (fixtures/footprint_factors.json) are computed with Boavizta's library (boaviztapi)
by `manage.py footprint_factors`, which writes the library's version and the date; a test
recomputes them and compares. The platform only reads the file.

Method, per kind of equipment, in kg CO2e per year:
- manufacturing (embodied): Boavizta's figure for its reference device, spread over the years the
  organisation keeps such devices (see `lifespan`). A reconditioned device counts for
  (1 − reduction) of it, with the reduction of ADEME's 2022 study on reconditioned devices (the
  lower bound of its range, so never an overstatement) for the kinds that study covers;
- use: the reference device's yearly electricity (its power and share of time in use, from
  Boavizta) at the French mix that Boavizta uses;
- range: Boavizta gives a low and a high power for each device, hence a range on the use phase;
  for manufacturing it gives one figure, so the range covers the use phase only.

Kinds without a Boavizta reference device (printers, servers and NAS) or unknown to the factors
have no footprint, and the page says so. The result is stored in the results snapshot with the
factors' version, so that a past result never changes meaning when the factors are regenerated.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

FACTORS_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "footprint_factors.json"
EXTRA_YEARS = 2  # "faire durer deux ans de plus"
TOP_CONTRIBUTORS = 3

# How many people a band of the organisation record stands for: the middle of the band, the
# lower bound for the open-ended ones (so a figure per person is then rather too high).
STAFF_PEOPLE = {"0": 0.0, "1-2": 1.5, "3-9": 6.0, "10-49": 29.5, "50+": 50.0}
VOLUNTEER_PEOPLE = {"0": 0.0, "1-9": 5.0, "10-49": 29.5, "50-199": 124.5, "200+": 200.0}

# Cited on the page: the average carbon footprint of a person in France (all consumption).
FRENCH_AVERAGE_KG = 9200.0
FRENCH_AVERAGE_SOURCE = (
    "SDES (ministère de la Transition écologique), « L'empreinte carbone de la France de 1995 "
    "à 2022 », 2023 : 9,2 t CO2e par personne en 2022 (estimation provisoire)"
)
DIGITAL_SHARE_SOURCE = (
    "ADEME et Arcep, « Évaluation de l'impact environnemental du numérique en France », 2022 : "
    "le numérique représente 2,5 % de l'empreinte carbone de la France"
)

# The savings an equipment action of the roadmap may show (its `savings:` key in the rules).
SCENARIOS = {
    "extend_lifespan_2y": _("si vous gardez chaque appareil deux ans de plus"),
    "buy_reconditioned": _(
        "si vos prochains ordinateurs, smartphones et tablettes sont reconditionnés"
    ),
    "fewer_screens": _("pour chaque écran en moins"),
    "fewer_printers": _("pour chaque imprimante en moins"),
    "security_support": _(
        "si vos ordinateurs, smartphones et tablettes restent à jour et servent deux ans de plus"
    ),
}
PER_UNIT = {"fewer_screens": "ecrans", "fewer_printers": "imprimantes"}
# Devices usually replaced when their maker stops security updates (Boavizta device types).
SUPPORT_BOUND_DEVICES = {"laptop", "desktop", "smartphone", "tablet"}


@dataclass(frozen=True)
class Devices:
    """One row of the inventory: how many devices of a kind, how old, how renewed."""

    kind: str
    count: int
    average_age: int | None = None
    reconditioned_percent: int | None = None
    renewal_years: int | None = None


@dataclass(frozen=True)
class Range:
    value: float
    min: float
    max: float

    @classmethod
    def of(cls, node: Mapping) -> "Range":
        return cls(float(node["value"]), float(node["min"]), float(node["max"]))


@dataclass(frozen=True)
class KindFactor:
    """Boavizta's reference device for one kind of the inventory."""

    archetype: str
    device: str  # Boavizta's device type: laptop, desktop, monitor…
    embodied: Range  # kg CO2e to make one device
    lifespan_years: float  # Boavizta's assumed lifespan
    kwh_per_year: Range
    use_per_year: Range  # kg CO2e per device and year, French mix
    reconditioned_reduction: float | None  # share of manufacturing avoided; None: no source


@dataclass(frozen=True)
class Factors:
    version: str
    kinds: dict[str, KindFactor]
    without_reference: frozenset[str]  # kinds known to have no Boavizta reference device
    data: dict  # the whole file: sources, library version, date


def parse_factors(data: dict) -> Factors:
    kinds = {}
    without = set()
    for code, node in data["kinds"].items():
        if node.get("archetype") is None:
            without.add(code)
            continue
        kinds[code] = KindFactor(
            archetype=node["archetype"],
            device=node["device"],
            embodied=Range.of(node["embodied_kg"]),
            lifespan_years=float(node["lifespan_years"]),
            kwh_per_year=Range.of(node["kwh_per_year"]),
            use_per_year=Range.of(node["use_kg_per_year"]),
            reconditioned_reduction=node.get("reconditioned_reduction"),
        )
    return Factors(
        version=f"{data['library']['name']} {data['library']['version']}, {data['generated_on']}",
        kinds=kinds,
        without_reference=frozenset(without),
        data=data,
    )


@cache
def factors() -> Factors:
    """The shipped factors, read once per process."""
    return parse_factors(json.loads(FACTORS_FILE.read_text(encoding="utf-8")))


def people(staff_band: str, volunteers_band: str) -> float | None:
    """Staff and active volunteers from the organisation record's bands; None when unknown."""
    if staff_band not in STAFF_PEOPLE or volunteers_band not in VOLUNTEER_PEOPLE:
        return None
    return STAFF_PEOPLE[staff_band] + VOLUNTEER_PEOPLE[volunteers_band]


def lifespan(devices: Devices, factor: KindFactor) -> tuple[float, str]:
    """Years over which one device's manufacturing is spread, and on what it rests.

    - the organisation says after how many years it renews such devices: that many;
    - else its devices' average age: in a fleet renewed at a steady pace the average age is half
      the lifespan, so twice the age, but never below Boavizta's lifespan (young devices say
      nothing yet about how long they will be kept);
    - else Boavizta's lifespan for the reference device.
    """
    if devices.renewal_years:
        return float(devices.renewal_years), "renewal"
    if devices.average_age:
        return max(2.0 * devices.average_age, factor.lifespan_years), "age"
    return factor.lifespan_years, "reference"


def _reconditioned_share(devices: Devices, factor: KindFactor) -> float:
    if factor.reconditioned_reduction is None or not devices.reconditioned_percent:
        return 0.0
    return min(devices.reconditioned_percent, 100) / 100


def _embodied_per_device(devices: Devices, factor: KindFactor, years: float) -> float:
    """kg CO2e per year of one device's manufacturing, reconditioned ones counted reduced."""
    reduction = (factor.reconditioned_reduction or 0.0) * _reconditioned_share(devices, factor)
    return factor.embodied.value * (1 - reduction) / years


def _round(value: float) -> float:
    return round(value, 1)


def _row(devices: Devices, factor: KindFactor, label: str) -> dict:
    years, basis = lifespan(devices, factor)
    embodied = devices.count * _embodied_per_device(devices, factor, years)
    use = devices.count * factor.use_per_year.value
    return {
        "code": devices.kind,
        "label": label,
        "count": devices.count,
        "archetype": factor.archetype,
        "lifespan_years": _round(years),
        "lifespan_basis": basis,
        "reconditioned_counted": _reconditioned_share(devices, factor) > 0,
        "embodied": _round(embodied),
        "use": _round(use),
        "value": _round(embodied + use),
        "min": _round(embodied + devices.count * factor.use_per_year.min),
        "max": _round(embodied + devices.count * factor.use_per_year.max),
    }


def savings(devices: Sequence[Devices], table: Factors) -> dict[str, float]:
    """kg CO2e per year each scenario would save, from the organisation's own inventory
    (a scenario that saves nothing here, or that has no factor, is left out):

    - extend_lifespan_2y: every device kept two years longer, its manufacturing spread over
      lifespan + 2 years instead of lifespan;
    - security_support: the same for the devices usually replaced when security updates stop
      (computers, smartphones, tablets);
    - buy_reconditioned: the devices bought new, of the kinds the ADEME study covers, bought
      reconditioned instead;
    - fewer_screens, fewer_printers: one device fewer (its manufacturing share and its use)."""
    out: dict[str, float] = {}
    counted = [(d, table.kinds[d.kind]) for d in devices if d.count > 0 and d.kind in table.kinds]

    def longer(devices_factor: list[tuple[Devices, KindFactor]]) -> float:
        total = 0.0
        for d, factor in devices_factor:
            years, _basis = lifespan(d, factor)
            per_device = _embodied_per_device(d, factor, years)
            total += d.count * (per_device - per_device * years / (years + EXTRA_YEARS))
        return total

    out["extend_lifespan_2y"] = longer(counted)
    out["security_support"] = longer(
        [(d, f) for d, f in counted if f.device in SUPPORT_BOUND_DEVICES]
    )
    reconditioned = 0.0
    for d, factor in counted:
        if factor.reconditioned_reduction is None:
            continue
        years, _basis = lifespan(d, factor)
        new_share = 1 - _reconditioned_share(d, factor)
        reconditioned += (
            d.count * new_share * factor.embodied.value * factor.reconditioned_reduction / years
        )
    out["buy_reconditioned"] = reconditioned
    for scenario, kind in PER_UNIT.items():
        row = next(((d, f) for d, f in counted if d.kind == kind), None)
        if row is not None:
            d, factor = row
            years, _basis = lifespan(d, factor)
            out[scenario] = _embodied_per_device(d, factor, years) + factor.use_per_year.value
    return {code: _round(value) for code, value in out.items() if round(value, 1) > 0}


def compute(
    devices: Sequence[Devices],
    labels: Mapping[str, str],
    table: Factors,
    headcount: float | None,
) -> dict:
    """The footprint as the results snapshot stores it (plain JSON values).

    status: "empty" (no device counted: no number, an invitation to fill the inventory),
    "unknown" (devices, but none of a kind with a reference device), or "ok"."""
    rows, without = [], []
    for d in devices:
        if d.count <= 0:
            continue
        label = labels.get(d.kind, d.kind)
        if d.kind in table.kinds:
            rows.append(_row(d, table.kinds[d.kind], label))
        else:
            reason = "no_reference" if d.kind in table.without_reference else "unknown_kind"
            without.append({"code": d.kind, "label": label, "count": d.count, "reason": reason})
    status = "ok" if rows else ("unknown" if without else "empty")
    result: dict = {
        "status": status,
        "factors_version": table.version,
        "kinds": sorted(rows, key=lambda r: (-r["value"], r["label"])),
        "without_reference": without,
        "people": headcount,
    }
    if not rows:
        return result
    total = {key: _round(sum(r[key] for r in rows)) for key in ("value", "min", "max")}
    result["total"] = total
    result["embodied"] = _round(sum(r["embodied"] for r in rows))
    result["use"] = _round(sum(r["use"] for r in rows))
    for row in result["kinds"]:
        row["percent"] = round(100 * row["value"] / total["value"]) if total["value"] else 0
    result["top"] = [r["code"] for r in result["kinds"][:TOP_CONTRIBUTORS]]
    result["per_person"] = (
        {key: _round(value / headcount) for key, value in total.items()} if headcount else None
    )
    result["french_average_percent"] = (
        round(100 * result["per_person"]["value"] / FRENCH_AVERAGE_KG, 1)
        if result["per_person"]
        else None
    )
    result["savings"] = savings(devices, table)
    return result


def for_page(stored: Mapping | None) -> dict:
    """What the results page and the PDFs show: the stored result (None for results stored
    before the footprint existed) and the sources, cited in plain words."""
    data = factors().data
    return {
        "result": stored,
        "library": data["library"],
        "generated_on": data["generated_on"],
        "embodied_source": data["embodied_source"],
        "electricity": data["electricity"],
        "reconditioned_source": data["reconditioned_source"],
        # Percentages as the page states them, from the factors in force.
        "reductions": {
            device: round(100 * factor.reconditioned_reduction)
            for device, factor in {f.device: f for f in factors().kinds.values()}.items()
            if factor.reconditioned_reduction
        },
        "french_average_tonnes": FRENCH_AVERAGE_KG / 1000,
        "french_average_source": FRENCH_AVERAGE_SOURCE,
        "digital_share_source": DIGITAL_SHARE_SOURCE,
    }


@dataclass(frozen=True)
class Saving:
    scenario: str
    label: str
    kg_per_year: float
    per_unit: bool


def action_savings(scenarios: Sequence[str], footprint: Mapping | None) -> list[Saving]:
    """The savings an action shows: its scenarios that save something for this organisation."""
    if not footprint or footprint.get("status") != "ok":
        return []
    computed = footprint.get("savings", {})
    return [
        Saving(code, str(SCENARIOS[code]), computed[code], code in PER_UNIT)
        for code in scenarios
        # Under half a kilo, the page would print "0 kg": nothing worth showing.
        if code in SCENARIOS and computed.get(code, 0) >= 0.5
    ]


def savings_by_action(
    actions: Sequence, scenarios_by_code: Mapping[str, Sequence[str]], footprint: Mapping | None
) -> dict[int, list[Saving]]:
    """Action pk → its savings, for the actions of the rules that name scenarios."""
    out = {}
    for action in actions:
        found = action_savings(scenarios_by_code.get(action.template_code, ()), footprint)
        if found:
            out[action.pk] = found
    return out
