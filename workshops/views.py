"""Workshop pages. Participants come in by a code, without an account; the facilitator's pages
check on every request that the requester may still run the workshop (workshops.access)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import security
from accounts.models import Membership, Organisation
from ambassadors.models import Event
from maturity import roadmap
from maturity import services as maturity_services
from maturity.access import GUEST_SESSION_KEY
from maturity.models import Diagnostic, RoadmapAction
from maturity.structure import structure_for
from workshops import access, projection, report, services
from workshops.forms import (
    AgendaItemForm,
    ControlForm,
    DecisionForm,
    EventWorkshopForm,
    GroupForm,
    JoinCodeForm,
    LinkForm,
    WorkshopForm,
)
from workshops.models import AgendaItem, Decision, Participant, Workshop, normalise_code
from workshops.qr import qr_svg

# htmx stops polling on this status: the projection of someone no longer allowed stops.
STOP_POLLING = 286


def _posted(request):
    """The form's data on a POST, even an empty one (a form sent blank shows its errors)."""
    return request.POST if request.method == "POST" else None


# --- Codes: wrong or expired ones are counted per client address --------------------------------


def _code_refused(request) -> bool:
    """The client address has typed too many wrong codes lately (nothing is counted here)."""
    return security.address_blocked(request, "workshop_code")


def _wrong_code(request, closed: bool) -> str:
    security.address_allowed(request, "workshop_code")
    if closed:
        return _("Cet atelier est terminé : son code ne fonctionne plus. Merci d'être venu·e !")
    return _(
        "Ce code ne correspond à aucun atelier ouvert. Vérifiez les 6 caractères affichés à "
        "l'écran."
    )


def _too_many_codes() -> str:
    minutes = security.retry_after("workshop_code") // 60
    return _(
        "Trop de codes erronés depuis cette connexion : réessayez dans %(n)s minutes, ou "
        "demandez à l'animateur·rice de vérifier le code."
    ) % {"n": minutes}


# --- Participants ---------------------------------------------------------------------------------


def _remember(request, participant: Participant) -> None:
    joined = dict(access.session_participants(request))
    joined[str(participant.workshop_id)] = participant.pk
    request.session[access.PARTICIPANTS_SESSION_KEY] = joined
    guests = set(request.session.get(GUEST_SESSION_KEY, []))
    guests.add(participant.respondent_id)
    request.session[GUEST_SESSION_KEY] = sorted(guests)


def hub(request):
    """Everyone: the form to join a workshop by its code. People who may run workshops also
    find theirs here, and the organisations and events they may open one for."""
    form = JoinCodeForm(_posted(request), initial={"code": request.GET.get("code", "")[:20]})
    status = 200
    if request.method == "POST" and form.is_valid():
        if _code_refused(request):
            form.add_error("code", _too_many_codes())
            status = 429
        else:
            workshop, _entry, closed = services.find_by_code(form.cleaned_data["code"])
            if workshop is not None:
                return redirect("workshops:join", token=form.cleaned_data["code"])
            form.add_error("code", _wrong_code(request, closed))
            status = 410 if closed else 400
    elif request.method == "POST":
        status = 400
    context = {"form": form}
    user = request.user
    if user.is_authenticated:
        context.update(
            {
                "workshops": list(
                    access.facilitated_workshops(user)
                    .select_related("organisation")
                    .order_by("-status", "-created_at")[:30]
                ),
                # Not "organisations": the header reads the requester's own under that name.
                "facilitated": list(access.facilitated_organisations(user).order_by("name")),
                "entries": list(
                    access.entries_of_admin(user)
                    .filter(is_open=True)
                    .select_related("workshop", "organisation")
                ),
                "may_open_events": access.may_open_events(user),
                "may_link": Membership.objects.filter(
                    user=user, is_active=True, role=Membership.Role.ADMIN
                ).exists(),
            }
        )
    return TemplateResponse(request, "workshops/hub.html", context, status=status)


def join(request, token):
    """Anyone holding a workshop's code (typed, or by the QR code): choose a group and join as
    a participant of the diagnostic, without an account. The same phone joining again comes
    back to its own participant."""
    if _code_refused(request):
        return TemplateResponse(
            request, "workshops/join_invalid.html", {"reason": _too_many_codes()}, status=429
        )
    code = normalise_code(token)
    workshop, entry, closed = services.find_by_code(code)
    if workshop is None:
        return TemplateResponse(
            request,
            "workshops/join_invalid.html",
            {"reason": _wrong_code(request, closed)},
            status=410 if closed else 404,
        )
    mine = access.session_participants(request).get(str(workshop.pk))
    if mine and Participant.objects.filter(pk=mine, workshop=workshop).exists():
        messages.info(request, _("Vous avez déjà rejoint cet atelier : voici vos questions."))
        return redirect("workshops:participate", pk=mine)
    form = GroupForm(_posted(request), workshop=workshop)
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.join(
                workshop=workshop, entry=entry, group=form.cleaned_data["group"]
            )
        except services.WorkshopError as exc:
            form.add_error(None, str(exc))
        else:
            _remember(request, participant)
            return redirect("workshops:participate", pk=participant.pk)
    organisation = entry.organisation if entry else workshop.organisation
    return TemplateResponse(
        request,
        "workshops/join.html",
        {
            "workshop": workshop,
            "organisation": organisation,
            "form": form,
            "minimum": projection.MIN_ANSWERS,
        },
        status=400 if request.method == "POST" else 200,
    )


def _dimensions_to_show(workshop: Workshop, structure, answers, requested: str):
    """The dimension a participant answers now: the one the facilitator opened, or (at their
    own pace) the one asked for, else the first not finished."""
    dimensions = structure.dimensions
    if workshop.pace == Workshop.Pace.FACILITATOR:
        return structure.section_by_code.get(workshop.current_dimension)
    by_code = {d.code: d for d in dimensions}
    if requested in by_code:
        return by_code[requested]
    progress = maturity_services.section_progress(structure, answers)
    return next((d for d in dimensions if not progress[d.code].done), dimensions[0])


def participate(request, pk):
    """The participant themselves (this phone): the open dimension's questions, each saved as
    soon as it is answered (maturity's autosave), or all at once without JavaScript."""
    participant = access.participant_for(request, pk)
    workshop = participant.workshop
    respondent = participant.respondent
    diagnostic = respondent.diagnostic
    structure = structure_for(diagnostic.questionnaire)
    answers = maturity_services.answers_of(respondent)
    section = _dimensions_to_show(workshop, structure, answers, request.GET.get("partie", ""))
    answering = workshop.is_open and respondent.guest_link_is_live and not diagnostic.is_completed
    if request.method == "POST":
        if not answering or section is None:
            messages.error(
                request,
                _("L'atelier est terminé : vos réponses déjà données sont enregistrées."),
            )
            return redirect("workshops:participate", pk=pk)
        errors = {}
        with transaction.atomic():
            for question in section.questions:
                if f"q{question.id}_present" not in request.POST:
                    continue
                try:
                    parsed = maturity_services.parse_answer(
                        question,
                        request.POST.getlist(f"q{question.id}"),
                        request.POST.get(f"q{question.id}_text", ""),
                    )
                    maturity_services.save_answer(
                        respondent=respondent, structure=structure, question=question, parsed=parsed
                    )
                except maturity_services.DiagnosticError as exc:
                    errors[question.id] = str(exc)
        answers = maturity_services.answers_of(respondent)
        if not errors:
            messages.success(request, _("Vos réponses sont enregistrées."))
            url = reverse("workshops:participate", args=[pk])
            if workshop.pace == Workshop.Pace.FREE:
                url += f"?partie={section.code}"
            return redirect(url)
        return _participant_page(
            request, participant, structure, section, answers, answering, errors, status=400
        )
    if request.htmx and request.GET.get("attente"):
        # The waiting panel asks every few seconds whether a dimension was opened.
        if section is not None and not _done(structure, section, answers):
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        if not answering:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return HttpResponse(status=204)
    return _participant_page(request, participant, structure, section, answers, answering, {})


def _done(structure, section, answers) -> bool:
    visible = maturity_services.visible_questions(structure, section.code, answers)
    return all(q.id in answers for q in visible)


def _participant_page(
    request, participant, structure, section, answers, answering, errors, status=200
):
    workshop = participant.workshop
    progress = maturity_services.section_progress(structure, answers)
    dimension_codes = [d.code for d in structure.dimensions]
    context = {
        "participant": participant,
        "workshop": workshop,
        "respondent": participant.respondent,
        "group": workshop.group_label(participant.group),
        "section": section,
        "answering": answering,
        "answers": answers,
        "errors": errors,
        "saved": None,
        "locked": not answering,
        "dimensions": [(d, progress[d.code]) for d in structure.dimensions]
        if workshop.pace == Workshop.Pace.FREE
        else [],
        "waiting": False,
    }
    if section is not None:
        visible = maturity_services.visible_questions(structure, section.code, answers)
        index = dimension_codes.index(section.code)
        context.update(
            {
                "questions": visible,
                "visible_ids": {q.id for q in visible},
                "autosave_urls": {
                    q.id: reverse("maturity:autosave", args=[participant.respondent_id, q.id])
                    for q in section.questions
                },
                "progress": progress[section.code],
                # As maturity's autosave shows it when it swaps this block.
                "overall": maturity_services.overall_progress(progress),
                "oob": False,
                "next": structure.dimensions[index + 1]
                if index + 1 < len(dimension_codes)
                else None,
                "waiting": answering
                and workshop.pace == Workshop.Pace.FACILITATOR
                and progress[section.code].done,
            }
        )
    else:
        context["waiting"] = answering
    return TemplateResponse(request, "workshops/participate.html", context, status=status)


# --- Opening --------------------------------------------------------------------------------------


@login_required
def new(request, org_pk):
    """Whoever may facilitate for the organisation (its admins, an adviser with its consent, an
    ambassador it invited): open a workshop on its diagnostic in progress."""
    organisation = access.organisation_for(request.user, org_pk)
    diagnostic = services.diagnostic_in_progress(organisation)
    if diagnostic is None:
        return _nothing_to_open(request, organisation)
    form = WorkshopForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            workshop = services.open_team_workshop(
                organisation=organisation, by=request.user, **form.cleaned_data
            )
        except services.WorkshopError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("L'atelier est ouvert : montrez son code à la salle."))
            return redirect("workshops:detail", pk=workshop.pk)
    return TemplateResponse(
        request,
        "workshops/new.html",
        {
            "form": form,
            "organisation": organisation,
            "diagnostic": diagnostic,
        },
        status=400 if request.method == "POST" else 200,
    )


def _nothing_to_open(request, organisation: Organisation) -> TemplateResponse:
    """No diagnostic in progress: no workshop form (it could only fail), but why, and the next
    step: its members start a new diagnostic; the others are told who may."""
    last = (
        Diagnostic.objects.filter(organisation=organisation, status=Diagnostic.Status.COMPLETED)
        .order_by("-completed_at")
        .only("completed_at")
        .first()
    )
    return TemplateResponse(
        request,
        "workshops/new.html",
        {
            "organisation": organisation,
            "diagnostic": None,
            "last_completed": last,
            "may_start": Membership.objects.filter(
                user=request.user, organisation=organisation, is_active=True
            ).exists(),
        },
        # A form sent from a page older than the end of the diagnostic cannot be fulfilled.
        status=400 if request.method == "POST" else 200,
    )


def _events_for(user):
    events = Event.objects.not_cancelled().filter(ends_at__gt=timezone.now()).order_by("starts_at")
    if user.is_cress_admin:
        return events
    return events.filter(organiser=user)


@login_required
def new_event(request):
    """CRESS admins, and validated ambassadors for an event they organise: open a workshop
    where several organisations answer, each its own diagnostic (403 for anyone else)."""
    if not access.may_open_events(request.user):
        raise PermissionDenied
    form = EventWorkshopForm(
        _posted(request),
        events=_events_for(request.user),
        event_required=not request.user.is_cress_admin,
    )
    if request.method == "POST" and form.is_valid():
        try:
            workshop = services.open_event_workshop(by=request.user, **form.cleaned_data)
        except services.WorkshopError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("L'atelier collectif est ouvert : donnez son code aux organisations."),
            )
            return redirect("workshops:detail", pk=workshop.pk)
    return TemplateResponse(
        request,
        "workshops/new_event.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def link(request):
    """Admins of an organisation: take part in an event workshop with the organisation's
    diagnostic, by the event's code; the organisation's own code for its people follows."""
    organisations = Organisation.objects.filter(
        memberships__user=request.user,
        memberships__is_active=True,
        memberships__role=Membership.Role.ADMIN,
    ).order_by("name")
    form = LinkForm(_posted(request), organisations=organisations)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and _code_refused(request):
            form.add_error("code", _too_many_codes())
            status = 429
        elif form.is_valid():
            workshop = (
                Workshop.objects.open()
                .filter(kind=Workshop.Kind.EVENT, code=form.cleaned_data["code"])
                .first()
            )
            if workshop is None:
                form.add_error("code", _wrong_code(request, closed=False))
            else:
                try:
                    entry = services.link_organisation(
                        workshop=workshop,
                        organisation=form.cleaned_data["organisation"],
                        by=request.user,
                    )
                except services.WorkshopError as exc:
                    form.add_error(None, str(exc))
                else:
                    return redirect("workshops:entry", pk=entry.pk)
    return TemplateResponse(
        request,
        "workshops/link.html",
        {"form": form, "has_organisations": organisations.exists()},
        status=status,
    )


@login_required
def entry(request, pk):
    """Admins of an organisation taking part in an event: its code and QR code for its people,
    and how many joined (no figure of the organisation's own: the room sees the aggregate)."""
    entry = access.entry_for(request.user, pk)
    # From the request, not SITE_URL: the address people see is the one the page is served on.
    join_url = request.build_absolute_uri(reverse("workshops:join", args=[entry.code]))
    return TemplateResponse(
        request,
        "workshops/entry.html",
        {
            "entry": entry,
            "workshop": entry.workshop,
            "join_url": join_url,
            "qr": qr_svg(join_url, label=_("QR code pour rejoindre l'atelier")),
            "joined": Participant.objects.filter(
                workshop=entry.workshop_id, organisation=entry.organisation_id
            ).count(),
        },
    )


# --- Running the room -----------------------------------------------------------------------------


def _console_context(request, workshop: Workshop, data: dict) -> dict:
    structure = structure_for(workshop.questionnaire)
    # From the request, not SITE_URL: the address the room sees and scans is the one this page
    # is served on (its host checked by ALLOWED_HOSTS).
    join_url = request.build_absolute_uri(reverse("workshops:join", args=[workshop.code]))
    context = {
        "workshop": workshop,
        "data": data,
        "dimensions": structure.dimensions,
        "current": structure.section_by_code.get(workshop.current_dimension),
        "remaining": _remaining(workshop),
        "is_admin": access.is_organisation_admin(request.user, workshop.organisation_id),
    }
    if workshop.is_open:
        context["join_url"] = join_url
        context["hub_url"] = request.build_absolute_uri(reverse("workshops:hub"))
        context["qr"] = (
            ""
            if workshop.is_event
            else qr_svg(join_url, label=_("QR code pour rejoindre l'atelier"))
        )
    if workshop.is_event:
        context["entries"] = workshop.entries.count()
    return context


def _remaining(workshop: Workshop) -> int | None:
    """Whole seconds left on the timer, or None when none runs."""
    if workshop.timer_ends_at is None:
        return None
    return max(0, int((workshop.timer_ends_at - timezone.now()).total_seconds()))


@login_required
def detail(request, pk):
    """The workshop's facilitators: its code and QR code, who joined, opening dimensions, the
    timer, and links to the projection, the agenda, the decisions and the report."""
    workshop = access.workshop_for(request.user, pk)
    context = _console_context(request, workshop, projection.cached(workshop))
    context["control_form"] = ControlForm(
        dimensions=context["dimensions"],
        initial={"pace": workshop.pace, "dimension": workshop.current_dimension},
    )
    return TemplateResponse(request, "workshops/detail.html", context)


@login_required
@require_POST
def control(request, pk):
    """The workshop's facilitators: open a dimension (with a timer), change the pace, stop the
    timer."""
    workshop = access.workshop_for(request.user, pk)
    structure = structure_for(workshop.questionnaire)
    form = ControlForm(request.POST, dimensions=structure.dimensions)
    if not workshop.is_open:
        messages.error(request, _("Cet atelier est clos."))
    elif form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == "dimension":
                services.open_dimension(workshop, code=data["dimension"], minutes=data["minutes"])
                messages.success(
                    request,
                    _("La dimension « %(t)s » est ouverte.")
                    % {"t": structure.section_by_code[data["dimension"]].title},
                )
            elif data["action"] == "pace":
                services.set_pace(workshop, data["pace"])
                messages.success(request, _("Le rythme est changé."))
            else:
                services.stop_timer(workshop)
                messages.success(request, _("La minuterie est arrêtée."))
        except services.WorkshopError as exc:
            messages.error(request, str(exc))
        projection.forget(workshop.pk)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("workshops:detail", pk=pk)


@login_required
@require_POST
def close(request, pk):
    """The workshop's facilitators close it: codes stop working, answers given are kept."""
    workshop = access.workshop_for(request.user, pk)
    services.close(workshop)
    projection.forget(workshop.pk)
    messages.success(
        request, _("L'atelier est clos : les réponses données sont conservées dans le diagnostic.")
    )
    return redirect("workshops:detail", pk=pk)


def project(request, pk):
    """The workshop's facilitators: the live view for the room (large type, high contrast),
    refreshed by htmx every few seconds. A facilitator no longer allowed (consent revoked)
    gets a 404, and a polling screen is told to stop."""
    try:
        if not request.user.is_authenticated:
            raise Http404
        workshop = access.workshop_for(request.user, pk)
    except Http404:
        if request.htmx:
            return TemplateResponse(
                request, "workshops/project.html#stopped", {}, status=STOP_POLLING
            )
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        raise
    data = projection.cached(workshop)
    structure = structure_for(workshop.questionnaire)
    focus = structure.section_by_code.get(workshop.current_dimension)
    context = {
        "workshop": workshop,
        "data": data,
        "focus": next((d for d in data["dimensions"] if focus and d["code"] == focus.code), None),
        "remaining": _remaining(workshop),
    }
    template = "workshops/project.html"
    if request.htmx:
        template += "#live"
    return TemplateResponse(request, template, context)


@login_required
def agenda(request, pk):
    """The workshop's facilitators: the questions where the room disagrees most, ranked, each
    to mark discussed with a note."""
    workshop = access.workshop_for(request.user, pk)
    data = projection.cached(workshop)
    items = {i.question_id: i for i in AgendaItem.objects.filter(workshop=workshop)}
    rows = [
        (
            item,
            items.get(item["id"]),
            AgendaItemForm(
                prefix=f"q{item['id']}",
                initial={
                    "discussed": getattr(items.get(item["id"]), "discussed", False),
                    "note": getattr(items.get(item["id"]), "note", ""),
                },
            ),
        )
        for item in data["divergences"]
    ]
    return TemplateResponse(
        request,
        "workshops/agenda.html",
        {"workshop": workshop, "data": data, "rows": rows},
    )


@login_required
@require_POST
def agenda_item(request, pk, question_pk):
    """The workshop's facilitators: a disputed question discussed (or not), and its note."""
    workshop = access.workshop_for(request.user, pk)
    form = AgendaItemForm(request.POST, prefix=f"q{question_pk}")
    if form.is_valid():
        try:
            services.save_agenda_item(workshop, question_id=question_pk, **form.cleaned_data)
        except services.WorkshopError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Le point est enregistré."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(f"{reverse('workshops:agenda', args=[pk])}#point-{question_pk}")


# --- Decisions -------------------------------------------------------------------------------------


def _decisions_page(request, workshop, *, failed: tuple[int, DecisionForm] | None = None):
    actions = services.workshop_actions(workshop) if not workshop.is_event else []
    decisions = {
        d.action_id: d for d in Decision.objects.filter(workshop=workshop).select_related("owner")
    }
    # Forms for the actions to do first and those already decided; the others are options of
    # one menu, and the one opened from it (or refused) has its form under that menu: a form,
    # or even a link, each for a long roadmap would weigh the page down (EcoIndex).
    asked = str(failed[0]) if failed else request.GET.get("action", "")
    rows, later, opened = [], [], None
    for action in actions:
        if roadmap.is_priority(action) or action.pk in decisions:
            rows.append(_decision_row(workshop, action, decisions, failed))
        else:
            later.append(action)
            if str(action.pk) == asked:
                opened = _decision_row(workshop, action, decisions, failed)
    completed = workshop.diagnostic.is_completed if workshop.diagnostic else False
    return TemplateResponse(
        request,
        "workshops/decisions.html",
        {
            "workshop": workshop,
            "rows": rows,
            "later": later,
            "opened": opened,
            "completed": completed,
            "is_admin": access.is_organisation_admin(request.user, workshop.organisation_id),
        },
        status=400 if failed else 200,
    )


def _decision_row(workshop, action, decisions, failed) -> tuple:
    """(action, its decision in this workshop, its form): the form refused for this action, or
    one filled with its current decision."""
    decision = decisions.get(action.pk)
    if failed and failed[0] == action.pk:
        return action, decision, failed[1]
    form = DecisionForm(
        prefix=f"a{action.pk}",
        organisation_id=workshop.organisation_id,
        initial={
            "decision": "set_aside"
            if action.decision == RoadmapAction.Decision.DECLINED
            else "keep",
            "owner": action.owner_id,
            "due_date": action.due_date,
            "referent_name": getattr(decision, "referent_name", ""),
            "referent_email": getattr(decision, "referent_email", ""),
        },
    )
    return action, decision, form


@login_required
def decisions(request, pk):
    """The workshop's facilitators: the roadmap's actions, to keep or set aside with an owner
    and a due date, recorded on the roadmap itself."""
    workshop = access.workshop_for(request.user, pk)
    return _decisions_page(request, workshop)


@login_required
@require_POST
def decide(request, pk, action_pk):
    """The workshop's facilitators record the room's choice on one action."""
    workshop = access.workshop_for(request.user, pk)
    if workshop.is_event:
        raise Http404
    action = get_object_or_404(
        RoadmapAction.objects.select_related("roadmap"),
        pk=action_pk,
        roadmap__organisation_id=workshop.organisation_id,
        obsolete=False,
    )
    form = DecisionForm(
        request.POST, prefix=f"a{action.pk}", organisation_id=workshop.organisation_id
    )
    if form.is_valid():
        data = form.cleaned_data
        is_admin = access.is_organisation_admin(request.user, workshop.organisation_id)
        may_invite = (
            is_admin
            and bool(data["referent_email"])
            and security.invitation_allowed(request, workshop.organisation_id)
        )
        try:
            decision = services.record_decision(
                workshop=workshop,
                action=action,
                by=request.user,
                keep=data["decision"] == "keep",
                reason=data["reason"],
                owner=data["owner"],
                referent_name=data["referent_name"],
                referent_email=data["referent_email"],
                due_date=data["due_date"],
                may_invite=may_invite,
            )
        except services.WorkshopError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("« %(t)s » : décision enregistrée.") % {"t": action.title})
            if decision.invitation_id:
                messages.info(
                    request,
                    _(
                        "Une invitation à rejoindre l'organisation est partie vers %(email)s : "
                        "la personne deviendra responsable de l'action en l'acceptant."
                    )
                    % {"email": decision.referent_email},
                )
            elif decision.referent_email and decision.owner_id is None:
                messages.info(
                    request,
                    _(
                        "%(name)s n'a pas de compte dans l'organisation : son nom est noté sur "
                        "l'action ; un·e administrateur·rice de l'organisation peut l'inviter."
                    )
                    % {"name": decision.referent_name},
                )
            return redirect(f"{reverse('workshops:decisions', args=[pk])}#action-{action.pk}")
    return _decisions_page(request, workshop, failed=(action.pk, form))


@login_required
@require_POST
def complete_diagnostic(request, pk):
    """Admins of the workshop's organisation: complete its diagnostic, so that the roadmap the
    room decides on is proposed (others may facilitate, not complete)."""
    workshop = access.workshop_for(request.user, pk)
    if workshop.is_event:
        raise Http404
    if not access.is_organisation_admin(request.user, workshop.organisation_id):
        raise PermissionDenied
    try:
        services.complete_diagnostic(workshop, by=request.user)
    except services.WorkshopError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Le diagnostic est terminé : voici les actions proposées à la salle.")
        )
    return redirect("workshops:decisions", pk=pk)


# --- Report ---------------------------------------------------------------------------------------


@login_required
def report_page(request, pk):
    """The workshop's facilitators: participation by group, levels, divergences discussed with
    their notes, decisions."""
    workshop = access.workshop_for(request.user, pk)
    return TemplateResponse(request, "workshops/report.html", report.context(workshop))


@login_required
@require_POST
def report_pdf(request, pk):
    """The workshop's facilitators: the report as a PDF, built on request (counted)."""
    workshop = access.workshop_for(request.user, pk)
    if not security.organisation_action_allowed(request, "workshop_report_pdf", workshop.pk):
        messages.error(
            request,
            _("Vous avez demandé beaucoup de documents en peu de temps. Réessayez dans une heure."),
        )
        return redirect("workshops:report", pk=pk)
    response = HttpResponse(report.render_pdf(workshop), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="atelier-{workshop.pk}.pdf"'
    return response
