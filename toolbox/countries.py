"""ISO 3166-1 alpha-2 countries, for the data location of offers: codes and names from pycountry
(its copy of the ISO list, with the names translated through gettext, French included)."""

import gettext
from functools import cache

import pycountry
from django.utils.translation import get_language

from toolbox.text import normalise

ISO_COUNTRY_CODES = frozenset(country.alpha_2 for country in pycountry.countries)


def is_country_code(code: str) -> bool:
    return code in ISO_COUNTRY_CODES


@cache
def _names(language: str) -> dict[str, str]:
    translation = gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )
    # The common name where ISO's is formal ("Corée du Sud", not "Corée, République de").
    return {
        country.alpha_2: translation.gettext(getattr(country, "common_name", country.name))
        for country in pycountry.countries
    }


def _language() -> str:
    return (get_language() or "fr").split("-")[0]


def country_name(code: str) -> str:
    """'DE' → 'Allemagne' in the page's language; an unknown code is shown as it is."""
    return _names(_language()).get(code, code)


def country_choices() -> list[tuple[str, str]]:
    """(code, name) of every country, in the alphabetical order of the names (accents
    ignored, so that Égypte comes among the E)."""
    names = _names(_language())
    return sorted(names.items(), key=lambda item: normalise(item[1]))
