"""What the apps' views share."""

from typing import Any

from django.http import HttpRequest
from django.template.response import TemplateResponse


def form_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, form: str = "form"
) -> TemplateResponse:
    """A page holding a form (`context[form]`): 400 when the form came back with errors, so
    that tools and tests tell a refused submission from a page shown, 200 otherwise. The form
    keeps what was typed."""
    status = 400 if context[form].errors else 200
    return TemplateResponse(request, template, context, status=status)
