"""Directory and profiles: validated ambassadors, their public page, writing to them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from ambassadors import ratelimit, tool_names
from ambassadors.filters import DirectoryFilter
from ambassadors.forms import ContactForm
from ambassadors.models import Ambassador, Event, Resource
from ambassadors.services import contact
from ambassadors.views.shared import paginate, query_without_page
from common.text import render_markdown

CONTACT_LIMIT_PER_HOUR = 5
CONTACT_LIMIT_PER_IP_PER_DAY = 30


def directory(request):
    """Everyone: validated ambassadors who chose a public profile."""
    filterset = DirectoryFilter(request.GET or None, queryset=Ambassador.objects.for_directory())
    page = paginate(request, filterset.qs)
    template = "ambassadors/directory.html"
    if request.htmx:
        template += "#list"
    return TemplateResponse(
        request,
        template,
        {"filter": filterset, "page": page, "query": query_without_page(request)},
    )


def ambassador_detail(request, pk):
    """Everyone: the public profile of a validated ambassador (never their e-mail address)."""
    ambassador = get_object_or_404(Ambassador.objects.for_directory(), pk=pk)
    events = list(
        Event.objects.visible_to(request.user)
        .upcoming()
        .not_cancelled()
        .filter(organiser_id=ambassador.user_id)[:5]
    )
    resources = list(
        Resource.objects.published().for_list().filter(author_id=ambassador.user_id)[:5]
    )
    return TemplateResponse(
        request,
        "ambassadors/ambassador_detail.html",
        {
            "ambassador": ambassador,
            "bio": render_markdown(ambassador.bio),
            "tools": tool_names.named(ambassador.expertise_tools),
            "events": events,
            "resources": resources,
        },
    )


@login_required
def ambassador_contact(request, pk):
    """Logged-in people write to a listed ambassador through the platform (rate-limited)."""
    ambassador = get_object_or_404(Ambassador.objects.for_directory(), pk=pk)
    form = ContactForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        allowed = ratelimit.hit(
            f"contact:user:{request.user.pk}", limit=CONTACT_LIMIT_PER_HOUR, period=3600
        ) and ratelimit.hit(
            f"contact:ip:{ratelimit.client_ip(request)}",
            limit=CONTACT_LIMIT_PER_IP_PER_DAY,
            period=86400,
        )
        if allowed:
            contact.contact_ambassador(
                ambassador=ambassador, sender=request.user, message=form.cleaned_data["message"]
            )
            messages.success(
                request,
                _("Votre message est envoyé à %(name)s, qui vous répondra par e-mail.")
                % {"name": ambassador.public_name},
            )
            return redirect(ambassador.get_absolute_url())
        form.add_error(
            None,
            _(
                "Vous avez envoyé beaucoup de messages en peu de temps. Réessayez dans une heure : votre texte est conservé ci-dessous."
            ),
        )
        status = 429
    elif request.method == "POST":
        status = 400
    return TemplateResponse(
        request,
        "ambassadors/contact.html",
        {"ambassador": ambassador, "form": form},
        status=status,
    )
