"""No internal code on screen: the pages people read name dimensions, needs, usages,
deployments, licence statuses and every other choice by their labels, never by the codes the
data stores (`securite_rgpd`, `open_core`, `['saas', 'self_hosted']`).

Every page of the URL × role matrix that a role may read is rendered for that role, with
realistic data (tests/rendered_pages.py), and its visible text (no tags, attributes or URLs, no
script; code shown as code on the open-data documentation excepted) must hold no known code as
a whole word. Open-data files keep their codes: they are data with a schema.
"""

import re

import pytest
import yaml
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from tests.conftest import ROLES
from tests.rendered_pages import pages, visible_text
from toolbox import models as toolbox_models

pytestmark = pytest.mark.django_db

# Codes that are also ordinary words of French text ("la gestion des adhérent·es", "un
# logiciel libre", "une application mobile"): finding them proves nothing. Every other code is
# an identifier no sentence contains: snake_case (open_core, securite_rgpd), a word stripped of
# its accents (strategie, comptabilite) or an English word (proprietary, draft, saas).
ORDINARY_WORDS = {
    # dimensions
    "collaboration", "communication", "gestion", "financement", "gouvernance",
    # usages and needs
    "stockage", "email", "messagerie", "visio", "bureautique", "sauvegarde", "webinaire",
    "formulaires", "cartographie", "forum", "facturation",
    # licence status, deployment
    "libre", "mobile",
    "agenda",
    # equipment
    "ordinateurs", "imprimantes", "box", "serveurs",
}  # fmt: skip
# Pages that show codes on purpose: the open-data page documents the format of the files,
# whose columns hold codes; it names each one with its label ("open_core (Open core…)").
SHOWS_CODES = {"toolbox:opendata"}
# Choices of the catalogue, whose single-word codes are English words or stripped of accents.
TOOLBOX_CHOICES = [
    toolbox_models.Usage,
    toolbox_models.Dimension,
    toolbox_models.LicenceStatus,
    toolbox_models.Deployment,
    toolbox_models.Recommendation,
    toolbox_models.ToolStatus,
    toolbox_models.EssStatus,
    toolbox_models.Access,
]


def all_codes() -> set[str]:
    """The codes of the catalogue's choices, of the needs, of the questionnaire (dimensions,
    questions, choices, inventory usages and equipment), and the snake_case codes of every
    other choice field of the platform."""
    codes = {code for choices in TOOLBOX_CHOICES for code in choices.values}
    fixtures = settings.BASE_DIR / "fixtures"
    catalogue = yaml.safe_load((fixtures / "toolbox.yaml").read_text(encoding="utf-8"))
    codes |= {need["code"] for need in catalogue["needs"]}
    questionnaire = yaml.safe_load((fixtures / "questionnaire.yaml").read_text(encoding="utf-8"))
    inventory = questionnaire["inventory"]
    codes |= {item["code"] for key in ("usages", "equipment") for item in inventory[key]}
    for part in ("dimensions", "profile", "difficulties", "skills"):
        sections = questionnaire.get(part) or []
        for section in sections if isinstance(sections, list) else [sections]:
            codes.add(section.get("code", ""))
            for question in section.get("questions", []):
                codes.add(question["code"])
                codes |= {choice["code"] for choice in question.get("choices", [])}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and "_" in value:
                    codes.add(value)
    codes.discard("")
    # Codes are identifiers: anything else (a band like "10-49") is not what this looks for.
    return {code for code in codes if re.fullmatch(r"[a-z][a-z0-9_]*", code)}


def known_codes() -> set[str]:
    """The codes looked for on screen: all of them but ordinary words."""
    return all_codes() - ORDINARY_WORDS


def test_the_codes_looked_for_are_many_and_those_found_on_screen():
    """The check looks for the codes the issue found on screen, not for ordinary words."""
    codes = known_codes()
    assert {"strategie", "securite_rgpd", "open_core", "self_hosted", "saas"} <= codes
    assert {"messagerie", "libre"}.isdisjoint(codes)
    assert len(codes) > 100


@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_an_internal_code(role, cast, client_as):
    codes = known_codes()
    documented = {reverse(name) for name in SHOWS_CODES}
    found = {}
    seen = 0
    for url, html in pages(cast, client_as, role):
        seen += 1
        if url in documented:
            continue
        words = set(re.findall(r"\w+", visible_text(html)))
        if shown := sorted(words & codes):
            found[url] = shown
    assert seen >= 5, f"only {seen} pages rendered for {role}"
    assert not found, f"codes on screen for {role}:\n" + "\n".join(
        f"{url}: {', '.join(codes)}" for url, codes in found.items()
    )
