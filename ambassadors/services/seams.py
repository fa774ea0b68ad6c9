"""Functions other apps call: `weakest_dimensions` (seam to the diagnostic),
`ambassadors_near_each` (roadmap actions)."""

from django.db.models import Q

from accounts.models import Organisation
from ambassadors.matching import rank_ambassadors
from ambassadors.models import Ambassador
from ambassadors.querysets import json_has


def weakest_dimensions(organisation: Organisation) -> list[str]:
    """Dimension codes of the organisation's latest completed diagnostic, weakest first
    (the diagnostic's "priorities"), or [] before any diagnostic is completed."""
    from maturity.models import ResultSnapshot

    snapshot = (
        ResultSnapshot.objects.filter(
            diagnostic__organisation=organisation, diagnostic__status="completed"
        )
        .order_by("-diagnostic__completed_at")
        .only("data")
        .first()
    )
    if snapshot is None:
        return []
    scored = [d for d in snapshot.data.get("dimensions", []) if d.get("score") is not None]
    return [d["code"] for d in sorted(scored, key=lambda d: (d["score"], d["code"]))][:3]


def ambassadors_near_each(
    organisation: Organisation, dimension_codes: list[str], limit: int = 3
) -> dict[str, list[Ambassador]]:
    """Listed ambassadors with expertise on each dimension (a roadmap's actions), those covering
    the organisation's département first, then its région. One query for all of them."""
    codes = sorted(set(dimension_codes))
    if not codes:
        return {}
    any_dimension = Q()
    for code in codes:
        any_dimension |= json_has("expertise_dimensions", code)
    candidates = list(
        Ambassador.objects.listed()
        .filter(any_dimension)
        .filter(
            json_has("departements", organisation.departement)
            | json_has("regions", organisation.region or "-")
        )
        .only(
            "pk",
            "public_name",
            "departements",
            "regions",
            "expertise_dimensions",
            "expertise_tools",
            "status",
            "valid_until",
        )
    )
    near = {}
    for code in codes:
        ranked = rank_ambassadors(
            [a for a in candidates if code in (a.expertise_dimensions or [])],
            departement=organisation.departement,
            region=organisation.region,
            weak_dimensions=[],
            topics=[code],
        )
        near[code] = [ambassador for ambassador, _score, _reasons in ranked[:limit]]
    return near
