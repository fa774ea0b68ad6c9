"""Pages that belong to the platform as a whole: home, CRESS space, legal pages, health, error
pages."""

from django.db import connection
from django.db.models import Count, Q
from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.cache import never_cache

from accounts.access import CressOnly, OrganisationAdminsOnly, cress_admin_required
from accounts.forms import DecisionForm
from accounts.models import Membership, Organisation
from advisers.models import AdviserProfile
from ambassadors.services.events import next_events
from common import glossary
from config import home as home_blocks
from maturity import sample

PAGES = {
    "about": "pages/about.html",
    "privacy": "pages/privacy.html",
    "accessibility": "pages/accessibility.html",
    "legal": "pages/legal.html",
}


def home(request):
    """Everyone: the next events. Visitors see who runs the service and a sample result before
    being asked to sign up. Logged-in people see a block for each of their roles: their
    organisations' diagnostics, roadmaps, actions due and events near them; an adviser's
    portfolio; the CRESS queues."""
    context = {"next_events": next_events(request.user)}
    if request.user.is_authenticated:
        context.update(home_blocks.signed_in(request))
    else:
        context["sample"] = sample.home_sample()
    return TemplateResponse(request, "pages/home.html", context)


@cress_admin_required
def cress_dashboard(request):
    """CRESS admins: every queue waiting for them, with its count and its page; adviser
    account requests to decide here, and the platform's figures."""
    figures = Organisation.objects.aggregate(
        total=Count("pk"),
        with_admin=Count(
            "pk",
            filter=Q(memberships__is_active=True, memberships__role=Membership.Role.ADMIN),
            distinct=True,
        ),
    )
    return TemplateResponse(
        request,
        "pages/cress.html",
        {
            "queues": home_blocks.cress_queues(),
            "pending_advisers": AdviserProfile.objects.pending_review().select_related(
                "user", "structure"
            ),
            "advisers": AdviserProfile.objects.approved()
            .select_related("user", "structure")
            .order_by("structure__name", "user__last_name"),
            "figures": figures,
            "decision_form": DecisionForm(),
        },
    )


def page(request, name):
    """Everyone: about, privacy, accessibility statement, legal notice."""
    return TemplateResponse(request, PAGES[name], {})


def glossary_page(request):
    """Everyone: the words of digital tools and of support, each with its anchor (data:
    fixtures/glossary.yaml, read by common.glossary)."""
    data = glossary.glossary()
    sections = [
        {
            "title": section.title,
            "id": f"theme-{slugify(section.title)}",  # never the id of a term
            "terms": [(term, [data.terms[other] for other in term.see]) for term in section.terms],
        }
        for section in data.sections
    ]
    return TemplateResponse(
        request, "pages/glossary.html", {"sections": sections, "index": data.alphabetical()}
    )


@never_cache
def health(request):
    """Everyone (load balancers, Docker): 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def permission_denied(request, exception=None):
    """The refusal says what fits the page and the person: whose page it is, and whom to ask
    only when someone can grant it (an organisation's admins to one of its members)."""
    user = getattr(request, "user", None)
    cress_only = isinstance(exception, CressOnly)
    context = {
        "cress_only": cress_only,
        "admins_only": isinstance(exception, OrganisationAdminsOnly),
        "is_member": not cress_only
        and user is not None
        and user.is_authenticated
        and user.memberships.filter(is_active=True).exists(),
        # The observatory's figures are also published, anonymised, for everyone.
        "public_observatory": reverse("public_observatory:page")
        if cress_only and request.path.startswith(reverse("advisers:observatory"))
        else "",
    }
    return TemplateResponse(request, "403.html", context, status=403)


def page_not_found(request, exception=None):
    return TemplateResponse(request, "404.html", {}, status=404)


def server_error(request):
    # No context processors: the failure may come from the database they would query.
    return HttpResponseServerError(loader.get_template("500.html").render())
