"""Roadmap pages. Members of the organisation read and edit its roadmap; lookups are scoped."""

from functools import lru_cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import security
from accounts.access import membership_for
from common.links import pk_urls
from maturity import footprint, pdf, roadmap, roadmap_rules
from maturity.access import member_of
from maturity.forms import ActionDecisionForm, ActionEditForm, CustomActionForm, MoveForm
from maturity.models import Diagnostic, PdfExport, Roadmap, RoadmapAction
from maturity.structure import structure_for


def _roadmap_for(user, org_pk: int, membership=None) -> tuple:
    membership = membership or membership_for(user, org_pk)
    roadmap_obj = (
        Roadmap.objects.select_related(
            "organisation", "diagnostic__questionnaire", "diagnostic__snapshot"
        )
        .filter(organisation=membership.organisation)
        .first()
    )
    return membership, roadmap_obj


def _action_for(user, org_pk: int, action_pk: int) -> RoadmapAction:
    membership_for(user, org_pk)
    return get_object_or_404(
        RoadmapAction.objects.select_related("roadmap__organisation"),
        pk=action_pk,
        roadmap__organisation_id=org_pk,
    )


def _back(org_pk: int, action: RoadmapAction | None = None, request=None):
    if action and request is not None and request.POST.get("next") == "detail":
        return redirect("maturity:roadmap_action_detail", org_pk=org_pk, action_pk=action.pk)
    url = reverse("maturity:roadmap", args=[org_pk])
    return redirect(f"{url}#action-{action.pk}" if action else url)


# The action pages and forms whose URLs each action card or list item links to.
ACTION_URLS = {
    "detail": "maturity:roadmap_action_detail",
    "decide": "maturity:roadmap_action_decide",
    "move": "maturity:roadmap_action_move",
    "history": "maturity:roadmap_action_history",
}


def set_action_urls(org_pk: int, actions: list[RoadmapAction]) -> None:
    """Give each action its URLs (action.urls.detail…), reversing each URL name once rather
    than once per action and form: the roadmap page lists some sixty actions."""
    pks = [a.pk for a in actions]
    urls = {key: pk_urls(name, [org_pk], pks) for key, name in ACTION_URLS.items()}
    for action in actions:
        action.urls = {key: by_pk[action.pk] for key, by_pk in urls.items()}


@lru_cache(maxsize=64)
def _custom_form_html(dimensions: tuple[tuple[str, str], ...], language: str) -> str:
    """The empty "add your own action" form: the same for every visit with these dimensions,
    so rendered once (the page shows it unbound; errors come back as messages)."""
    return render_to_string(
        "includes/form.html", {"form": CustomActionForm(dimensions=list(dimensions))}
    )


def _card_context(
    roadmap_obj: Roadmap,
    organisation,
    actions: list[RoadmapAction],
    *,
    ambassadors_for: list,
    detail: bool = False,
) -> dict:
    """What an action card shows: labels, links to tools, funding, training, ambassadors."""
    data = roadmap_obj.diagnostic.snapshot.data if roadmap_obj.diagnostic else None
    proprietary = data["inventory"].get("proprietary_tools", []) if data else []
    leads = roadmap.Leads(roadmap_obj, contacts=detail)
    return {
        "organisation": organisation,
        "roadmap": roadmap_obj,
        "titles": {d["code"]: d["title"] for d in data["dimensions"]} if data else {},
        # Funding leads and training resources the organisation is eligible for, by action.
        "leads": leads.by_action(actions),
        "tools": roadmap.tools_by_action(actions, proprietary),
        # What the equipment actions save, from the footprint stored with the results.
        "savings": footprint.savings_by_action(
            actions, leads.lookup.savings, data.get("footprint") if data else None
        ),
        "ambassadors": roadmap.ambassadors_by_action(organisation, ambassadors_for),
        # Progress is shown on done actions only: no query while none is done.
        "gains": (
            roadmap.gains_since_previous(organisation)
            if any(a.status == RoadmapAction.Status.DONE for a in actions)
            else {}
        ),
        "statuses": RoadmapAction.Status.choices,
        # Labels translated once per page, not once per action (get_FOO_display).
        "decision_labels": {value: str(label) for value, label in RoadmapAction.Decision.choices},
        "status_labels": {value: str(label) for value, label in RoadmapAction.Status.choices},
        "horizons": roadmap_rules.HORIZONS,
        "priority_labels": roadmap_rules.PRIORITY_LABELS,
        "efforts": roadmap_rules.EFFORTS,
        "costs": roadmap_rules.COSTS,
    }


def custom_limit_message(actions: list[RoadmapAction]) -> str:
    """Why no more action can be added by hand, or "" while some can."""
    limit = roadmap.custom_action_limit()
    custom = sum(1 for a in actions if a.source == RoadmapAction.Source.CUSTOM)
    return roadmap.custom_limit_message(limit) if custom >= limit else ""


@login_required
def roadmap_page(request, org_pk):
    """Members of the organisation: the roadmap, its actions and their links."""
    membership, roadmap_obj = _roadmap_for(request.user, org_pk, member_of(request, org_pk))
    organisation = membership.organisation
    if roadmap_obj is None:
        latest = Diagnostic.objects.filter(
            organisation=organisation, status=Diagnostic.Status.COMPLETED
        ).first()
        return TemplateResponse(
            request, "maturity/roadmap_empty.html", {"organisation": organisation, "latest": latest}
        )
    actions = list(roadmap_obj.actions.for_roadmap_page())
    for rank, action in enumerate(a for a in actions if not a.obsolete):
        action.rank = rank
    view = roadmap.arrange(actions)
    set_action_urls(organisation.pk, actions)
    titles = {}
    if roadmap_obj.diagnostic:
        titles = {d["code"]: d["title"] for d in roadmap_obj.diagnostic.snapshot.data["dimensions"]}
    context = {
        **_card_context(roadmap_obj, organisation, view.up_front, ambassadors_for=view.up_front),
        "membership": membership,
        "view": view,
        # The cards' full version is the action's own page (a missing variable is an exception
        # caught per use in the template: some fifty on this page).
        "detail": False,
        "priority_limit": roadmap.priority_limit(),
        "custom_form_html": _custom_form_html(tuple(titles.items()), get_language()),
        # At the cap, no form (what one typed in it would be refused): the reason instead.
        "custom_limit_message": custom_limit_message(actions),
        "last_export": roadmap_obj.pdf_exports.order_by("-created_at").first(),
    }
    return TemplateResponse(request, "maturity/roadmap.html", context)


@login_required
@require_POST
def action_decide(request, org_pk, action_pk):
    """Members of the organisation accept or decline an action."""
    action = _action_for(request.user, org_pk, action_pk)
    form = ActionDecisionForm(request.POST)
    if form.is_valid():
        roadmap.decide(
            action,
            accept=form.cleaned_data["decision"] == "accept",
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("L'action « %(t)s » est mise à jour.") % {"t": action.title})
    else:
        messages.error(request, _("Choisissez de retenir ou d'écarter l'action."))
    return _back(org_pk, action, request)


@login_required
@require_POST
def action_update(request, org_pk, action_pk):
    """Members of the organisation set owner, due date, status and notes of an action."""
    action = _action_for(request.user, org_pk, action_pk)
    form = ActionEditForm(request.POST, organisation=action.roadmap.organisation)
    if form.is_valid():
        try:
            roadmap.update(action, **form.cleaned_data)
        except roadmap.RoadmapError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("L'action « %(t)s » est enregistrée.") % {"t": action.title}
            )
            if action.is_late:
                messages.warning(
                    request, _("Attention : l'échéance de cette action est déjà passée.")
                )
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label} : {error}" if label else error)
    return _back(org_pk, action, request)


@login_required
@require_POST
def action_move(request, org_pk, action_pk):
    """Members of the organisation move an action up or down (buttons, no JavaScript needed)."""
    action = _action_for(request.user, org_pk, action_pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            roadmap.move(
                action,
                direction=form.cleaned_data["direction"],
                expected_rank=form.cleaned_data["rank"],
            )
        except roadmap.RoadmapError as exc:
            messages.error(request, str(exc))
    return _back(org_pk, action, request)


@login_required
@require_POST
def action_add(request, org_pk):
    """Members of the organisation add their own action."""
    membership, roadmap_obj = _roadmap_for(request.user, org_pk)
    if roadmap_obj is None:
        roadmap_obj = Roadmap.objects.create(organisation=membership.organisation)
    titles = {}
    if roadmap_obj.diagnostic:
        titles = {
            s.code: s.title for s in structure_for(roadmap_obj.diagnostic.questionnaire).dimensions
        }
    form = CustomActionForm(request.POST, dimensions=list(titles.items()))
    if form.is_valid():
        try:
            action = roadmap.add_custom(roadmap_obj, **form.cleaned_data)
        except roadmap.RoadmapError as exc:
            messages.error(request, str(exc))
            return _back(org_pk)
        messages.success(request, _("L'action « %(t)s » est ajoutée.") % {"t": action.title})
        return _back(org_pk, action, request)
    for field, errors in form.errors.items():
        for error in errors:
            messages.error(request, f"{form.fields[field].label} : {error}")
    return _back(org_pk)


@login_required
@require_POST
def regenerate(request, org_pk):
    """Members of the organisation regenerate from the latest completed diagnostic (edits kept)."""
    membership = membership_for(request.user, org_pk)
    latest = (
        Diagnostic.objects.filter(
            organisation=membership.organisation, status=Diagnostic.Status.COMPLETED
        )
        .select_related("questionnaire", "snapshot")
        .first()
    )
    if latest is None or roadmap.generate(latest) is None:
        messages.error(
            request, _("Terminez d'abord un diagnostic : la feuille de route en découle.")
        )
    else:
        messages.success(
            request,
            _("La feuille de route est actualisée ; vos choix et vos notes sont conservés."),
        )
    return _back(org_pk)


@login_required
def action_detail(request, org_pk, action_pk):
    """Members of the organisation: one action in full, and the forms to follow it up."""
    action = _action_for(request.user, org_pk, action_pk)
    roadmap_obj = Roadmap.objects.select_related(
        "organisation", "diagnostic__questionnaire", "diagnostic__snapshot"
    ).get(pk=action.roadmap_id)
    organisation = roadmap_obj.organisation
    ranks = list(
        roadmap_obj.actions.filter(obsolete=False)
        .order_by("position", "pk")
        .values_list("pk", flat=True)
    )
    action.rank = ranks.index(action.pk) if action.pk in ranks else 0
    set_action_urls(organisation.pk, [action])
    context = {
        **_card_context(roadmap_obj, organisation, [action], ambassadors_for=[action], detail=True),
        "a": action,
        "detail": True,
        "owners": list(ActionEditForm(organisation=organisation).fields["owner"].queryset),
    }
    return TemplateResponse(request, "maturity/action_detail.html", context)


@login_required
def action_history(request, org_pk, action_pk):
    """Members of the organisation: who changed what on an action, and when."""
    action = _action_for(request.user, org_pk, action_pk)
    records = action.history.select_related("history_user").order_by("-history_date")[:50]
    return TemplateResponse(
        request,
        "maturity/action_history.html",
        {"action": action, "records": records, "organisation": action.roadmap.organisation},
    )


@login_required
@require_POST
def pdf_request(request, org_pk):
    """Members of the organisation ask for the PDF; an unchanged roadmap reuses its file."""
    _membership, roadmap_obj = _roadmap_for(request.user, org_pk)
    if roadmap_obj is None:
        raise Http404
    try:
        export, _queued = pdf.request_pdf(
            roadmap_obj,
            user=request.user,
            may_build=lambda: security.organisation_action_allowed(request, "roadmap_pdf", org_pk),
        )
    except pdf.BuildRefused:
        messages.error(
            request,
            _(
                "Vous avez demandé beaucoup de PDF en peu de temps. Réessayez plus tard ; "
                "un PDF déjà fabriqué pour la feuille de route telle qu'elle est reste disponible."
            ),
        )
        return _back(org_pk)
    return redirect("maturity:pdf_status", org_pk=org_pk, export_pk=export.pk)


@login_required
def pdf_status(request, org_pk, export_pk):
    """Members of the organisation: progress of the PDF, then the download link (htmx polls)."""
    membership_for(request.user, org_pk)
    export = get_object_or_404(
        PdfExport.objects.select_related("roadmap__organisation"),
        pk=export_pk,
        roadmap__organisation_id=org_pk,
    )
    template = "maturity/pdf_status.html"
    if request.htmx:
        template += "#status"
    return TemplateResponse(
        request, template, {"export": export, "organisation": export.roadmap.organisation}
    )


@login_required
def pdf_download(request, org_pk, export_pk):
    """Members of the organisation download a finished PDF (files are never under a public URL)."""
    membership_for(request.user, org_pk)
    export = get_object_or_404(
        PdfExport, pk=export_pk, roadmap__organisation_id=org_pk, status=PdfExport.Status.DONE
    )
    path = pdf.file_path(export)
    if not path.exists():
        raise Http404
    organisation = export.roadmap.organisation
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"feuille-de-route-{organisation.pk}.pdf",
        content_type="application/pdf",
    )
