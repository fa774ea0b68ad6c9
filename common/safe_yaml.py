"""YAML files written by people and uploaded: plain data only, bounded in size and depth.

Anchors and aliases are refused: a few hundred bytes of aliases expand to gigabytes once the
data is walked (the "billion laughs"), and hand-written files have no need of them. Nesting is
bounded because composing the document recurses once per level.
"""

from typing import Any

import yaml

MAX_CHARS = 2_000_000
MAX_DEPTH = 30

# libyaml's parser when PyYAML was built with it (about six times faster), else pure Python.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YAMLFileError(ValueError):
    """A refused or unreadable file; the message is in French and says where."""


def _where(mark) -> str:
    return f"ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else "fichier"


def load(text: str) -> Any:
    """Parse a YAML (or JSON) document into plain data, or raise YAMLFileError."""
    if len(text) > MAX_CHARS:
        limit = f"{MAX_CHARS:,}".replace(",", " ")
        raise YAMLFileError(f"fichier : plus de {limit} caractères, trop volumineux")
    try:
        # The event stream is read first, without building anything: it is cheap, iterative,
        # and stops at the first alias or excessive nesting.
        depth = 0
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                raise YAMLFileError(
                    f"{_where(event.start_mark)} : les ancres et alias YAML (& et *) ne sont pas "
                    "acceptés, écrivez chaque valeur en entier"
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YAMLFileError(
                        f"{_where(event.start_mark)} : imbrication trop profonde "
                        f"(plus de {MAX_DEPTH} niveaux de listes et de tables)"
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        return yaml.load(text, Loader=_Loader)  # a safe loader, aliases and depth checked above
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise YAMLFileError(
            f"{_where(mark)} : YAML illisible ({getattr(exc, 'problem', None) or exc})"
        ) from exc


MAX_ERRORS = 50


def bound_errors(errors: list[str], limit: int = MAX_ERRORS) -> list[str]:
    """The first `limit` errors and a count of the rest: enough to fix a file in a few passes."""
    if len(errors) <= limit:
        return errors
    more = len(errors) - limit
    return [
        *errors[:limit],
        f"… et {more} autre erreur" if more == 1 else f"… et {more} autres erreurs",
    ]
