"""{% load identity_tags %}: the identity where no context processor runs (PDFs)."""

from django import template

from identity import services

register = template.Library()


@register.inclusion_tag("identity/pdf_cover.html")
def pdf_cover_identity():
    """The operator's logo, name and colours at the top of a PDF's cover."""
    return {"identity": services.current()}
