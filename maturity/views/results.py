"""Completing a diagnostic, its results (page and PDF) and the answers respondents share.
Each view says who may see it; lookups go through maturity.access."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.security import organisation_action_allowed
from maturity import footprint, results_document, services
from maturity.access import diagnostic_for_member, member_of
from maturity.models import Diagnostic, DimensionResult, Respondent, ResultSnapshot, Section
from maturity.scoring import display_score
from maturity.structure import structure_for


@login_required
def complete(request, pk):
    """Admins of the organisation: review what is unanswered, then complete (answers lock)."""
    diagnostic = diagnostic_for_member(request.user, pk, admin=True)
    if diagnostic.is_completed:
        return redirect("maturity:results", pk=pk)
    structure = structure_for(diagnostic.questionnaire)
    respondents = list(diagnostic.respondents.select_related("user").prefetch_related("answers"))
    # The requester's own unanswered questions, section by section; everyone else's in one line
    # each: only they can answer them, and a workshop brings dozens of respondents.
    summary, others = [], []
    for respondent in respondents:
        answers = {a.question_id: a for a in respondent.answers.all()}
        missing = services.unanswered_required(structure, answers)
        sections = _missing_by_section(request, respondent, missing)
        if respondent.user_id is not None and respondent.user_id == request.user.pk:
            summary.append((respondent, len(missing), sections))
        else:
            others.append((respondent, len(missing), len(sections)))
    if request.method == "POST":
        try:
            services.complete(diagnostic=diagnostic, by=request.user)
        except services.DiagnosticError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Le diagnostic est terminé : voici vos résultats."))
            return redirect("maturity:results", pk=pk)
    return TemplateResponse(
        request,
        "maturity/complete.html",
        {"diagnostic": diagnostic, "summary": summary, "others": others},
    )


def _missing_by_section(request, respondent: Respondent, missing) -> list[dict]:
    """A respondent's unanswered questions grouped by section, in order; each section links to
    its page when the respondent is the requester (only they may open their own pages)."""
    own = respondent.user_id is not None and respondent.user_id == request.user.pk
    sections: dict[str, dict] = {}
    for title, question in missing:
        code = question.section_code
        if code not in sections:
            sections[code] = {
                "code": code,
                "title": title,
                "url": reverse("maturity:section", args=[respondent.pk, code]) if own else "",
                "questions": [],
            }
        sections[code]["questions"].append(question)
    return list(sections.values())


@login_required
def results_page(request, pk):
    """Members of the organisation: results of a completed diagnostic."""
    diagnostic = diagnostic_for_member(request.user, pk)
    snapshot = ResultSnapshot.objects.filter(diagnostic=diagnostic).first()
    if snapshot is None:
        return TemplateResponse(
            request, "maturity/results_pending.html", {"diagnostic": diagnostic}
        )
    structure = structure_for(diagnostic.questionnaire)
    data = snapshot.data
    history = list(
        Diagnostic.objects.filter(
            organisation=diagnostic.organisation,
            status=Diagnostic.Status.COMPLETED,
            completed_at__lt=diagnostic.completed_at or timezone.now(),
        )
        .exclude(pk=diagnostic.pk)
        .select_related("snapshot")
        .prefetch_related(
            Prefetch("snapshot__dimension_results", queryset=DimensionResult.objects.all())
        )
        .order_by("-completed_at")[:3]
    )
    history_rows = []
    for past in history:
        past_scores = {r.dimension: r.score for r in past.snapshot.dimension_results.all()}
        history_rows.append(
            {
                "diagnostic": past,
                "changes": [
                    (
                        d["title"],
                        past_scores.get(d["code"]),
                        d["score"],
                        None
                        if d["score"] is None or past_scores.get(d["code"]) is None
                        # The difference of the scores shown beside it, in whole points.
                        else display_score(d["score"]) - display_score(past_scores[d["code"]]),
                    )
                    for d in data["dimensions"]
                ],
            }
        )
    return TemplateResponse(
        request,
        "maturity/results.html",
        {
            "diagnostic": diagnostic,
            # The links to the next steps: granting a DLA adviser access is for admins.
            "membership": member_of(request, diagnostic.organisation_id),
            "data": data,
            "history": history_rows,
            "footprint": footprint.for_page(data.get("footprint")),
            **results_document.overview(diagnostic, data, structure),
        },
    )


@login_required
@require_POST
def results_pdf(request, pk):
    """Members of the organisation: the results alone as a PDF, for the board or the DLA
    interview (results_document). A diagnostic still in progress leads to the results page,
    which says so. A POST: each one builds the document, and the rate limit counts POSTs."""
    diagnostic = diagnostic_for_member(request.user, pk)
    snapshot = ResultSnapshot.objects.filter(diagnostic=diagnostic).first()
    if snapshot is None:
        return redirect("maturity:results", pk=pk)
    # Built in this process: counted, so that nobody keeps a web worker busy with it.
    if not organisation_action_allowed(request, "results_pdf", diagnostic.organisation_id):
        messages.error(
            request,
            _("Vous avez demandé beaucoup de documents en peu de temps. Réessayez dans une heure."),
        )
        return redirect("maturity:results", pk=pk)
    content = results_document.render_pdf(
        diagnostic, snapshot.data, structure_for(diagnostic.questionnaire)
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="resultats-diagnostic-{diagnostic.pk}.pdf"'
    )
    return response


@login_required
def respondent_answers(request, pk, respondent_pk):
    """Admins of the organisation, and only for respondents who consented to share."""
    diagnostic = diagnostic_for_member(request.user, pk, admin=True)
    respondent = get_object_or_404(
        Respondent.objects.select_related("user"),
        pk=respondent_pk,
        diagnostic=diagnostic,
        share_answers=True,
    )
    structure = structure_for(diagnostic.questionnaire)
    answers = services.answers_of(respondent)
    sections = [
        (s, [(q, answers.get(q.id)) for q in s.questions])
        for s in structure.sections
        if s.kind != Section.Kind.SKILLS  # personal skills stay personal, even when sharing
    ]
    return TemplateResponse(
        request,
        "maturity/respondent_answers.html",
        {"diagnostic": diagnostic, "respondent": respondent, "sections": sections},
    )
