"""The tools the community stores by code (an ambassador's, a request's, a fiche's), as people
read them: the catalogue's name linked to its page when the toolbox publishes the tool, the
name as it was typed otherwise. Through maturity's slot: the community never imports the
toolbox (contract "independence" of [tool.importlinter])."""

from collections.abc import Sequence

from django.utils.text import capfirst

from maturity import hooks
from maturity.hooks import NamedTool


def named(codes: Sequence[str] | None) -> list[NamedTool]:
    """Each code in its order, named; one query for them all (none without codes)."""
    codes = list(dict.fromkeys(codes or []))
    found = hooks.tools_named(codes) if codes else {}
    # A tool outside the catalogue: the slug of the name typed ("balotilo"), read as a name.
    return [
        found.get(code) or NamedTool(name=capfirst(code.replace("-", " ")), url="")
        for code in codes
    ]
