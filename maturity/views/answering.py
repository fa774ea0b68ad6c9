"""Answering a diagnostic: the respondent's welcome, summary and sections, and the autosave.
Each view says who may see it; lookups go through maturity.access."""

import copy

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.links import pk_urls
from maturity import services
from maturity.access import member_of, respondent_for, respondent_required
from maturity.forms import ConsentForm
from maturity.models import ResultSnapshot, Section
from maturity.structure import structure_for


@respondent_required
def welcome(request, pk):
    """The respondent themselves (a guest first of all, sent here by their link): who asks for
    their opinion and why, how long it takes, what is shared and what stays theirs."""
    respondent = respondent_for(request, pk)
    structure = structure_for(respondent.diagnostic.questionnaire)
    answers = services.answers_of(respondent)
    progress = services.section_progress(structure, answers)
    overall = services.overall_progress(progress)
    return TemplateResponse(
        request,
        "maturity/welcome.html",
        {
            "respondent": respondent,
            "diagnostic": respondent.diagnostic,
            "invited_by": respondent.invited_by,
            "structure": structure,
            "overall": overall,
            "minutes": services.estimated_minutes(overall.total - overall.answered),
            "parts": len(structure.sections),
            "next_section": next(
                (s for s in structure.sections if not progress[s.code].done), None
            ),
            "finished": services.finished(structure, answers),
        },
    )


@respondent_required
def respondent_home(request, pk):
    """The respondent themselves (member or guest with a live link): sections and progress."""
    respondent = respondent_for(request, pk)
    structure = structure_for(respondent.diagnostic.questionnaire)
    answers = services.answers_of(respondent)
    progress = services.section_progress(structure, answers)
    sections = [(s, progress[s.code]) for s in structure.sections]
    skills = None
    if any(s.kind == Section.Kind.SKILLS for s in structure.sections):
        from maturity import scoring

        specs = structure.specs_for(Section.Kind.SKILLS)
        areas = structure.sections_of(Section.Kind.SKILLS)
        own = scoring.dimension_scores(
            specs,
            scoring.question_scores(specs, services.answer_values(answers)),
            [scoring.DimensionSpec(a.code) for a in areas],
        )
        skills = [(a.title, own.get(a.code)) for a in areas]
    context = {
        "respondent": respondent,
        "diagnostic": respondent.diagnostic,
        "structure": structure,
        "sections": sections,
        "overall": services.overall_progress(progress),
        "consent_form": ConsentForm(initial={"share_answers": respondent.share_answers}),
        "own_skills": skills,
        "can_inventory": not respondent.is_guest,
        "finished": services.finished(structure, answers),
    }
    return TemplateResponse(request, "maturity/respondent_home.html", context)


@respondent_required
@require_POST
def respondent_consent(request, pk):
    """The respondent themselves: share (or stop sharing) individual answers with the admins."""
    respondent = respondent_for(request, pk)
    form = ConsentForm(request.POST)
    form.is_valid()
    respondent.share_answers = form.cleaned_data.get("share_answers", False)
    respondent.save(update_fields=["share_answers", "updated_at"])
    messages.success(
        request,
        _("Vos réponses individuelles sont partagées avec les administrateur·rices.")
        if respondent.share_answers
        else _("Vos réponses individuelles ne sont plus partagées."),
    )
    return redirect("maturity:respondent_home", pk=pk)


def _section_context(respondent, structure, section, answers, errors=None, saved=None):
    visible = services.visible_questions(structure, section.code, answers)
    order = [s.code for s in structure.sections]
    index = order.index(section.code)
    progress = services.section_progress(structure, answers)
    return {
        "respondent": respondent,
        "diagnostic": respondent.diagnostic,
        "section": section,
        "questions": visible,
        "visible_ids": {q.id for q in visible},
        "oob": False,  # the progress block is swapped out of band by autosave only
        "autosave_urls": pk_urls(
            "maturity:autosave", [respondent.pk], [q.id for q in section.questions]
        ),
        "answers": answers,
        "errors": errors or {},
        "saved": saved,
        "progress": progress[section.code],
        "overall": services.overall_progress(progress),
        "finished": services.finished(structure, answers),
        "previous": structure.sections[index - 1] if index > 0 else None,
        "next": structure.sections[index + 1] if index + 1 < len(order) else None,
        "locked": respondent.diagnostic.is_completed,
    }


def _organisation_record(request, respondent, section) -> dict:
    """The profile part shows the organisation's record instead of asking what it holds (in
    versions of the questionnaire whose profile questions say so), with the way to correct it
    for its admins; a completed diagnostic shows the record as it was at completion."""
    if not section.record_questions:
        return {"organisation_record": None}
    diagnostic = respondent.diagnostic
    record = copy.copy(diagnostic.organisation)
    kept = ResultSnapshot.objects.filter(diagnostic=diagnostic).values_list("data", flat=True)
    if diagnostic.is_completed and kept:
        for field, value in (kept[0].get("profile") or {}).items():
            setattr(record, field, value)
    admin = (
        not respondent.is_guest
        and not diagnostic.is_completed
        and member_of(request, diagnostic.organisation_id).is_admin
    )
    return {"organisation_record": record, "can_edit_organisation": admin}


@respondent_required
def section(request, pk, code):
    """The respondent themselves: one section; a plain POST saves the whole section."""
    respondent = respondent_for(request, pk)
    structure = structure_for(respondent.diagnostic.questionnaire)
    section = structure.section_by_code.get(code)
    if section is None:
        return TemplateResponse(request, "404.html", {}, status=404)
    answers = services.answers_of(respondent)
    errors: dict[int, str] = {}
    if request.method == "POST":
        if respondent.diagnostic.is_completed:
            messages.error(
                request,
                _("Ce diagnostic est terminé : ses réponses ne peuvent plus être modifiées."),
            )
            return redirect("maturity:respondent_home", pk=pk)
        visible_before = {q.id for q in services.visible_questions(structure, code, answers)}
        with transaction.atomic():
            for question in section.questions:
                values = request.POST.getlist(f"q{question.id}")
                text = request.POST.get(f"q{question.id}_text", "")
                if f"q{question.id}_present" not in request.POST:
                    continue  # question not on the submitted page (hidden when it was shown)
                try:
                    parsed = services.parse_answer(question, values, text)
                    services.save_answer(
                        respondent=respondent, structure=structure, question=question, parsed=parsed
                    )
                except services.DiagnosticError as exc:
                    errors[question.id] = str(exc)
        answers = services.answers_of(respondent)
        if errors:
            context = _section_context(respondent, structure, section, answers, errors=errors)
            context.update(_organisation_record(request, respondent, section))
            return TemplateResponse(request, "maturity/section.html", context, status=400)
        newly_visible = {
            q.id for q in services.visible_questions(structure, code, answers)
        } - visible_before
        messages.success(request, _("Vos réponses sont enregistrées."))
        codes = [s.code for s in structure.sections]
        index = codes.index(code)
        if newly_visible or request.POST.get("stay"):
            return redirect("maturity:section", pk=pk, code=code)
        if index + 1 < len(codes):
            return redirect("maturity:section", pk=pk, code=codes[index + 1])
        return redirect("maturity:respondent_home", pk=pk)
    context = _section_context(respondent, structure, section, answers)
    context.update(_organisation_record(request, respondent, section))
    return TemplateResponse(request, "maturity/section.html", context)


@respondent_required
@require_POST
def autosave(request, pk, question_pk):
    """The respondent themselves: htmx saves one answer as soon as it is given."""
    respondent = respondent_for(request, pk, page=False)
    structure = structure_for(respondent.diagnostic.questionnaire)
    question = structure.questions.get(question_pk)
    if question is None:
        return HttpResponse(_("Cette question n'appartient pas à ce diagnostic."), status=400)
    answers = services.answers_of(respondent)
    section = structure.section_by_code[question.section_code]
    error = None
    try:
        parsed = services.parse_answer(
            question,
            request.POST.getlist(f"q{question.id}"),
            request.POST.get(f"q{question.id}_text", ""),
        )
        answer = services.save_answer(
            respondent=respondent, structure=structure, question=question, parsed=parsed
        )
    except services.DiagnosticError as exc:
        error = str(exc)
    else:
        if answer is None:
            answers.pop(question.id, None)
        else:
            answers[question.id] = services.GivenAnswer.of(answer)
    context = _section_context(
        respondent,
        structure,
        section,
        answers,
        errors={question.id: error} if error else {},
        saved=None if error else question.id,
    )
    visible = {q.id for q in context["questions"]}
    context["question"] = question
    # Questions shown only after a given answer appear or vanish out of band.
    context["dependents"] = [
        (q, q.id in visible) for q in section.questions if q.show_if_question == question.code
    ]
    return TemplateResponse(
        request, "maturity/section.html#autosave", context, status=400 if error else 200
    )
