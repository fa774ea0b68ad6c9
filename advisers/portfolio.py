"""The adviser's portfolio: one row per consenting organisation, in a fixed number of queries
whatever the portfolio's size (asserted in tests with few and many clients). The page reads
only its own clients from the database (client_page); exports read them all (clients)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.forms import identifier_digits
from accounts.models import Organisation
from advisers.access import consented_organisations
from advisers.models import AdviserProfile, Consent
from common.links import pk_urls
from common.typography import french_plain_text
from maturity import scoring
from maturity.models import Diagnostic, DimensionResult, Questionnaire, RoadmapAction
from maturity.structure import structure_for

WEAKEST = 2


@dataclass
class ClientRow:
    organisation: Organisation
    consent_expires_at: datetime | None
    completed_at: datetime | None
    overall_score: float | None
    overall_level: str
    level_label: str
    scores: dict[str, float | None] = field(default_factory=dict)
    weakest: list[str] = field(default_factory=list)
    actions_done: int = 0
    actions_total: int = 0
    url: str = ""  # the client page, set by rows_for

    @property
    def progress(self) -> int | None:
        if not self.actions_total:
            return None
        return round(100 * self.actions_done / self.actions_total)

    @property
    def progress_text(self) -> str:
        """« 3 / 12 actions faites (25 %) », or empty without a roadmap. Built here rather
        than by a blocktranslate in each of the page's rows, which costs several times more."""
        if not self.actions_total:
            return ""
        return _("%(done)s / %(total)s actions faites (%(percent)s %%)") % {
            "done": self.actions_done,
            "total": self.actions_total,
            "percent": self.progress,
        }


def reference_structure():
    """Titles and levels of the published questionnaire (cached by structure_for)."""
    questionnaire = Questionnaire.objects.published().order_by("-published_at").first()
    return structure_for(questionnaire) if questionnaire else None


def dimension_titles(structure) -> dict[str, str]:
    if structure is None:
        return {}
    return {s.code: s.title for s in structure.dimensions}


def level_choices(structure) -> list[tuple[str, str]]:
    if structure is None:
        return []
    return [(code, text["label"]) for code, text in structure.level_texts.items()]


def client_organisations(
    user, *, query: str = "", departement: str = "", level: str = "", ids=None
):
    """The organisations of the user's portfolio, filtered, in the portfolio's order, each with
    its latest completed diagnostic (id, date, overall score and level) and the consent's end.
    A QuerySet, so a page of it is what the database reads."""
    latest = Diagnostic.objects.filter(
        organisation=OuterRef("pk"), status=Diagnostic.Status.COMPLETED
    ).order_by("-completed_at", "-pk")
    organisations = consented_organisations(user).annotate(
        last_diagnostic_id=Subquery(latest.values("pk")[:1]),
        last_completed_at=Subquery(latest.values("completed_at")[:1]),
        last_overall_score=Subquery(latest.values("snapshot__overall_score")[:1]),
        last_overall_level=Subquery(latest.values("snapshot__overall_level")[:1]),
        consent_expires_at=Subquery(
            Consent.objects.live()
            .filter(adviser=user, organisation=OuterRef("pk"))
            .values("expires_at")[:1]
        ),
    )
    if query:
        # A SIREN as people write it ("123 456 789") finds the organisation too.
        organisations = organisations.filter(
            Q(name__icontains=query) | Q(siren=identifier_digits(query))
        )
    if departement:
        organisations = organisations.filter(departement=departement)
    if level == "none":
        organisations = organisations.filter(last_diagnostic_id__isnull=True)
    elif level:
        organisations = organisations.filter(last_overall_level=level)
    if ids is not None:
        organisations = organisations.filter(pk__in=ids)
    return organisations.order_by("name", "pk")


def rows_for(organisations: list[Organisation], structure) -> list[ClientRow]:
    """Portfolio rows of organisations from client_organisations(): their dimension scores and
    roadmap progress in two queries, whatever their number."""
    labels = dict(level_choices(structure))
    titles = dimension_titles(structure)
    diagnostic_ids = [o.last_diagnostic_id for o in organisations if o.last_diagnostic_id]
    scores: dict[int, dict[str, float | None]] = {}
    if diagnostic_ids:
        for diagnostic_id, dimension, score in DimensionResult.objects.filter(
            snapshot__diagnostic_id__in=diagnostic_ids
        ).values_list("snapshot__diagnostic_id", "dimension", "score"):
            scores.setdefault(diagnostic_id, {})[dimension] = score
    progress = {}
    if organisations:
        progress = {
            row["roadmap__organisation_id"]: row
            for row in RoadmapAction.objects.filter(
                roadmap__organisation_id__in=[o.pk for o in organisations], obsolete=False
            )
            .exclude(decision=RoadmapAction.Decision.DECLINED)
            .values("roadmap__organisation_id")
            .annotate(
                total=Count("pk"), done=Count("pk", filter=Q(status=RoadmapAction.Status.DONE))
            )
        }
    urls = pk_urls("advisers:client", [], [o.pk for o in organisations])
    rows = []
    for organisation in organisations:
        own = scores.get(organisation.last_diagnostic_id, {})
        known = sorted(
            ((score, code) for code, score in own.items() if score is not None),
            key=lambda item: (item[0], item[1]),
        )
        counts = progress.get(organisation.pk, {})
        rows.append(
            ClientRow(
                organisation=organisation,
                consent_expires_at=organisation.consent_expires_at,
                completed_at=organisation.last_completed_at,
                overall_score=organisation.last_overall_score,
                overall_level=organisation.last_overall_level or "",
                level_label=labels.get(organisation.last_overall_level or "", ""),
                scores=own,
                weakest=[titles.get(code, code) for _score, code in known[:WEAKEST]],
                actions_done=counts.get("done", 0),
                actions_total=counts.get("total", 0),
                url=urls[organisation.pk],
            )
        )
    return rows


def clients(user, *, structure=None, **filters):
    """Every row of the portfolio, filtered (the CSV export, the comparison). Queries:
    organisations, dimension scores, roadmap progress (3), whatever the number of clients."""
    structure = structure or reference_structure()
    return rows_for(list(client_organisations(user, **filters)), structure), structure


def client_page(user, page_number, *, per_page: int, structure=None, **filters):
    """One page of the portfolio: a count and the page's organisations read in the database,
    then scores and progress for those only, so a page costs the same whatever the portfolio's
    size. The page's object_list holds ClientRow."""
    structure = structure or reference_structure()
    page = Paginator(client_organisations(user, **filters), per_page).get_page(page_number)
    page.object_list = rows_for(list(page.object_list), structure)
    return page, structure


def comparison(rows: list[ClientRow], structure) -> list[dict]:
    """Dimension by dimension: each selected client's score and the selection's median."""
    titles = dimension_titles(structure)
    codes = list(titles) or sorted({code for row in rows for code in row.scores})
    table = []
    for code in codes:
        values = [row.scores.get(code) for row in rows]
        known = [v for v in values if v is not None]
        table.append(
            {
                "code": code,
                "title": titles.get(code, code),
                "scores": values,
                # Each score with its organisation's name: a phone shows them side by side. The
                # name goes into an attribute, which the typography middleware leaves as it is.
                "cells": [
                    (french_plain_text(row.organisation.name), value)
                    for row, value in zip(rows, values, strict=True)
                ],
                "median": round(scoring.median(known), 1) if known else None,
            }
        )
    return table


# Consents ending within this many days are pointed out on the adviser's home page.
EXPIRING_WITHIN_DAYS = 30
REQUESTS_SHOWN = 5


@dataclass
class PortfolioSummary:
    clients: int
    with_results: int  # clients with a completed diagnostic to read
    expiring: int  # accesses ending within EXPIRING_WITHIN_DAYS
    requested: int  # the adviser's requests that organisations have not answered yet
    requests: list[Consent] = field(default_factory=list)  # the latest of them


def summary(user) -> PortfolioSummary:
    """The adviser's home page: their portfolio in figures and their pending requests for
    access. Two queries at most, whatever the portfolio's size."""
    now = timezone.now()
    live = Q(
        status=Consent.Status.ACTIVE,
        expires_at__gt=now,
        adviser__adviser_profile__status=AdviserProfile.Status.APPROVED,
    )
    has_results = Exists(
        Diagnostic.objects.filter(
            organisation=OuterRef("organisation"), status=Diagnostic.Status.COMPLETED
        )
    )
    figures = Consent.objects.filter(adviser=user).aggregate(
        clients=Count("organisation", filter=live, distinct=True),
        with_results=Count("organisation", filter=live & Q(has_results), distinct=True),
        expiring=Count(
            "pk", filter=live & Q(expires_at__lte=now + timedelta(days=EXPIRING_WITHIN_DAYS))
        ),
        requested=Count("pk", filter=Q(status=Consent.Status.REQUESTED)),
    )
    requests = []
    if figures["requested"]:
        requests = list(
            Consent.objects.filter(adviser=user, status=Consent.Status.REQUESTED)
            .select_related("organisation")
            .only("pk", "requested_at", "organisation", "organisation__name")
            .order_by("-requested_at", "-pk")[:REQUESTS_SHOWN]
        )
    return PortfolioSummary(**figures, requests=requests)
