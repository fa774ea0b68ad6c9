"""Toolbox pages. Each view says who may see it in its first line; lookups are scoped.

Public: catalogue, tool pages, comparison, alternatives, open data.
Logged in: proposals (never a direct change) and "nous l'utilisons" for the current organisation.
CRESS admins: moderation, publication states, history, review, import.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, Count, Q, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.access import cress_admin_required
from common.text import render_markdown
from common.views import form_page
from toolbox import catalogue_reads, opendata, opendata_schema
from toolbox.filters import ToolFilter
from toolbox.forms import (
    CompareForm,
    DecisionForm,
    ImportForm,
    OfferProposalForm,
    StatusChangeForm,
    ToolValuesForm,
    UseForm,
)
from toolbox.models import Alternative, Proposal, ProprietaryProduct, Tool, ToolUse
from toolbox.services import curation, json_values, proposals, publication, uses, vocabulary
from toolbox.services.shared import ModerationError

PER_PAGE = 12
STALE_SHOWN = 30
IMPORT_SESSION_KEY = "toolbox_import_text"


class _CountedPaginator(Paginator):
    """A paginator told how many objects there are (the facet query counted them)."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


def catalogue(request):
    """Everyone: published tools, narrowed by facets and a search term from the query string;
    each facet value shows how many tools it would give with the other filters."""
    filterset = ToolFilter(request.GET, queryset=Tool.objects.for_catalogue())
    counts = filterset.counts()
    page = _CountedPaginator(filterset.qs, PER_PAGE, count=counts.total)
    page = page.get_page(request.GET.get("page"))
    active = any(request.GET.getlist(name) for name in ["q", "remplace", *ToolFilter.FACETS])
    context = {
        "filter": filterset,
        "facets": filterset.facets_for_display(counts),
        # Only the chosen product: the others are picked on the alternatives page.
        "product": next(
            (
                product
                for product in filterset.products_for_display(counts)
                if product[0] == filterset.form["remplace"].value()
            ),
            None,
        ),
        "page": page,
        "active": active,
        "invalid": filterset.is_bound and not filterset.form.is_valid(),
    }
    template = "toolbox/catalogue.html"
    if request.htmx:
        template += "#results"
    return TemplateResponse(request, template, context)


def tool_detail(request, slug):
    """Everyone for published and archived tools; CRESS admins also for drafts and tools in review."""
    tool = get_object_or_404(Tool.objects.visible_to(request.user).for_detail(), slug=slug)
    current = request.organisations.current
    my_use = None
    if current is not None:
        my_use = ToolUse.objects.filter(tool=tool, organisation_id=current.organisation_id).first()
    admin = request.user.is_authenticated and request.user.is_cress_admin
    labels = vocabulary.need_labels()
    context = {
        "tool": tool,
        "needs": [(code, labels.get(code, code)) for code in tool.needs],
        "transitions": publication.allowed_transitions(tool) if admin else [],
        # Archived: the page stays, saying since when (and, for CRESS admins, why).
        "status_change": (
            publication.last_status_change(tool) if tool.status == "archived" else None
        ),
        "description_html": render_markdown(tool.description),
        "current": current,
        "my_use": my_use,
        "use_form": UseForm(initial={"testimonial": my_use.testimonial if my_use else ""}),
    }
    return TemplateResponse(request, "toolbox/tool_detail.html", context)


def compare(request):
    """Everyone: 2 to 4 published tools side by side (?outils=slug&outils=slug…)."""
    form = CompareForm(request.GET if "outils" in request.GET else None)
    tools = []
    if form.is_valid():
        wanted = [tool.slug for tool in form.cleaned_data["outils"]]
        found = {
            t.slug: t for t in Tool.objects.published().for_comparison().filter(slug__in=wanted)
        }
        order = request.GET.getlist("outils")
        tools = sorted(found.values(), key=lambda t: order.index(t.slug) if t.slug in order else 99)
    return TemplateResponse(request, "toolbox/compare.html", {"form": form, "tools": tools})


def alternatives(request):
    """Everyone: proprietary products that published tools replace."""
    products = (
        ProprietaryProduct.objects.annotate(
            tool_count=Count("alternatives", filter=Q(alternatives__tool__status="published"))
        )
        .filter(tool_count__gt=0)
        .order_by("name")
    )
    return TemplateResponse(request, "toolbox/alternatives.html", {"products": products})


def alternative_detail(request, slug):
    """Everyone: the published tools that replace one proprietary product, libre first."""
    product = get_object_or_404(ProprietaryProduct, slug=slug)
    rows = (
        Alternative.objects.filter(product=product, tool__status="published")
        .select_related("tool")
        .order_by("tool__licence_status", "tool__ease", "tool__name")
    )
    rows = sorted(rows, key=lambda a: (not a.tool.is_libre, a.tool.ease, a.tool.name))
    return TemplateResponse(
        request, "toolbox/alternative_detail.html", {"product": product, "alternatives": rows}
    )


def opendata_page(request):
    """Everyone: the open-data files, their schemas, licence and versions, and the API."""
    return TemplateResponse(
        request,
        "toolbox/opendata.html",
        {
            "tool_columns": opendata_schema.documentation("outils"),
            "offer_columns": opendata_schema.documentation("offres"),
            "needs": list(vocabulary.need_labels().items()),
            "version": opendata_schema.SCHEMA_VERSION,
            "changelog": opendata_schema.CHANGELOG,
            "licence": opendata_schema.LICENCE,
            "neutralised_note": opendata_schema.neutralised_note(),
        },
    )


def _links(request, *, schema: str, package: bool = True) -> str:
    """The Link header of an open-data file: its schema, the data package and the licence."""
    links = [f'<{request.build_absolute_uri(reverse(schema))}>; rel="describedby"']
    if package:
        package_url = request.build_absolute_uri(reverse("toolbox:datapackage"))
        links.append(f'<{package_url}>; rel="describedby"; type="application/json"')
    links.append(f'<{opendata_schema.LICENCE["path"]}>; rel="license"')
    return ", ".join(links)


def _download(
    content: str | bytes, content_type: str, filename: str, *, links: str = ""
) -> HttpResponse:
    charset = "" if isinstance(content, bytes) else "; charset=utf-8"
    response = HttpResponse(content, content_type=f"{content_type}{charset}")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if links:
        response["Link"] = links
    return response


def _json_document(content: str, content_type: str = "application/json") -> HttpResponse:
    return HttpResponse(content, content_type=f"{content_type}; charset=utf-8")


def _built_once(name: str, build, **params):
    """A file built once per version of the catalogue (and address of its schema): a download
    costs a cache read, not a third of a second of CPU."""
    return catalogue_reads.cached(f"file:{name}", params, lambda: build(**params))


def export_tools_csv(request):
    """Everyone: published tools as CSV (no personal data)."""
    return _download(
        _built_once("outils.csv", opendata.tools_csv),
        "text/csv",
        "boussole-outils.csv",
        links=_links(request, schema="toolbox:tools_schema"),
    )


def export_offers_csv(request):
    """Everyone: hosting offers of published tools as CSV."""
    return _download(
        _built_once("offres.csv", opendata.offers_csv),
        "text/csv",
        "boussole-offres.csv",
        links=_links(request, schema="toolbox:offers_schema"),
    )


def export_json(request):
    """Everyone: the published catalogue (tools and offers) as JSON."""
    schema_url = request.build_absolute_uri(reverse("toolbox:catalogue_schema"))
    return _download(
        _built_once("catalogue.json", opendata.catalogue_json, schema_url=schema_url),
        "application/json",
        "boussole-catalogue.json",
        links=_links(request, schema="toolbox:catalogue_schema"),
    )


def export_zip(request):
    """Everyone: the whole data package (descriptor, files and schemas) in one zip."""
    return _download(
        _built_once("zip", opendata.package_zip),
        "application/zip",
        f"{opendata.PACKAGE_FOLDER}.zip",
        links=_links(request, schema="toolbox:datapackage", package=False),
    )


def datapackage(request):
    """Everyone: the data package descriptor (Frictionless Data)."""
    return _json_document(opendata.datapackage_json())


def tools_schema(request):
    """Everyone: the Table Schema of outils.csv."""
    return _json_document(opendata.table_schema_json("outils"))


def offers_schema(request):
    """Everyone: the Table Schema of offres.csv."""
    return _json_document(opendata.table_schema_json("offres"))


def catalogue_schema(request):
    """Everyone: the JSON Schema of catalogue.json."""
    schema_url = request.build_absolute_uri(reverse("toolbox:catalogue_schema"))
    return _json_document(opendata.catalogue_schema_json(schema_url), "application/schema+json")


# --- Contributions ----------------------------------------------------------------------------------


@login_required
def propose_tool(request):
    """Any logged-in person: proposes a new tool, published only once a CRESS admin approves it."""
    form = ToolValuesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        proposals.propose_new_tool(
            author=request.user, values=form.values(), comment=form.cleaned_data["comment"]
        )
        messages.success(request, _("Merci ! Votre proposition est transmise à la CRESS."))
        return redirect("toolbox:my_proposals")
    return form_page(request, "toolbox/tool_form.html", {"form": form, "tool": None})


@login_required
def propose_edit(request, slug):
    """Any logged-in person: proposes a change to a published tool (never applied directly)."""
    tool = get_object_or_404(Tool.objects.published().prefetch_related("replaces"), slug=slug)
    form = ToolValuesForm(request.POST or None, tool=tool)
    if request.method == "POST" and form.is_valid():
        try:
            proposals.propose_edit(
                author=request.user,
                tool=tool,
                values=form.values(),
                comment=form.cleaned_data["comment"],
            )
        except ModerationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Merci ! Votre proposition est transmise à la CRESS."))
            return redirect("toolbox:my_proposals")
    return form_page(request, "toolbox/tool_form.html", {"form": form, "tool": tool})


@login_required
def propose_offer(request, slug):
    """Any logged-in person: proposes a hosting offer for a published tool."""
    tool = get_object_or_404(Tool.objects.published(), slug=slug)
    form = OfferProposalForm(request.POST or None, tool=tool)
    if request.method == "POST" and form.is_valid():
        proposals.propose_offer(
            author=request.user,
            tool=tool,
            values=form.values(),
            comment=form.cleaned_data["comment"],
        )
        messages.success(request, _("Merci ! Votre proposition est transmise à la CRESS."))
        return redirect("toolbox:my_proposals")
    return form_page(request, "toolbox/offer_form.html", {"form": form, "tool": tool})


@login_required
def my_proposals(request):
    """Any logged-in person: their own proposals and the CRESS's answers."""
    proposals = Proposal.objects.filter(author=request.user).select_related("tool")
    return TemplateResponse(request, "toolbox/my_proposals.html", {"proposals": proposals})


@login_required
def proposal_edit(request, pk):
    """The proposal's author only (404 for anyone else), when the CRESS asked for changes."""
    proposal = get_object_or_404(
        Proposal.objects.filter(author=request.user).select_related("tool"), pk=pk
    )
    if proposal.status != Proposal.Status.CHANGES_REQUESTED:
        messages.info(request, _("Cette proposition n'attend pas de modification de votre part."))
        return redirect("toolbox:my_proposals")
    data = request.POST or None
    initial = {**proposal.payload, "comment": proposal.comment}
    if proposal.kind == Proposal.Kind.NEW_OFFER:
        form = OfferProposalForm(data, tool=proposal.tool, initial=initial)
    else:
        if isinstance(initial.get("replaces"), list):
            initial["replaces"] = ", ".join(initial["replaces"])
        form = ToolValuesForm(data, tool=proposal.tool, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            proposals.resubmit(proposal, values=form.values(), comment=form.cleaned_data["comment"])
        except ModerationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Votre proposition est de nouveau transmise à la CRESS."))
            return redirect("toolbox:my_proposals")
    template = (
        "toolbox/offer_form.html" if proposal.kind == "new_offer" else "toolbox/tool_form.html"
    )
    return form_page(request, template, {"form": form, "tool": proposal.tool, "proposal": proposal})


@login_required
@require_POST
def declare_use(request, slug):
    """Logged-in members, for their current organisation: "nous l'utilisons" (or withdraw it)."""
    tool = get_object_or_404(Tool.objects.published(), slug=slug)
    current = request.organisations.current
    if current is None:
        messages.warning(
            request, _("Rejoignez ou inscrivez une organisation pour déclarer ses outils.")
        )
        return redirect("toolbox:tool_detail", slug=tool.slug)
    if request.POST.get("action") == "withdraw":
        uses.withdraw_use(tool=tool, organisation=current.organisation)
        messages.success(request, _("C'est noté : votre organisation n'utilise plus cet outil."))
        return redirect("toolbox:tool_detail", slug=tool.slug)
    form = UseForm(request.POST)
    if form.is_valid():
        use = uses.declare_use(
            tool=tool,
            organisation=current.organisation,
            user=request.user,
            testimonial=form.cleaned_data["testimonial"],
        )
        if use.testimonial:
            messages.success(
                request, _("Merci ! Votre témoignage sera publié après relecture par la CRESS.")
            )
        else:
            messages.success(
                request, _("Merci ! Votre organisation est comptée parmi ses utilisatrices.")
            )
    else:
        messages.error(request, _("Le témoignage ne doit pas dépasser 2 000 caractères."))
    return redirect("toolbox:tool_detail", slug=tool.slug)


# --- CRESS admins ---------------------------------------------------------------------------------------


@cress_admin_required
def moderation(request):
    """CRESS admins: proposals and testimonials to review, and tools not reviewed for a year."""
    stale = list(
        curation.stale_tools().only("pk", "name", "slug", "last_reviewed", "stale_notified_at")[
            : STALE_SHOWN + 1
        ]
    )
    context = {
        "proposals": Proposal.objects.filter(status=Proposal.Status.PENDING)
        .select_related("author", "tool")
        .order_by("created_at"),
        "waiting": Proposal.objects.filter(status=Proposal.Status.CHANGES_REQUESTED).count(),
        "testimonials": ToolUse.objects.filter(testimonial_status=ToolUse.TestimonialStatus.PENDING)
        .select_related("tool", "organisation")
        .order_by("created_at"),
        # The oldest first, a few at a time (one more to know whether others wait).
        "stale": stale[:STALE_SHOWN],
        "more_stale": len(stale) > STALE_SHOWN,
        # Tools outside the catalogue, by state (in review first): one query.
        "unpublished": Tool.objects.exclude(status="published")
        .only("pk", "name", "slug", "status")
        .order_by(
            Case(
                When(status="in_review", then=0),
                When(status="draft", then=1),
                default=2,
            ),
            "name",
        )[:300],
    }
    return TemplateResponse(request, "toolbox/moderation.html", context)


@cress_admin_required
def moderation_proposal(request, pk):
    """CRESS admins: one proposal with its diff; approve, reject or ask for changes."""
    proposal = get_object_or_404(Proposal.objects.select_related("author", "tool"), pk=pk)
    form = DecisionForm(request.POST or None)
    status = 200
    conflicts = (
        proposals.proposal_conflicts(proposal) if proposal.is_open and proposal.tool_id else []
    )
    if request.method == "POST" and form.is_valid():
        decision, message = form.cleaned_data["decision"], form.cleaned_data["message"]
        try:
            if decision == "approve":
                proposals.approve(proposal, moderator=request.user)
                messages.success(request, _("Proposition acceptée et publiée."))
            elif decision == "reject":
                proposals.reject(proposal, moderator=request.user, message=message)
                messages.success(request, _("Proposition refusée ; son auteur·rice est prévenu·e."))
            else:
                proposals.request_changes(proposal, moderator=request.user, message=message)
                messages.success(request, _("Modifications demandées à son auteur·rice."))
        except proposals.ProposalConflict as exc:
            form.add_error(None, str(exc))
            conflicts, status = exc.changes, 409
        except ModerationError as exc:
            form.add_error(None, str(exc))
            status = 400
        else:
            return redirect("toolbox:moderation")
    context = {
        "proposal": proposal,
        "changes": proposals.proposal_changes(proposal),
        "conflicts": conflicts,
        "form": form,
    }
    return TemplateResponse(request, "toolbox/moderation_proposal.html", context, status=status)


@cress_admin_required
@require_POST
def moderation_testimonial(request, pk):
    """CRESS admins: publish or refuse a pending testimonial."""
    use = get_object_or_404(ToolUse, pk=pk)
    try:
        uses.moderate_testimonial(use, approve=request.POST.get("decision") == "approve")
    except ModerationError as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(request, _("Témoignage traité."))
    return redirect("toolbox:moderation")


@cress_admin_required
@require_POST
def mark_reviewed(request, slug):
    """CRESS admins: the tool's facts were checked today."""
    tool = get_object_or_404(Tool, slug=slug)
    curation.mark_reviewed(tool, moderator=request.user)
    messages.success(request, _("« %(name)s » est marqué comme relu.") % {"name": tool.name})
    if request.POST.get("next") == "tool":
        return redirect(tool)
    return redirect("toolbox:moderation")


@cress_admin_required
@require_POST
def change_status(request, slug):
    """CRESS admins: move a tool between draft, in review, published and archived (with a reason
    where it matters, kept in the history)."""
    tool = get_object_or_404(Tool, slug=slug)
    form = StatusChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        try:
            tool = publication.change_status(
                tool,
                to=form.cleaned_data["status"],
                moderator=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ModerationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("« %(name)s » est maintenant : %(status)s.")
                % {"name": tool.name, "status": tool.get_status_display().lower()},
            )
    if request.POST.get("next") == "moderation":
        return redirect("toolbox:moderation")
    return redirect(tool)


@cress_admin_required
def tool_history(request, slug):
    """CRESS admins: every version of a tool — who, when, what changed."""
    tool = get_object_or_404(Tool, slug=slug)
    records = list(
        tool.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    versions = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        changes = []
        if older is not None:
            delta = newer.diff_against(older)
            changes = [
                (
                    json_values.field_label(change.field),
                    json_values.field_display(change.field, change.old),
                    json_values.field_display(change.field, change.new),
                )
                for change in delta.changes
                if change.field not in ("version",)
            ]
        versions.append({"record": newer, "changes": changes})
    return TemplateResponse(request, "toolbox/history.html", {"tool": tool, "versions": versions})


@cress_admin_required
def import_catalogue(request):
    """CRESS admins: import tools and hosting offers from the open-data format — a dry run
    first, then confirmation."""
    form = ImportForm()
    report = None
    if request.method == "POST" and request.POST.get("confirm"):
        files = request.session.get(IMPORT_SESSION_KEY)
        if not isinstance(files, list) or not files:
            messages.warning(request, _("Aucun fichier en attente : envoyez-le à nouveau."))
            return redirect("toolbox:import")
        try:
            report = opendata.run_import(
                files=[tuple(pair) for pair in files], user=request.user, commit=True
            )
        except opendata.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            if report.imported:
                del request.session[IMPORT_SESSION_KEY]
                tools = ngettext(
                    "%(created)s outil créé, %(updated)s mis à jour",
                    "%(created)s outils créés, %(updated)s mis à jour",
                    len(report.created),
                ) % {"created": len(report.created), "updated": len(report.updated)}
                offers = ngettext(
                    "%(created)s offre créée, %(updated)s mise à jour",
                    "%(created)s offres créées, %(updated)s mises à jour",
                    len(report.offers_created),
                ) % {"created": len(report.offers_created), "updated": len(report.offers_updated)}
                messages.success(
                    request,
                    _("Import terminé : %(tools)s ; %(offers)s.")
                    % {"tools": tools, "offers": offers},
                )
                return redirect("toolbox:catalogue")
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                files = [(name, opendata.decode(raw, name)) for name, raw in form.files_to_import()]
                report = opendata.run_import(files=files, commit=False)
            except opendata.ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                if report.ok:
                    request.session[IMPORT_SESSION_KEY] = [list(pair) for pair in files]
                else:
                    request.session.pop(IMPORT_SESSION_KEY, None)
    return TemplateResponse(request, "toolbox/import.html", {"form": form, "report": report})
