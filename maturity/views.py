"""Diagnostic pages. Each view says who may see it; lookups go through maturity.access."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import cress_admin_required, membership_for
from accounts.security import (
    invitation_allowed,
    invitation_limit_message,
    organisation_action_allowed,
)
from common.links import pk_urls
from maturity import footprint, hooks, qr, questionnaire_file, results_document, services, versions
from maturity import inventory as inventory_rules
from maturity.access import (
    GUEST_SESSION_KEY,
    diagnostic_for_member,
    member_of,
    respondent_for,
    respondent_required,
)
from maturity.forms import (
    ConsentForm,
    EquipmentForm,
    GuestInviteForm,
    MemberInviteForm,
    NewDraftForm,
    QuestionnaireUploadForm,
)
from maturity.models import (
    Diagnostic,
    DimensionResult,
    EquipmentItem,
    InventoryItem,
    Questionnaire,
    Respondent,
    ResultSnapshot,
    Section,
)
from maturity.scoring import display_score
from maturity.structure import structure_for

# --- Organisation's diagnostics -------------------------------------------------------------------


@login_required
def organisation_diagnostics(request, org_pk):
    """Members of the organisation: its diagnostics, past and in progress."""
    membership = membership_for(request.user, org_pk)
    diagnostics = (
        Diagnostic.objects.filter(organisation=membership.organisation)
        .select_related("questionnaire", "snapshot")
        .prefetch_related(
            Prefetch("respondents", queryset=Respondent.objects.select_related("user"))
        )
    )
    return TemplateResponse(
        request,
        "maturity/organisation_diagnostics.html",
        {
            "membership": membership,
            "organisation": membership.organisation,
            "diagnostics": diagnostics,
        },
    )


@login_required
@require_POST
def diagnostic_start(request, org_pk):
    """Members of the organisation start a diagnostic (or join the one in progress)."""
    membership = membership_for(request.user, org_pk)
    try:
        _diagnostic, respondent = services.start_diagnostic(
            organisation=membership.organisation, user=request.user
        )
    except services.DiagnosticError as exc:
        messages.error(request, str(exc))
        return redirect("maturity:organisation_diagnostics", org_pk=org_pk)
    return redirect("maturity:respondent_home", pk=respondent.pk)


@login_required
def diagnostic_detail(request, pk):
    """Members of the organisation: who answers, progress; admins invite and complete."""
    diagnostic = diagnostic_for_member(request.user, pk)
    membership = membership_for(request.user, diagnostic.organisation_id)
    respondents = list(diagnostic.respondents.select_related("user").prefetch_related("answers"))
    structure = structure_for(diagnostic.questionnaire)
    rows = []
    for respondent in respondents:
        answers = {a.question_id: a for a in respondent.answers.all()}
        rows.append(
            (respondent, services.overall_progress(services.section_progress(structure, answers)))
        )
    context = {
        "diagnostic": diagnostic,
        "membership": membership,
        "rows": rows,
        "my_respondent": next((r for r in respondents if r.user_id == request.user.pk), None),
        # Pages of higher apps about this diagnostic (a workshop with the team).
        "extra_links": hooks.diagnostic_links(diagnostic, membership),
    }
    if membership.is_admin and not diagnostic.is_completed:
        context["member_form"] = MemberInviteForm(
            organisation=diagnostic.organisation,
            exclude_users=[r.user_id for r in respondents if r.user_id],
        )
        context["guest_form"] = GuestInviteForm()
    return TemplateResponse(request, "maturity/diagnostic_detail.html", context)


@login_required
@require_POST
def invite_member(request, pk):
    """Admins of the organisation ask a member to answer too."""
    diagnostic = diagnostic_for_member(request.user, pk, admin=True)
    form = MemberInviteForm(request.POST, organisation=diagnostic.organisation)
    if form.is_valid():
        try:
            services.add_member_respondent(
                diagnostic=diagnostic, membership=form.cleaned_data["membership"], by=request.user
            )
        except services.DiagnosticError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("La personne est invitée à répondre."))
    else:
        messages.error(request, _("Choisissez un·e membre de l'organisation."))
    return redirect("maturity:diagnostic_detail", pk=pk)


# Guests' links just made, kept in the session of the admin who made them so that the page
# after can show them to copy: only their hash is stored, the clear link exists nowhere else.
FRESH_GUEST_LINKS_KEY = "fresh_guest_links"
FRESH_GUEST_LINKS_KEPT = 20


def _keep_guest_link(request, respondent_pk: int, url: str) -> None:
    links = {k: v for k, v in request.session.get(FRESH_GUEST_LINKS_KEY, {}).items()}
    links.pop(str(respondent_pk), None)
    links[str(respondent_pk)] = url
    request.session[FRESH_GUEST_LINKS_KEY] = dict(list(links.items())[-FRESH_GUEST_LINKS_KEPT:])


def _forget_guest_link(request, respondent_pk: int) -> None:
    links = request.session.get(FRESH_GUEST_LINKS_KEY, {})
    if str(respondent_pk) in links:
        request.session[FRESH_GUEST_LINKS_KEY] = {
            k: v for k, v in links.items() if k != str(respondent_pk)
        }


def _guest_of(diagnostic, respondent_pk: int) -> Respondent:
    return get_object_or_404(Respondent, pk=respondent_pk, diagnostic=diagnostic, user__isnull=True)


@login_required
@require_POST
def invite_guest(request, pk):
    """Admins of the organisation invite a guest (board member, volunteer) by a personal link,
    e-mailed to them or passed on by the admin: the next page shows it to copy."""
    diagnostic = diagnostic_for_member(request.user, pk, admin=True)
    form = GuestInviteForm(request.POST)
    if form.is_valid() and not invitation_allowed(request, diagnostic.organisation_id):
        form.add_error(None, invitation_limit_message())
    elif form.is_valid():
        try:
            respondent, url = services.invite_guest(
                diagnostic=diagnostic, by=request.user, **form.cleaned_data
            )
        except services.DiagnosticError as exc:
            messages.error(request, str(exc))
        else:
            _keep_guest_link(request, respondent.pk, url)
            if respondent.email:
                messages.success(
                    request,
                    _("Un lien personnel a été envoyé à %(email)s.") % {"email": respondent.email},
                )
            else:
                messages.success(
                    request,
                    _("Le lien personnel de %(name)s est prêt : transmettez-le-lui.")
                    % {"name": respondent.display_name},
                )
            return redirect("maturity:guest_link", pk=pk, respondent_pk=respondent.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("maturity:diagnostic_detail", pk=pk)


@login_required
def guest_link(request, pk, respondent_pk):
    """Admins of the organisation: a guest's link to copy and its QR code, while the session
    of the admin who made it lasts; after that, a new link can be made."""
    diagnostic = diagnostic_for_member(request.user, pk, admin=True)
    respondent = _guest_of(diagnostic, respondent_pk)
    url = request.session.get(FRESH_GUEST_LINKS_KEY, {}).get(str(respondent.pk))
    live = respondent.guest_link_is_live and not diagnostic.is_completed
    context = {"diagnostic": diagnostic, "respondent": respondent, "live": live, "url": None}
    if url and live:
        context["url"] = url
        context["qr"] = qr.svg(
            url,
            title=_("QR code du lien personnel de %(name)s") % {"name": respondent.display_name},
        )
    return TemplateResponse(request, "maturity/guest_link.html", context)


@login_required
@require_POST
def renew_guest_link(request, pk, respondent_pk):
    """Admins of the organisation make a new link for a guest; the former one stops working."""
    diagnostic = diagnostic_for_member(request.user, pk, admin=True)
    respondent = _guest_of(diagnostic, respondent_pk)
    if not invitation_allowed(request, diagnostic.organisation_id):
        messages.error(request, invitation_limit_message())
        return redirect("maturity:guest_link", pk=pk, respondent_pk=respondent.pk)
    try:
        url = services.renew_guest_link(respondent, by=request.user)
    except services.DiagnosticError as exc:
        messages.error(request, str(exc))
    else:
        _keep_guest_link(request, respondent.pk, url)
        messages.success(request, _("Un nouveau lien est prêt : l’ancien ne fonctionne plus."))
    return redirect("maturity:guest_link", pk=pk, respondent_pk=respondent.pk)


@login_required
@require_POST
def revoke_guest(request, pk, respondent_pk):
    """Admins of the organisation revoke a guest's link at once."""
    diagnostic = diagnostic_for_member(request.user, pk, admin=True)
    respondent = _guest_of(diagnostic, respondent_pk)
    services.revoke_guest(respondent)
    _forget_guest_link(request, respondent.pk)
    messages.success(
        request, _("Le lien de %(name)s ne fonctionne plus.") % {"name": respondent.display_name}
    )
    return redirect("maturity:diagnostic_detail", pk=pk)


def guest_entry(request, token):
    """Anyone holding a live guest link: it opens this diagnostic only, for this respondent."""
    respondent = Respondent.for_token(token)
    if respondent is None:
        return TemplateResponse(
            request,
            "maturity/guest_invalid.html",
            {"reason": _("Ce lien n'existe pas. Vérifiez que vous l'avez copié en entier.")},
            status=404,
        )
    if not respondent.guest_link_is_live or respondent.diagnostic.is_completed:
        reason = (
            _("Ce diagnostic est terminé : merci pour votre participation.")
            if respondent.diagnostic.is_completed
            else _(
                "Ce lien a expiré ou a été désactivé. Demandez un nouveau lien à l'organisation."
            )
        )
        return TemplateResponse(
            request, "maturity/guest_invalid.html", {"reason": reason}, status=410
        )
    guests = set(request.session.get(GUEST_SESSION_KEY, []))
    guests.add(respondent.pk)
    request.session[GUEST_SESSION_KEY] = sorted(guests)
    return redirect("maturity:welcome", pk=respondent.pk)


# --- Answering ------------------------------------------------------------------------------------


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


@login_required
def inventory(request, pk):
    """Members of the organisation: tools in use per usage, and equipment."""
    diagnostic = diagnostic_for_member(request.user, pk)
    structure = structure_for(diagnostic.questionnaire)
    usages = structure.inventory.get("usages", [])
    equipment_kinds = structure.inventory.get("equipment", [])
    items = list(diagnostic.inventory_items.all())
    equipment = {e.kind: e for e in diagnostic.equipment_items.all()}
    errors = []
    usage_errors: dict[str, str] = {}
    equipment_forms = {
        kind["code"]: EquipmentForm(
            request.POST or None,
            prefix=f"eq-{kind['code']}",
            initial={
                "count": getattr(equipment.get(kind["code"]), "count", None),
                "average_age": getattr(equipment.get(kind["code"]), "average_age", None),
                "reconditioned_percent": getattr(
                    equipment.get(kind["code"]), "reconditioned_percent", None
                ),
                "renewal_years": getattr(equipment.get(kind["code"]), "renewal_years", None),
            },
        )
        for kind in equipment_kinds
    }
    if request.method == "POST":
        if diagnostic.is_completed:
            messages.error(
                request, _("Ce diagnostic est terminé : son inventaire ne peut plus être modifié.")
            )
            return redirect("maturity:inventory", pk=pk)
        lines, usage_errors = inventory_rules.declared(
            usages,
            {u["code"]: request.POST.getlist(f"tools-{u['code']}") for u in usages},
            {u["code"]: request.POST.get(f"other-{u['code']}", "") for u in usages},
            [u["code"] for u in usages if request.POST.get(f"none-{u['code']}")],
        )
        equipment_valid = all(form.is_valid() for form in equipment_forms.values())
        if equipment_valid and not usage_errors:
            with transaction.atomic():
                diagnostic.inventory_items.all().delete()
                InventoryItem.objects.bulk_create(
                    InventoryItem(
                        diagnostic=diagnostic,
                        usage=line.usage,
                        tool_name=line.name,
                        without_tool=line.without_tool,
                        libre=line.libre,
                        eu_hosted=line.eu_hosted,
                        added_by=request.user,
                    )
                    for line in lines
                )
                for code, form in equipment_forms.items():
                    data = form.cleaned_data
                    EquipmentItem.objects.update_or_create(
                        diagnostic=diagnostic,
                        kind=code,
                        defaults={
                            "count": data["count"] or 0,
                            "average_age": data["average_age"],
                            "reconditioned_percent": data["reconditioned_percent"],
                            "renewal_years": data["renewal_years"],
                        },
                    )
            messages.success(request, _("L'inventaire est enregistré."))
            return redirect("maturity:inventory", pk=pk)
        if usage_errors:
            errors.append(_("Certains usages sont à corriger : voyez les messages ci-dessous."))
        if not equipment_valid:
            errors.append(
                _(
                    "Certaines valeurs d'équipement ne sont pas valides : corrigez les champs "
                    "signalés."
                )
            )
    chosen: dict[str, set[str]] = {}
    others: dict[str, list[str]] = {}
    without: set[str] = set()
    for item in items:
        usage = next((u for u in usages if u["code"] == item.usage), None)
        if item.without_tool:
            without.add(item.usage)
        elif usage and item.tool_name in {t["name"] for t in usage["common_tools"]}:
            chosen.setdefault(item.usage, set()).add(item.tool_name)
        else:
            others.setdefault(item.usage, []).append(item.tool_name)
    if request.method == "POST":
        chosen = {u["code"]: set(request.POST.getlist(f"tools-{u['code']}")) for u in usages}
        others = {u["code"]: [request.POST.get(f"other-{u['code']}", "")] for u in usages}
        without = {u["code"] for u in usages if request.POST.get(f"none-{u['code']}")}
    rows = [
        {
            "usage": u,
            "chosen": chosen.get(u["code"], set()),
            "other": ", ".join(others.get(u["code"], [])),
            "without_tool": u["code"] in without,
            "error": usage_errors.get(u["code"], ""),
        }
        for u in usages
    ]
    return TemplateResponse(
        request,
        "maturity/inventory.html",
        {
            "diagnostic": diagnostic,
            "structure": structure,
            "rows": rows,
            "equipment": [(kind, equipment_forms[kind["code"]]) for kind in equipment_kinds],
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
def complete(request, pk):
    """Admins of the organisation: review what is unanswered, then complete (answers lock)."""
    diagnostic = diagnostic_for_member(request.user, pk, admin=True)
    if diagnostic.is_completed:
        return redirect("maturity:results", pk=pk)
    structure = structure_for(diagnostic.questionnaire)
    respondents = list(diagnostic.respondents.select_related("user").prefetch_related("answers"))
    summary = []
    for respondent in respondents:
        answers = {a.question_id: a for a in respondent.answers.all()}
        summary.append((respondent, services.unanswered_required(structure, answers)))
    if request.method == "POST":
        try:
            services.complete(diagnostic=diagnostic, by=request.user)
        except services.DiagnosticError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Le diagnostic est terminé : voici vos résultats."))
            return redirect("maturity:results", pk=pk)
    return TemplateResponse(
        request, "maturity/complete.html", {"diagnostic": diagnostic, "summary": summary}
    )


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


# --- CRESS: questionnaire versions ------------------------------------------------------------------


@cress_admin_required
def questionnaires(request):
    """CRESS admins: versions of the questionnaire; import a file as a new draft."""
    form = QuestionnaireUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        data, errors = questionnaire_file.load(form.cleaned_data["file"])
        if not errors:
            try:
                questionnaire = questionnaire_file.import_questionnaire(
                    data, created_by=request.user
                )
            except questionnaire_file.QuestionnaireFileError as exc:
                errors = exc.errors
            else:
                messages.success(
                    request,
                    _("La version %(v)s est importée comme brouillon.")
                    % {"v": questionnaire.version},
                )
                return redirect("maturity:questionnaire_detail", pk=questionnaire.pk)
    return TemplateResponse(
        request,
        "maturity/questionnaires.html",
        {"questionnaires": Questionnaire.objects.all(), "form": form, "errors": errors},
        status=400 if errors else 200,
    )


@cress_admin_required
def questionnaire_detail(request, pk):
    """CRESS admins: one version, its content and validation."""
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    structure = structure_for(questionnaire)
    _data, errors = questionnaire_file.clean(questionnaire_file.export_questionnaire(questionnaire))
    return TemplateResponse(
        request,
        "maturity/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "structure": structure,
            "errors": errors,
            "draft_form": NewDraftForm(),
            "upload_form": QuestionnaireUploadForm(),
            "diagnostics": questionnaire.diagnostics.count(),
        },
    )


@cress_admin_required
def questionnaire_export(request, pk):
    """CRESS admins: the version as a YAML file."""
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    text = questionnaire_file.dump(
        questionnaire_file.export_questionnaire(questionnaire),
        schema_url=request.build_absolute_uri(reverse("maturity:questionnaire_schema")),
    )
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="questionnaire-{questionnaire.version}.yaml"'
    )
    return response


@cress_admin_required
@require_POST
def questionnaire_new_draft(request, pk):
    """CRESS admins: copy a version into a new draft."""
    source = get_object_or_404(Questionnaire, pk=pk)
    form = NewDraftForm(request.POST)
    if form.is_valid():
        try:
            draft = versions.new_draft_from(
                source, version=form.cleaned_data["version"], created_by=request.user
            )
        except questionnaire_file.QuestionnaireFileError as exc:
            messages.error(request, " ".join(exc.errors))
        else:
            messages.success(request, _("Brouillon %(v)s créé.") % {"v": draft.version})
            return redirect("maturity:questionnaire_detail", pk=draft.pk)
    else:
        messages.error(request, _("Indiquez un numéro de version (20 caractères au plus)."))
    return redirect("maturity:questionnaire_detail", pk=pk)


@cress_admin_required
@require_POST
def questionnaire_replace(request, pk):
    """CRESS admins: replace a draft's content by an edited file (nothing changes on error)."""
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    form = QuestionnaireUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("maturity:questionnaire_detail", pk=pk)
    data, errors = questionnaire_file.load(form.cleaned_data["file"])
    if not errors:
        try:
            questionnaire_file.import_questionnaire(data, replace=questionnaire)
        except questionnaire_file.QuestionnaireFileError as exc:
            errors = exc.errors
    if errors:
        return TemplateResponse(
            request,
            "maturity/questionnaires.html",
            {
                "questionnaires": Questionnaire.objects.all(),
                "form": QuestionnaireUploadForm(),
                "errors": errors,
            },
            status=400,
        )
    messages.success(request, _("Le brouillon est mis à jour."))
    return redirect("maturity:questionnaire_detail", pk=pk)


@cress_admin_required
@require_POST
def questionnaire_publish(request, pk):
    """CRESS admins: publish a draft; the former version is archived, its diagnostics keep it."""
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    try:
        versions.publish(questionnaire)
    except versions.VersionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("La version %(v)s est publiée : les nouveaux diagnostics l'utiliseront.")
            % {"v": questionnaire.version},
        )
    return redirect("maturity:questionnaire_detail", pk=pk)
