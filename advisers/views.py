"""Adviser pages, the organisation's consent page and the CRESS observatory.

Views are thin: each says who may see it, resolves the organisation through a scoped lookup
(`membership_for` for the organisation's admins, `consented_organisation` for advisers) and
calls the services. Nothing here lets an adviser change an organisation's data other than
their own notes and the recommendations they propose.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import csvkit
from accounts.access import cress_admin_required, membership_for
from accounts.models import MembershipChange
from advisers import charts, observatory, portfolio, services
from advisers.access import adviser_required, consented_organisation, consented_organisations
from advisers.forms import (
    AGREE_LABEL,
    AGREE_REQUIRED,
    AcceptForm,
    CompareForm,
    GrantForm,
    InviteForm,
    NotesForm,
    ObservatoryForm,
    PortfolioFilterForm,
    RecommendationForm,
    RequestForm,
    SearchForm,
)
from advisers.models import DEFAULT_MONTHS, AccessLog, AdviserNote, Consent, Recommendation
from common.views import form_page
from maturity import charts as maturity_charts
from maturity import roadmap, roadmap_rules
from maturity.models import InventoryItem, Roadmap, RoadmapAction
from maturity.scoring import display_score
from maturity.structure import structure_for

LOG_SHOWN = 100
COMPARE_MAX = 8

# --- The organisation's side: who may read our results ----------------------------------------


def _offered(organisation, label: str, months: int = DEFAULT_MONTHS) -> services.ConsentOffer:
    return services.consent_offer(organisation=organisation, adviser_label=label, months=months)


def _consents_page(request, membership):
    organisation = membership.organisation
    search = SearchForm(request.GET or None)
    found = []
    if search.is_valid() and search.cleaned_data["q"]:
        # Each adviser's card shows the exact text that granting records (12 months, the
        # default; htmx or the confirmation page show it for another duration).
        found = [
            (p, f"grant-{p.pk}", _offered(organisation, services.adviser_label(p.user)))
            for p in services.search_advisers(search.cleaned_data["q"])
        ]
    consents = list(
        Consent.objects.filter(organisation=organisation).select_related(
            "adviser__adviser_profile__structure", "granted_by", "revoked_by", "refused_by"
        )
    )
    now = timezone.now()
    context = {
        "organisation": organisation,
        "membership": membership,
        "search": search,
        "found": found,
        "grant_form": GrantForm(),
        "invite_form": InviteForm(),
        "accept_form": AcceptForm(),
        "agree_label": AGREE_LABEL,
        "months": DEFAULT_MONTHS,
        "live": [c for c in consents if c.status == Consent.Status.ACTIVE and c.expires_at > now],
        "requests": [
            (c, f"request-{c.pk}", _offered(organisation, services.adviser_label(c.adviser)))
            for c in consents
            if c.status == Consent.Status.REQUESTED
        ],
        "invitations": [c for c in consents if c.status == Consent.Status.INVITED],
        "past": [
            c
            for c in consents
            if c.status in (Consent.Status.REVOKED, Consent.Status.REFUSED, Consent.Status.EXPIRED)
            or (c.status == Consent.Status.ACTIVE and c.expires_at <= now)
        ],
        "log": list(AccessLog.objects.filter(organisation=organisation)[:LOG_SHOWN]),
        "log_total": AccessLog.objects.filter(organisation=organisation).count(),
        "membership_changes": list(
            MembershipChange.objects.filter(organisation=organisation)[:LOG_SHOWN]
        ),
        "notes": list(AdviserNote.objects.filter(organisation=organisation)),
        "titles": services.dimension_titles(services.latest_diagnostic(organisation)),
    }
    return TemplateResponse(request, "advisers/consents.html", context)


@login_required
def consents(request, pk):
    """Admins of the organisation: advisers with access, requests, history and who viewed what."""
    membership = membership_for(request.user, pk, admin=True)
    return _consents_page(request, membership)


def _after(request, pk, action):
    try:
        action()
    except services.ConsentError as error:
        messages.error(request, str(error))
    return redirect("advisers:consents", pk=pk)


def _agreement(request, membership, form, *, kind, key, action, heading, label_of, record):
    """Grant, accept a request or invite: record only the text the admin agreed to, the one
    shown for the duration chosen (services.consent_offer). Otherwise show that text: in place
    for htmx (the duration or the address changed; never recorded), or on a confirmation page
    that keeps what was chosen and typed."""
    organisation = membership.organisation
    valid = form.is_valid()
    notice = ""
    if valid and not request.htmx:
        data = form.cleaned_data
        if data["agree"]:
            try:
                record(data)
            except services.OfferChanged as changed:
                notice = str(changed)
            except services.ConsentError as error:
                messages.error(request, str(error))
                return redirect("advisers:consents", pk=organisation.pk)
            else:
                return redirect("advisers:consents", pk=organisation.pk)
        elif data["offer"]:  # a text was shown, the box left unticked
            form.add_error("agree", AGREE_REQUIRED)
    label = label_of(form.cleaned_data) if valid else None
    months = form.chosen_months()
    context = {
        "organisation": organisation,
        "form": form,
        "kind": kind,
        "key": key,
        "action": action,
        "heading": heading,
        "notice": notice,
        "months": months,
        "offer": _offered(organisation, label, months) if label else None,
        "agree_error": " ".join(form.errors.get("agree", [])),
        "agree_label": AGREE_LABEL,
    }
    template = "advisers/consent_confirm.html"
    if request.htmx:
        template += "#offer_body"
    return TemplateResponse(request, template, context)


@login_required
@require_POST
def consent_grant(request, pk):
    """Admins of the organisation grant access to an approved adviser found by the search."""
    membership = membership_for(request.user, pk, admin=True)
    form = GrantForm(request.POST)

    def record(data):
        adviser = data["adviser"].user
        services.grant(
            organisation=membership.organisation,
            adviser=adviser,
            months=data["months"],
            by=request.user,
            offer=data["offer"],
        )
        messages.success(
            request,
            _("%(name)s peut consulter vos résultats et votre feuille de route.")
            % {"name": adviser.display_name},
        )

    form.is_valid()
    profile = form.cleaned_data.get("adviser")
    return _agreement(
        request,
        membership,
        form,
        kind="grant",
        key=f"grant-{profile.pk}" if profile else "grant",
        action=reverse("advisers:consent_grant", args=[pk]),
        heading=_("Ouvrir l'accès à %(name)s") % {"name": profile.user.display_name}
        if profile
        else _("Ouvrir l'accès à un·e conseiller·e"),
        label_of=lambda data: services.adviser_label(data["adviser"].user),
        record=record,
    )


@login_required
@require_POST
def consent_invite(request, pk):
    """Admins of the organisation grant access by e-mail (an invitation if not yet an adviser)."""
    membership = membership_for(request.user, pk, admin=True)
    form = InviteForm(request.POST)

    def record(data):
        consent = services.grant_by_email(
            organisation=membership.organisation,
            email=data["email"],
            months=data["months"],
            by=request.user,
            offer=data["offer"],
        )
        if consent.status == Consent.Status.INVITED:
            messages.success(request, _("Invitation envoyée à %(e)s.") % {"e": consent.email})
        else:
            messages.success(request, _("Accès accordé à %(e)s.") % {"e": consent.adviser_label})

    return _agreement(
        request,
        membership,
        form,
        kind="invite",
        key="invite",
        action=reverse("advisers:consent_invite", args=[pk]),
        heading=_("Ouvrir l'accès par adresse e-mail"),
        label_of=lambda data: services.invitee_label(data["email"]),
        record=record,
    )


def _consent_of(membership, consent_pk) -> Consent:
    return get_object_or_404(
        Consent.objects.select_related("organisation", "adviser"),
        pk=consent_pk,
        organisation=membership.organisation,
    )


@login_required
@require_POST
def consent_revoke(request, pk, consent_pk):
    """Admins of the organisation withdraw an access or an invitation, with immediate effect."""
    membership = membership_for(request.user, pk, admin=True)
    consent = _consent_of(membership, consent_pk)

    def revoke():
        services.revoke(consent=consent, by=request.user)
        messages.success(request, _("Accès retiré : %(n)s.") % {"n": consent.adviser_label})

    return _after(request, pk, revoke)


@login_required
@require_POST
def consent_decide(request, pk, consent_pk):
    """Admins of the organisation accept (with a duration and their agreement) or refuse an
    adviser's request."""
    membership = membership_for(request.user, pk, admin=True)
    consent = get_object_or_404(
        Consent.objects.select_related("organisation", "adviser"),
        pk=consent_pk,
        organisation=membership.organisation,
        status=Consent.Status.REQUESTED,
    )
    if request.POST.get("decision") == "refuse":

        def refuse():
            services.refuse(consent=consent, by=request.user)
            messages.success(request, _("Demande refusée."))

        return _after(request, pk, refuse)
    form = AcceptForm(request.POST)

    def accept(data):
        services.grant(
            organisation=membership.organisation,
            adviser=consent.adviser,
            months=data["months"],
            by=request.user,
            offer=data["offer"],
        )
        messages.success(request, _("Demande acceptée."))

    return _agreement(
        request,
        membership,
        form,
        kind="accept",
        key=f"request-{consent.pk}",
        action=reverse("advisers:consent_decide", args=[pk, consent.pk]),
        heading=_("Accepter la demande de %(name)s") % {"name": consent.adviser.display_name},
        label_of=lambda data: services.adviser_label(consent.adviser),
        record=accept,
    )


# --- The adviser's workspace --------------------------------------------------------------------


def _portfolio_filters(request, structure):
    # Without order_by(), the organisations' default ordering (name) would enter the DISTINCT
    # and return every client instead of every département.
    departements = set(
        consented_organisations(request.user)
        .order_by()
        .values_list("departement", flat=True)
        .distinct()
    )
    form = PortfolioFilterForm(
        request.GET or None,
        levels=portfolio.level_choices(structure),
        departements=departements,
    )
    return form, form.filters()


@adviser_required
def portfolio_page(request):
    """Approved advisers: the organisations that granted them a live consent."""
    structure = portfolio.reference_structure()
    form, filters = _portfolio_filters(request, structure)
    # A page of clients at a time: long tables are hard to read, and only the organisations
    # actually shown are recorded as viewed. The CSV export has them all.
    page, structure = portfolio.client_page(
        request.user,
        request.GET.get("page"),
        per_page=PORTFOLIO_PAGE_SIZE,
        structure=structure,
        **filters,
    )
    rows = page.object_list
    services.log_access(request.user, [r.organisation.pk for r in rows], AccessLog.What.PORTFOLIO)
    pending = Consent.objects.filter(
        adviser=request.user, status=Consent.Status.REQUESTED
    ).select_related("organisation")
    return TemplateResponse(
        request,
        "advisers/portfolio.html",
        {
            "rows": rows,
            "total": page.paginator.count,
            "page": page,
            "form": form,
            "pending": list(pending),
            "query": request.GET.urlencode(),
            "page_query": _without_page(request),
        },
    )


# Twenty clients a page: a table an adviser reads at a glance, and a page that stays light
# (EcoIndex A with a portfolio of sixty clients).
PORTFOLIO_PAGE_SIZE = 20


def _without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@adviser_required
def portfolio_csv(request):
    """Approved advisers: their portfolio (same filters) as CSV."""
    structure = portfolio.reference_structure()
    _form, filters = _portfolio_filters(request, structure)
    rows, structure = portfolio.clients(request.user, structure=structure, **filters)
    services.log_access(request.user, [r.organisation.pk for r in rows], AccessLog.What.EXPORT)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="portefeuille.csv"'
    writer = csvkit.writer(response)
    # A file for the adviser's spreadsheet, not open data: headings, places and scores as the
    # portfolio page shows them.
    writer.writerow(
        [
            _("Organisation"),
            _("SIREN"),
            _("Département"),
            _("Dernier diagnostic"),
            _("Score global"),
            _("Niveau global"),
            _("Dimensions les plus faibles"),
            _("Actions faites"),
            _("Actions au total"),
            _("Accès jusqu’au"),
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row.organisation.name,
                row.organisation.siren,
                row.organisation.departement_name,
                row.completed_at.date().isoformat() if row.completed_at else "",
                "" if row.overall_score is None else display_score(row.overall_score),
                row.level_label,
                " | ".join(row.weakest),
                row.actions_done,
                row.actions_total,
                row.consent_expires_at.date().isoformat() if row.consent_expires_at else "",
            ]
        )
    return response


@adviser_required
def compare(request):
    """Approved advisers: selected clients side by side, dimension by dimension."""
    form = CompareForm(request.GET)
    ids = form.cleaned_data["o"][:COMPARE_MAX] if form.is_valid() else []
    rows, structure = portfolio.clients(request.user, ids=ids) if ids else ([], None)
    if ids:
        services.log_access(
            request.user, [r.organisation.pk for r in rows], AccessLog.What.COMPARISON
        )
    table = portfolio.comparison(rows, structure) if len(rows) >= 2 else []
    radars = []
    if table:
        for index, row in enumerate(rows):
            radars.append(
                {
                    "organisation": row.organisation,
                    "chart": maturity_charts.radar_svg(
                        [(t["title"], t["scores"][index]) for t in table],
                        comparison=[t["median"] for t in table],
                        title=_("%(org)s : scores par dimension") % {"org": row.organisation.name},
                        description=_(
                            "Radar des scores de 0 à 100 de l'organisation, comparés à la "
                            "médiane de la sélection ; le tableau donne les mêmes valeurs."
                        ),
                    ),
                }
            )
    key = ""
    if radars:
        # Always two organisations or more here.
        key = maturity_charts.chart_key(
            _("L'organisation (trait plein vert)"),
            _("Médiane des %(n)s organisations sélectionnées (tirets orange)") % {"n": len(rows)},
        )
    return TemplateResponse(
        request,
        "advisers/compare.html",
        {"rows": rows, "table": table, "radars": radars, "key": key, "asked": len(ids)},
    )


@adviser_required
def request_access(request):
    """Approved advisers ask an organisation (by SIREN) for access; its admins decide."""
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consent = services.request_access(
                adviser=request.user,
                siren=form.cleaned_data["siren"],
                message=form.cleaned_data["message"],
            )
        except services.ConsentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Demande envoyée aux administrateur·rices de %(org)s.")
                % {"org": consent.organisation.name},
            )
            return redirect("advisers:portfolio")
    return TemplateResponse(request, "advisers/request_form.html", {"form": form})


def _client_context(request, organisation):
    diagnostic = services.latest_diagnostic(organisation)
    snapshot = getattr(diagnostic, "snapshot", None) if diagnostic else None
    data = snapshot.data if snapshot else None
    titles = services.dimension_titles(diagnostic)
    structure = structure_for(diagnostic.questionnaire) if diagnostic else None
    return diagnostic, data, titles, structure


@adviser_required
def client(request, org_pk):
    """Approved advisers with a live consent from the organisation: its latest results and its
    roadmap, read-only; their notes per dimension and their recommendations."""
    organisation = consented_organisation(request.user, org_pk)
    return _client_page(request, organisation)


def _client_page(request, organisation, notes_form: NotesForm | None = None):
    """The client page; `notes_form`, bound, brings back the notes as they were typed."""
    services.log_access(request.user, [organisation.pk], AccessLog.What.CLIENT)
    diagnostic, data, titles, structure = _client_context(request, organisation)
    chart = ""
    if data:
        chart = maturity_charts.radar_svg(
            [(d["title"], d["score"]) for d in data["dimensions"]],
            title=_("Scores par dimension"),
            description=_("Graphique radar des scores de 0 à 100, repris dans le tableau."),
        )
    roadmap_obj = Roadmap.objects.filter(organisation=organisation).first()
    actions = []
    view = None
    if roadmap_obj:
        actions = list(
            roadmap_obj.actions.for_roadmap_page().prefetch_related(
                Prefetch(
                    "adviser_recommendation",
                    queryset=Recommendation.objects.all(),
                )
            )
        )
        view = roadmap.arrange(actions)
    names = {
        a.pk: a.adviser_recommendation.adviser_name
        for a in actions
        if a.source == RoadmapAction.Source.ADVISER and hasattr(a, "adviser_recommendation")
    }
    if notes_form is None:
        notes_form = NotesForm(
            dimensions=titles,
            initial={
                f"{n.dimension}-text": n.text
                for n in AdviserNote.objects.filter(organisation=organisation, adviser=request.user)
            },
        )
    level_texts = structure.level_texts if structure else {}
    return form_page(
        request,
        "advisers/client.html",
        {
            "organisation": organisation,
            "diagnostic": diagnostic,
            "data": data,
            "chart": chart,
            "titles": titles,
            "level_texts": level_texts,
            "view": view,
            "actions": [a for a in actions if not a.obsolete],
            "recommended_by": names,
            "horizons": roadmap_rules.HORIZONS,
            "notes_form": notes_form,
            "recommendation_form": RecommendationForm(dimensions=list(titles.items())),
        },
        form="notes_form",
    )


@adviser_required
@require_POST
def note_save(request, org_pk):
    """Approved advisers with a live consent write their notes on every dimension at once
    (one form, one button: a note typed in one dimension is never lost by saving another).
    A note refused brings the page back with every note as typed, none saved."""
    organisation = consented_organisation(request.user, org_pk)
    titles = services.dimension_titles(services.latest_diagnostic(organisation))
    form = NotesForm(request.POST, dimensions=titles)
    if not form.is_valid():
        return _client_page(request, organisation, notes_form=form)
    # A dimension the latest results do not have (a form from older results): refused whole.
    posted = {
        key.removeprefix("note-").removesuffix("-text"): request.POST[key]
        for key in request.POST
        if key.startswith("note-") and key.endswith("-text")
    }
    try:
        services.save_notes(
            organisation=organisation, adviser=request.user, notes=posted | form.submitted()
        )
    except services.ConsentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Vos avis sont enregistrés."))
    return redirect(reverse("advisers:client", args=[org_pk]) + "#avis")


@adviser_required
@require_POST
def recommend(request, org_pk):
    """Approved advisers with a live consent propose an action for the organisation's roadmap."""
    organisation = consented_organisation(request.user, org_pk)
    titles = services.dimension_titles(services.latest_diagnostic(organisation))
    form = RecommendationForm(request.POST, dimensions=list(titles.items()))
    if form.is_valid():
        services.recommend(organisation=organisation, adviser=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("Recommandation ajoutée : l'organisation la verra dans sa feuille de route."),
        )
    else:
        errors = "; ".join(str(e) for field in form.errors.values() for e in field)
        messages.error(request, _("Recommandation non ajoutée : %(e)s") % {"e": errors})
    return redirect(reverse("advisers:client", args=[org_pk]) + "#recommander")


# Interview questions from the DLA guide (« Un accompagnement en 5 étapes »).
INTERVIEW_QUESTIONS = [
    (
        "usage",
        [
            gettext_lazy("Quels outils utilisez-vous vraiment au quotidien, et par qui ?"),
            gettext_lazy(
                "Quel est l'impact de chaque outil : efficacité, relations humaines, objectif "
                "initial atteint ?"
            ),
        ],
    ),
    (
        "mise_en_place",
        [
            gettext_lazy(
                "Comment ces outils ont-ils été choisis : le besoin a-t-il été défini avant ?"
            ),
            gettext_lazy(
                "Les utilisateur·rices ont-ils été impliqué·es dans le choix et la mise en place ?"
            ),
            gettext_lazy("Existe-t-il des règles d'usage documentées et partagées ?"),
        ],
    ),
    (
        "reflexion",
        [
            gettext_lazy("Qui pilote le numérique, et comment les décisions sont-elles prises ?"),
            gettext_lazy(
                "Les choix d'outils sont-ils cohérents avec vos valeurs (éthique, libre, données) ?"
            ),
            gettext_lazy(
                "Les pratiques sont-elles homogènes entre équipes, salarié·es et bénévoles ?"
            ),
            gettext_lazy(
                "Les priorités numériques sont-elles alignées avec la stratégie de la structure ?"
            ),
        ],
    ),
]


@adviser_required
def prediagnostic(request, org_pk):
    """Approved advisers with a live consent: a printable prediagnostic sheet following the DLA
    guide, prefilled from the organisation's latest results."""
    organisation = consented_organisation(request.user, org_pk)
    services.log_access(request.user, [organisation.pk], AccessLog.What.PREDIAGNOSTIC)
    diagnostic, data, _titles, structure = _client_context(request, organisation)
    level_texts = structure.level_texts if structure else {}
    dimensions = []
    if data:
        for d in data["dimensions"]:
            level = level_texts.get(d["level"]) if d["level"] else None
            dimensions.append({**d, "level_text": level})
    tools = []
    if diagnostic:
        usages = {u["code"]: u["label"] for u in structure.inventory.get("usages", [])}
        by_usage: dict[str, list] = {}
        for item in InventoryItem.objects.filter(diagnostic=diagnostic).order_by(
            "usage", "tool_name"
        ):
            by_usage.setdefault(item.usage, []).append(item)
        tools = [(usages.get(code, code), items) for code, items in by_usage.items()]
    weakest = sorted(
        (d for d in dimensions if d["score"] is not None), key=lambda d: (d["score"], d["code"])
    )[:3]
    return TemplateResponse(
        request,
        "advisers/prediagnostic.html",
        {
            "organisation": organisation,
            "diagnostic": diagnostic,
            "data": data,
            "overall_level": level_texts.get(data["overall"]["level"])
            if data and data["overall"]["level"]
            else None,
            "dimensions": dimensions,
            "weakest": weakest,
            "tools": tools,
            "questions": INTERVIEW_QUESTIONS,
            "adviser": request.user,
            "today": timezone.localdate(),
        },
    )


# --- CRESS observatory --------------------------------------------------------------------------


def _figures(request):
    form = ObservatoryForm(request.GET or None)
    return form, observatory.cached(form.filters(), form.breakdown())


@cress_admin_required
def observatory_page(request):
    """CRESS admins: anonymised regional figures, groups under 5 organisations suppressed."""
    form, figures = _figures(request)
    legend = [label for _code, label, _low, _high in figures.levels]
    # Within a population that may be shown, by the same rules (observatory docstring).
    footprint = observatory.cached_footprint(form.filters()) if figures.shown else None
    context = {
        "form": form,
        "figures": figures,
        "footprint": footprint,
        "footprint_tables": _footprint_tables(footprint),
        # The medians of every dimension by group on demand: ten columns for each group would
        # outweigh the rest of the page (EcoIndex); the exports always have them.
        "by_dimension": request.GET.get("detail") == "dimensions",
        "minimum": observatory.MIN_GROUP,
        "query": request.GET.urlencode(),
        "levels_chart": charts.stacked_svg(
            [(d["title"], [lv["count"] for lv in d["levels"]]) for d in figures.dimensions],
            legend=legend,
            title=_("Répartition des niveaux par dimension"),
            description=_("Barres empilées à 100 % ; le tableau qui suit donne les effectifs."),
        ),
        "groups_chart": charts.bars_svg(
            [(g["label"], g["median"]) for g in figures.groups if g["shown"]],
            title=_("Score global médian par groupe"),
            description=_("Médiane du score global (0 à 100) ; groupes de moins de 5 masqués."),
        ),
        "years_chart": charts.bars_svg(
            [(str(y["year"]), y["median"]) for y in figures.years if y["shown"]],
            title=_("Score global médian par année"),
            description=_("Médiane du score global des diagnostics terminés chaque année."),
        ),
    }
    return TemplateResponse(request, "advisers/observatory.html", context)


def _footprint_tables(footprint: dict | None) -> list[dict]:
    """Each breakdown of the footprint: its groups shown, for a table, and the names of those
    suppressed, said in one sentence rather than a row each."""
    if not footprint or not footprint["shown"]:
        return []
    return [
        {
            "label": b["label"],
            "shown": [g for g in b["groups"] if g["shown"]],
            "suppressed": ", ".join(g["label"] for g in b["groups"] if not g["shown"]),
        }
        for b in footprint["breakdowns"]
    ]


@cress_admin_required
def observatory_json(request):
    """CRESS admins: the observatory figures as open data (JSON, schema in the README)."""
    form, figures = _figures(request)
    document = observatory.as_json(figures)
    document["equipment_footprint"] = observatory.footprint_json(
        observatory.cached_footprint(form.filters()) if figures.shown else None
    )
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="observatoire.json"'
    return response


@cress_admin_required
def observatory_csv(request):
    """CRESS admins: the table by group as open data (CSV, columns in the README)."""
    _form, figures = _figures(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="observatoire.csv"'
    writer = csvkit.writer(response)
    codes = [d["code"] for d in figures.dimensions]
    writer.writerow(
        ["regroupement", "groupe", "libelle", "masque", "organisations", "mediane_globale"]
        + [f"mediane_{code}" for code in codes]
    )
    for g in figures.groups:
        writer.writerow(
            [figures.breakdown, g["value"], g["label"], "oui" if not g["shown"] else "non"]
            + ["" if v is None else v for v in [g["organisations"], g["median"], *g["medians"]]]
        )
    return response
