"""The instance's files: its stylesheet (colours), its logo and its favicon.

Each page links them with the identity's version in the URL (?v=…): that version is kept a
year by browsers (immutable), another one only a few minutes.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from common.caching import same_for_everyone
from identity import services
from identity.services import Identity

ONE_YEAR = 365 * 24 * 3600
FEW_MINUTES = 300
# An SVG opened on its own is a document: nothing may run or load from it.
SVG_POLICY = {"default-src": [CSP.NONE], "style-src": [CSP.UNSAFE_INLINE]}


def _file(request, identity: Identity, content: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    if request.GET.get("v") == identity.version:
        patch_cache_control(response, public=True, max_age=ONE_YEAR, immutable=True)
    else:
        patch_cache_control(response, public=True, max_age=FEW_MINUTES)
    return response


def stylesheet_text(identity: Identity) -> str:
    return (
        "/* Couleurs de l’instance (identité, administration). */\n"
        f":root {{ --brand: {identity.brand_colour}; --brand-dark: {identity.brand_dark}; "
        f"--accent: {identity.accent_colour}; }}\n"
    )


def favicon_svg(identity: Identity) -> str:
    """A compass in the brand colour: a round dial and its needle, readable at 16 pixels."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
        f'<rect width="32" height="32" rx="7" fill="{identity.brand_colour}"/>'
        '<circle cx="16" cy="16" r="11" fill="none" stroke="#fff" stroke-width="2.2"/>'
        '<g transform="rotate(40 16 16)">'
        '<path d="M16 5.5 20 16h-8z" fill="#fff"/>'
        '<path d="M16 26.5 12 16h8z" fill="#fff" fill-opacity=".5"/></g></svg>'
    )


@same_for_everyone
@require_safe
def stylesheet(request):
    """Everyone: the instance's colours as CSS custom properties (static/css/app.css)."""
    identity = services.current()
    return _file(request, identity, stylesheet_text(identity), "text/css; charset=utf-8")


@same_for_everyone
@require_safe
@csp_override(SVG_POLICY)
def logo(request):
    """Everyone: the instance's logo, sanitised when it was saved (identity.svg); 404 when
    there is none."""
    identity = services.current()
    if not identity.has_logo:
        raise Http404
    return _file(request, identity, identity.logo_svg, "image/svg+xml; charset=utf-8")


@same_for_everyone
@require_safe
@csp_override(SVG_POLICY)
def favicon(request):
    """Everyone: the favicon, in the instance's colour."""
    identity = services.current()
    return _file(request, identity, favicon_svg(identity), "image/svg+xml; charset=utf-8")


@same_for_everyone
@require_safe
def favicon_ico(request):
    """Everyone: pages without an icon link (the admin's) and feed readers ask for
    /favicon.ico; they get the PNG icon rather than a 404."""
    response = redirect(static("img/favicon-32.png"))
    patch_cache_control(response, public=True, max_age=24 * 3600)
    return response
