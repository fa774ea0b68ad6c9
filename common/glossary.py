"""The glossary: the words of digital tools and of support, as data (fixtures/glossary.yaml).

The page /glossaire/ shows every term with an anchor; templates link a word to its anchor with
`{% load glossary %}{% term "saas" %}…{% endterm %}` (common.templatetags.glossary). The file is
read again whenever it changes, so that a CRESS editing it sees its change without a restart.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from django.conf import settings

from common import safe_yaml

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class GlossaryFileError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    definition: str
    abbr: str = ""  # what an acronym stands for
    see: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    title: str
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Glossary:
    sections: tuple[Section, ...]

    @cached_property
    def terms(self) -> dict[str, Term]:
        return {t.id: t for s in self.sections for t in s.terms}

    def alphabetical(self) -> list[Term]:
        return sorted(self.terms.values(), key=lambda t: _sort_key(t.term))


def _sort_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _text(node: dict, key: str, where: str, errors: list[str], *, required=True) -> str:
    value = node.get(key)
    if value is None or value == "":
        if required:
            errors.append(f"{where}.{key} : champ obligatoire manquant")
        return ""
    if not isinstance(value, str):
        errors.append(f"{where}.{key} : doit être un texte")
        return ""
    return value.strip()


def _term(node: dict, at: str, seen: dict[str, str], errors: list[str]) -> Term:
    """One term of a section, checked; its id is added to seen (id -> place) when new."""
    term_id = _text(node, "id", at, errors)
    if term_id and not ID_RE.match(term_id):
        errors.append(f"{at}.id : « {term_id} » : minuscules sans accent, chiffres, tirets")
    elif term_id in seen:
        errors.append(f"{at}.id : « {term_id} » est déjà employé ({seen[term_id]})")
    elif term_id:
        seen[term_id] = at
    see = node.get("see") or []
    if not isinstance(see, list) or not all(isinstance(s, str) for s in see):
        errors.append(f"{at}.see : une liste d'identifiants de termes")
        see = []
    return Term(
        id=term_id,
        term=_text(node, "term", at, errors),
        definition=_text(node, "definition", at, errors),
        abbr=_text(node, "abbr", at, errors, required=False),
        see=tuple(see),
    )


def parse(data) -> Glossary:
    """A loaded glossary file, checked: every error at once, in French, with its place."""
    errors: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list):
        raise GlossaryFileError(["fichier : une liste « sections » est attendue"])
    sections, seen = [], {}
    for i, section in enumerate(data["sections"]):
        where = f"sections[{i}]"
        if not isinstance(section, dict):
            errors.append(f"{where} : doit être une table (clé : valeur)")
            continue
        title = _text(section, "title", where, errors)
        terms = []
        raw_terms = section.get("terms")
        if not isinstance(raw_terms, list) or not raw_terms:
            errors.append(f"{where}.terms : une liste de termes est attendue")
            raw_terms = []
        for j, node in enumerate(raw_terms):
            at = f"{where}.terms[{j}]"
            if not isinstance(node, dict):
                errors.append(f"{at} : doit être une table (clé : valeur)")
                continue
            terms.append(_term(node, at, seen, errors))
        sections.append(Section(title=title, terms=tuple(terms)))
    for section in sections:
        for term in section.terms:
            for other in term.see:
                if other not in seen:
                    errors.append(f"{seen.get(term.id, term.id)}.see : « {other} » n'existe pas")
    if errors:
        raise GlossaryFileError(safe_yaml.bound_errors(errors))
    return Glossary(sections=tuple(sections))


def path() -> Path:
    return Path(settings.BASE_DIR) / "fixtures" / "glossary.yaml"


@lru_cache(maxsize=2)
def _load(file: Path, mtime_ns: int) -> Glossary:
    try:
        data = safe_yaml.load(file.read_text(encoding="utf-8"))
    except safe_yaml.YAMLFileError as exc:
        raise GlossaryFileError([str(exc)]) from exc
    return parse(data)


def glossary() -> Glossary:
    """The shipped glossary, read once per change of the file (its modification time)."""
    file = path()
    return _load(file, file.stat().st_mtime_ns)


def terms() -> dict[str, Term]:
    return glossary().terms
