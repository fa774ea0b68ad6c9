"""The footprint factors, computed with Boavizta's library (boaviztapi, the `footprint` extra):
what `manage.py footprint_factors` writes to fixtures/footprint_factors.json and what a test
recomputes. Only this module imports the library, and only when called: the platform reads the
file (maturity.footprint)."""

import datetime
import importlib.metadata
from typing import Any

HOURS_PER_YEAR = 8760
USAGE_LOCATION = "FRA"  # Boavizta's code for France: its electricity factor for the French mix
CRITERION = "gwp"  # climate change, kg CO2e

# Equipment codes of the questionnaire's inventory → Boavizta user-terminal archetype (None:
# Boavizta has no reference device for that kind). The professional laptop and desktop are
# Boavizta's defaults for those devices.
ARCHETYPES: dict[str, tuple[str, str] | None] = {
    # "Ordinateurs portables"; up to questionnaire 2026.1 "Ordinateurs (fixes et portables)",
    # counted as laptops there too (a desktop weighs more: those results are rather low).
    "ordinateurs": ("laptop", "laptop-pro"),
    "ordinateurs_fixes": ("desktop", "desktop-pro"),
    "ecrans": ("monitor", "monitor-default"),
    # "Smartphones et téléphones mobiles"; up to 2026.1 "Téléphones et tablettes".
    "telephones": ("smartphone", "smartphone-default"),
    "tablettes": ("tablet", "tablet-default"),
    "box": ("box", "box-default"),
    # Boavizta's user terminals include no printer, and its servers are data-centre racks.
    "imprimantes": None,
    "serveurs": None,
}
DEVICE_CLASSES = {
    "laptop": "DeviceLaptop",
    "desktop": "DeviceDesktop",
    "monitor": "DeviceMonitor",
    "smartphone": "DeviceSmartphone",
    "tablet": "DeviceTablet",
    "box": "DeviceBox",
}

# Share of a new device's yearly impact that buying it reconditioned avoids: the lower bound of
# the range the ADEME study gives for each family it covered (its ranges span the indicators; the
# lower bound never overstates the climate gain). Screens and boxes were not covered: no
# reduction for them.
RECONDITIONED_REDUCTION = {"laptop": 0.43, "desktop": 0.43, "smartphone": 0.64, "tablet": 0.46}
RECONDITIONED_SOURCE = (
    "ADEME, « Évaluation de l'impact environnemental d'un ensemble de produits reconditionnés » "
    "(étude réalisée par NégaOctet), septembre 2022 : un appareil reconditionné évite 43 à 97 % "
    "de l'impact annuel d'un ordinateur portable ou fixe neuf, 64 à 87 % pour un smartphone, "
    "46 à 80 % pour une tablette"
)
EMBODIED_SOURCE_NAME = "Base Empreinte de l'ADEME (NégaOctet), reprise par Boavizta"
ELECTRICITY_SOURCE_NAME = (
    "Scarlat, Prussi et Padella (Centre commun de recherche de la Commission européenne), "
    "« Quantification of the carbon intensity of electricity produced and used in Europe », "
    "Applied Energy, 2022"
)


def _figures(value: float, low: float, high: float) -> dict[str, float]:
    return {"value": round(value, 6), "min": round(low, 6), "max": round(high, 6)}


def library_version() -> str:
    return importlib.metadata.version("boaviztapi")


def build(today: datetime.date | None = None) -> dict[str, Any]:
    """Every factor the platform uses, computed with the installed boaviztapi."""
    from boaviztapi.compute.impacts_computation import get_impact_function
    from boaviztapi.data.archetype import get_user_terminal_archetype
    from boaviztapi.models.device import userTerminal

    kinds: dict[str, Any] = {}
    electricity: dict[str, Any] = {}
    embodied_source = ""
    for code, reference in ARCHETYPES.items():
        if reference is None:
            kinds[code] = {"archetype": None}
            continue
        device_type, archetype = reference
        device = getattr(userTerminal, DEVICE_CLASSES[device_type])(
            archetype=get_user_terminal_archetype(archetype)
        )
        device.usage.usage_location.set_input(USAGE_LOCATION)
        lifetime_hours = device.usage.hours_life_time.value
        # The whole manufacturing impact: the duration is the device's whole life.
        embodied = get_impact_function(device, "embedded")(CRITERION, lifetime_hours, device)
        use = get_impact_function(device, "use")(CRITERION, HOURS_PER_YEAR, device)
        power, ratio = device.usage.avg_power, device.usage.use_time_ratio
        factor = device.usage.elec_factors[CRITERION]
        electricity = {
            "kg_co2e_per_kwh": factor.value,
            "source": factor.source,
            "source_name": ELECTRICITY_SOURCE_NAME,
        }
        embodied_source = _impact_source(device)
        kinds[code] = {
            "archetype": archetype,
            "device": device_type,
            "embodied_kg": _figures(*embodied[:3]),
            "lifespan_years": round(lifetime_hours / HOURS_PER_YEAR, 3),
            "power_w": _figures(power.value, power.min, power.max),
            "use_time_ratio": ratio.value,
            "kwh_per_year": _figures(
                power.value * ratio.value * HOURS_PER_YEAR / 1000,
                power.min * ratio.min * HOURS_PER_YEAR / 1000,
                power.max * ratio.max * HOURS_PER_YEAR / 1000,
            ),
            "use_kg_per_year": _figures(*use[:3]),
            "reconditioned_reduction": RECONDITIONED_REDUCTION.get(device_type),
        }
    return {
        "library": {"name": "boaviztapi", "version": library_version()},
        "generated_on": (today or datetime.date.today()).isoformat(),
        "criterion": CRITERION,
        "unit": "kg CO2e",
        "usage_location": USAGE_LOCATION,
        "hours_per_year": HOURS_PER_YEAR,
        "electricity": electricity,
        "embodied_source": {"url": embodied_source, "name": EMBODIED_SOURCE_NAME},
        "reconditioned_source": RECONDITIONED_SOURCE,
        "kinds": kinds,
    }


def _impact_source(device) -> str:
    from boaviztapi.data.factor_provider import get_impact_factor

    node = get_impact_factor(item=device.NAME, impact_type=CRITERION)
    if "source" not in node:  # by device variant (pro / perso)
        node = node[device.type.value]
    return node["source"]
