"""Fiches pratiques: reading, sharing, editing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from ambassadors import tool_names
from ambassadors.filters import ResourceFilter
from ambassadors.forms import ResourceForm
from ambassadors.models import Resource
from ambassadors.services import contact
from ambassadors.services import events as event_services
from ambassadors.views.shared import paginate, query_without_page
from common.text import render_markdown
from common.views import form_page


def resources(request):
    """Everyone: published fiches pratiques, searchable and filtered by dimension and tool."""
    filterset = ResourceFilter(
        request.GET or None, queryset=Resource.objects.published().for_list()
    )
    page = paginate(request, filterset.qs)
    template = "ambassadors/resources.html"
    if request.htmx:
        template += "#list"
    return TemplateResponse(
        request,
        template,
        {
            "filter": filterset,
            "page": page,
            "query": query_without_page(request),
            "can_share": event_services.can_organise(request.user),
        },
    )


def resource_detail(request, pk):
    """Everyone for published fiches; the author and CRESS admins before publication."""
    resource = get_object_or_404(
        Resource.objects.visible_to(request.user).select_related("author"), pk=pk
    )
    return TemplateResponse(
        request,
        "ambassadors/resource_detail.html",
        {
            "resource": resource,
            "body": render_markdown(resource.body),
            "tools": tool_names.named(resource.tools),
        },
    )


def resource_pdf(request, pk):
    """Same rule as the fiche: its PDF, read from private storage."""
    resource = get_object_or_404(Resource.objects.visible_to(request.user), pk=pk)
    if not resource.pdf:
        raise Http404
    try:
        handle = resource.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{resource.slug_hint}.pdf",
        content_type="application/pdf",
    )


@login_required
def resource_create(request):
    """Validated ambassadors and CRESS admins share a fiche; CRESS admins review it."""
    if not event_services.can_organise(request.user):
        raise PermissionDenied
    form = ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        resource = contact.submit_resource(resource=form.save(commit=False), author=request.user)
        messages.success(
            request, _("Merci ! Votre fiche sera publiée après relecture par la CRESS.")
        )
        return redirect(resource.get_absolute_url())
    return form_page(request, "ambassadors/resource_form.html", {"form": form, "resource": None})


@login_required
def resource_edit(request, pk):
    """The fiche's author (sent back to review) and CRESS admins."""
    queryset = Resource.objects.all()
    if not request.user.is_cress_admin:
        queryset = queryset.filter(author=request.user)
    resource = get_object_or_404(queryset, pk=pk)
    form = ResourceForm(request.POST or None, request.FILES or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        resource = form.save(commit=False)
        if request.user.is_cress_admin:
            resource.save()
        else:
            contact.submit_resource(resource=resource, author=request.user)
        messages.success(request, _("La fiche est enregistrée."))
        return redirect(resource.get_absolute_url())
    return form_page(
        request, "ambassadors/resource_form.html", {"form": form, "resource": resource}
    )
