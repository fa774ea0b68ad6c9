"""Pages that belong to the platform as a whole: home, legal pages, health, error pages."""

from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache

from accounts.models import AdviserProfile
from ambassadors.services import next_events

PAGES = {
    "about": "pages/about.html",
    "privacy": "pages/privacy.html",
    "accessibility": "pages/accessibility.html",
    "legal": "pages/legal.html",
}


def home(request):
    """Everyone: the next events. Logged-in people see their organisations and what their
    roles let them do."""
    context = {"next_events": next_events(request.user)}
    if request.user.is_authenticated:
        context["adviser_profile"] = (
            AdviserProfile.objects.select_related("structure").filter(user=request.user).first()
        )
    return TemplateResponse(request, "pages/home.html", context)


def page(request, name):
    """Everyone: about, privacy, accessibility statement, legal notice."""
    return TemplateResponse(request, PAGES[name], {})


@never_cache
def health(request):
    """Everyone (load balancers, Docker): 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def permission_denied(request, exception=None):
    return TemplateResponse(request, "403.html", {}, status=403)


def page_not_found(request, exception=None):
    return TemplateResponse(request, "404.html", {}, status=404)


def server_error(request):
    # No context processors: the failure may come from the database they would query.
    return HttpResponseServerError(loader.get_template("500.html").render())
