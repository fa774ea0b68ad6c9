"""Consents and completed diagnostics built directly (not through the answering flow)."""

import re
from datetime import timedelta
from html import unescape

from django.utils import timezone

from accounts.models import Organisation
from advisers import observatory, services
from advisers.models import Consent
from maturity.models import Diagnostic, DimensionResult, Questionnaire, ResultSnapshot
from tests.maturity.factories import published_questionnaire


def questionnaire() -> Questionnaire:
    return Questionnaire.objects.published().first() or published_questionnaire()


def live_consent(organisation: Organisation, adviser, *, by=None, months: int = 12) -> Consent:
    by = by or organisation.active_admins().first()
    return services.grant(organisation=organisation, adviser=adviser, months=months, by=by)


def completed_diagnostic(organisation: Organisation, score: float = 50.0, *, when=None):
    """A completed diagnostic with a snapshot whose every dimension scores `score`."""
    q = questionnaire()
    from maturity.structure import structure_for

    structure = structure_for(q)
    levels = sorted(structure.level_texts.values(), key=lambda lv: lv["min_score"])
    level = [lv for lv in levels if lv["min_score"] <= score][-1]["code"]
    completed_at = when or timezone.now() - timedelta(days=1)
    diagnostic = Diagnostic.objects.create(
        organisation=organisation,
        questionnaire=q,
        status=Diagnostic.Status.COMPLETED,
        completed_at=completed_at,
    )
    dimensions = [
        {"code": s.code, "title": s.title, "score": score, "level": level}
        for s in structure.dimensions
    ]
    snapshot = ResultSnapshot.objects.create(
        diagnostic=diagnostic,
        overall_score=score,
        overall_level=level,
        data={
            "version": q.version,
            "respondents": 1,
            "overall": {"score": score, "level": level},
            "dimensions": dimensions,
            "strengths": [],
            "priorities": [],
            "divergence": [],
            "skills": {"respondents": 1, "shown": False, "areas": []},
            "difficulties": {"types": [], "obstacles": []},
            "inventory": {"tools_count": 0, "proprietary_tools": [], "redundancy": []},
        },
    )
    DimensionResult.objects.bulk_create(
        DimensionResult(snapshot=snapshot, dimension=d["code"], score=score) for d in dimensions
    )
    # What maturity.results.store_snapshot does after storing a snapshot.
    observatory.record([diagnostic.pk])
    return diagnostic


def shown_offer(html: str, key: str | None = None) -> tuple[str, str]:
    """The consent text a page shows in the form `key` (or the one of an htmx fragment), as a
    person reads it, and the token its form sends back with the agreement."""
    if key is not None:
        assert f'id="offer-{key}"' in html, f"no consent text for {key}"
        html = html.split(f'id="offer-{key}"', 1)[1]
    text = re.search(r'<blockquote class="consent-text"[^>]*>(.*?)</blockquote>', html, re.S)
    token = re.search(r'name="offer" value="([^"]+)"', html)
    assert text and token, "no consent text shown"
    return unescape(text.group(1)), token.group(1)
