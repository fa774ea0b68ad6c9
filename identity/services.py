"""The identity as pages read it: one cached value, rebuilt after each save.

Every page shows it (header, footer), so it is read from the cache: one database query after
each save (or every few minutes, for processes that do not share a cache), none per page.
Until a CRESS admin saves it in the admin, it comes from the settings (INSTANCE_* variables).
"""

import hashlib
import json
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from identity import contrast, svg
from identity.models import DEFAULT_ACCENT, DEFAULT_BRAND, SINGLETON_PK, InstanceIdentity

CACHE_KEY = "identity:v1"
# Bounds how long a process with its own memory cache (no Redis) shows an old identity.
CACHE_SECONDS = 300
# The header draws the logo at this height (CSS pixels); its width follows its proportions.
LOGO_HEIGHT = 40

# The settings a first run reads, and the environment variables they come from.
SETTING_VARIABLES = {
    "operator_name": "INSTANCE_OPERATOR_NAME",
    "short_name": "INSTANCE_SHORT_NAME",
    "contact_email": "INSTANCE_CONTACT_EMAIL",
    "brand_colour": "INSTANCE_BRAND_COLOUR",
    "accent_colour": "INSTANCE_ACCENT_COLOUR",
}


@dataclass(frozen=True)
class Identity:
    operator_name: str = ""
    short_name: str = ""
    is_demo: bool = False
    logo_svg: str = ""
    logo_width: int = 0
    brand_colour: str = DEFAULT_BRAND
    accent_colour: str = DEFAULT_ACCENT
    legal_form: str = ""
    siret: str = ""
    address: str = ""
    phone: str = ""
    contact_email: str = ""
    website: str = ""
    publication_director: str = ""
    dpo_name: str = ""
    dpo_email: str = ""
    host_name: str = ""
    host_address: str = ""
    host_phone: str = ""
    updated_at: datetime | None = None

    @cached_property
    def version(self) -> str:
        """Changes with any field: the assets' URLs carry it, so browsers keep them a year."""
        payload = json.dumps(asdict(self), sort_keys=True, default=str).encode()
        return hashlib.sha256(payload).hexdigest()[:12]

    @property
    def has_logo(self) -> bool:
        return bool(self.logo_svg)

    @property
    def logo_height(self) -> int:
        return LOGO_HEIGHT

    @property
    def header_name(self) -> str:
        return self.short_name or self.operator_name

    @property
    def custom_colours(self) -> bool:
        """Whether the pages need the instance's stylesheet (else app.css's colours stand)."""
        return (self.brand_colour, self.accent_colour) != (DEFAULT_BRAND, DEFAULT_ACCENT)

    @property
    def brand_dark(self) -> str:
        """Links on hover: darker still, so at least as readable."""
        return contrast.darken(self.brand_colour, 0.3)


_FIELDS = [f.name for f in fields(Identity) if f.name not in {"logo_width"}]


def from_settings() -> dict:
    """The first run's values (settings.INSTANCE_IDENTITY), colours normalised."""
    values = {k: v for k, v in settings.INSTANCE_IDENTITY.items() if v not in (None, "")}
    for name in ("brand_colour", "accent_colour"):
        if name in values:
            values[name] = contrast.normalise(values[name]) or values[name]
    return values


def check_settings() -> None:
    """ImproperlyConfigured for a colour that is no colour, or too light for white text."""
    for name, value in from_settings().items():
        if name not in {"brand_colour", "accent_colour"}:
            continue
        variable = SETTING_VARIABLES[name]
        if contrast.normalise(value) is None:
            raise ImproperlyConfigured(f"{variable}={value!r} is not a colour like #0b5a48.")
        ratio = contrast.contrast_ratio(value, contrast.WHITE)
        if ratio < contrast.AA_TEXT:
            raise ImproperlyConfigured(
                f"{variable}={value} contrasts {ratio:.1f}:1 with white, under the 4.5:1 that "
                f"white text needs: try {contrast.darkest_readable(value)}."
            )


def _build(row: InstanceIdentity | None) -> Identity:
    values = from_settings() if row is None else {name: getattr(row, name) for name in _FIELDS}
    # Written into stylesheets: only ever a colour (a row written without the admin's form
    # falls back to the platform's).
    for name, default in (("brand_colour", DEFAULT_BRAND), ("accent_colour", DEFAULT_ACCENT)):
        values[name] = contrast.normalise(values.get(name) or "") or default
    logo_width = 0
    if values.get("logo_svg"):
        try:
            # Kept sanitised by the admin's form; again here for a row written another way.
            logo = svg.sanitise(values["logo_svg"])
        except svg.SvgRefused:
            values["logo_svg"] = ""
        else:
            values["logo_svg"] = logo.svg
            logo_width = max(1, round(LOGO_HEIGHT * logo.width / logo.height))
    return Identity(**values, logo_width=logo_width)


def initial() -> Identity:
    """The identity of a first run, before a CRESS admin saves one: from the settings only."""
    return _build(None)


def current() -> Identity:
    """The identity every page and PDF shows: from the cache, else one query."""
    identity = cache.get(CACHE_KEY)
    if identity is None:
        identity = _build(InstanceIdentity.objects.filter(pk=SINGLETON_PK).first())
        cache.set(CACHE_KEY, identity, CACHE_SECONDS)
    return identity


def forget() -> None:
    cache.delete(CACHE_KEY)


def stored() -> InstanceIdentity:
    """The row the admin edits, made from the settings the first time it is opened."""
    row, _created = InstanceIdentity.objects.get_or_create(
        pk=SINGLETON_PK, defaults=from_settings()
    )
    return row
