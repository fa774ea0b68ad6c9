"""The instance's logo: an SVG file sent by a CRESS admin, kept only once made harmless.

An SVG is a document that can carry scripts (<script>, onload=…, javascript: links), foreign
HTML (<foreignObject>) and requests to other sites (<image href>, url() in styles, <use> of an
external file), which the header's <img> would not run but the PDF renderer, which draws the
logo inline, would fetch. So the file goes through nh3 (Ammonia, already used for Markdown)
with an allow-list of drawing elements and presentation attributes; links may only point inside
the file (#id); styles keep only drawing properties, without any url() but #id ones. What is
left must be one well-formed <svg> with a size (viewBox, or width and height): otherwise it is
refused, with a message in French.
"""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import nh3
from django.utils.translation import gettext as _

MAX_BYTES = 50_000
SVG_NS = "http://www.w3.org/2000/svg"

ELEMENTS = frozenset(
    {
        "svg", "g", "defs", "title", "desc", "symbol", "use",
        "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
        "text", "tspan",
        "linearGradient", "radialGradient", "stop", "clipPath", "mask",
    }
)  # fmt: skip
ATTRIBUTES = frozenset(
    {
        "id", "viewBox", "preserveAspectRatio", "width", "height", "x", "y", "x1", "y1", "x2",
        "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "d", "points", "transform", "href",
        "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
        "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
        "stroke-dashoffset", "opacity", "clip-path", "clip-rule", "clipPathUnits", "mask",
        "maskUnits", "maskContentUnits", "offset", "stop-color", "stop-opacity", "gradientUnits",
        "gradientTransform", "spreadMethod", "font-family", "font-size", "font-weight",
        "font-style", "text-anchor", "dominant-baseline", "letter-spacing", "dx", "dy",
        "display", "visibility", "style", "role", "aria-label", "aria-hidden", "version",
    }
)  # fmt: skip
# Style properties a drawing needs (Inkscape writes its colours in style="…").
STYLE_PROPERTIES = frozenset(
    {
        "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
        "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
        "stroke-dashoffset", "opacity", "clip-path", "clip-rule", "mask", "stop-color",
        "stop-opacity", "font-family", "font-size", "font-weight", "font-style", "text-anchor",
        "dominant-baseline", "letter-spacing", "display", "visibility",
    }
)  # fmt: skip

# url(...) pointing anywhere but inside the file.
_FOREIGN_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
# A style value: words, numbers, colours (#hex, rgb(), hsl()) and url(#id), nothing else.
_STYLE_VALUE = re.compile(
    r"(?:[#\w\s.,%'\"+-]|url\(#[\w-]+\)|(?:rgba?|hsla?)\([\d\s.,%]+\))+", re.ASCII
)
_SIZE = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(px)?\s*")


class SvgRefused(ValueError):
    """The file is no logo we can keep; the message says why, in French."""


@dataclass(frozen=True)
class Logo:
    svg: str  # the kept markup, one <svg> element with its namespace
    width: float  # of its viewBox: the header draws it at a fixed height
    height: float


def _style(value: str) -> str | None:
    kept = []
    for declaration in value.split(";"):
        name, _colon, val = declaration.partition(":")
        name, val = name.strip().lower(), val.strip()
        # Plain values only: no backslash (a CSS escape could spell url( without the letters),
        # no function but colours and url(#id).
        if name in STYLE_PROPERTIES and _STYLE_VALUE.fullmatch(val):
            kept.append(f"{name}:{val}")
    return ";".join(kept) or None


def _attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        return value if value.startswith("#") else None
    if attribute == "style":
        return _style(value)
    # Presentation attributes are CSS values too: the same rules as in a style.
    if _FOREIGN_URL.search(value) or "\\" in value:
        return None
    return value


def _number(value: str | None) -> float | None:
    match = _SIZE.fullmatch(value or "")
    return float(match.group(1)) if match else None


def _view_box(root: ET.Element) -> tuple[float, float] | None:
    parts = re.split(r"[\s,]+", (root.get("viewBox") or "").strip())
    if len(parts) == 4:
        try:
            width, height = float(parts[2]), float(parts[3])
        except ValueError:
            return None
        return (width, height) if width > 0 and height > 0 else None
    return None


def too_big(size: int) -> SvgRefused:
    return SvgRefused(
        _(
            "Le logo pèse %(size)s ko : 50 ko au plus. Enregistrez-le en « SVG optimisé » "
            "(Inkscape) ou passez-le dans un outil comme SVGO."
        )
        % {"size": max(51, round(size / 1000))}
    )


def sanitise(data: bytes | str) -> Logo:
    """The logo made harmless, or SvgRefused."""
    raw = data if isinstance(data, bytes) else data.encode()
    if len(raw) > MAX_BYTES:
        raise too_big(len(raw))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SvgRefused(_("Le logo doit être un fichier SVG (texte en UTF-8).")) from exc
    not_svg = SvgRefused(
        _("Ce fichier n’est pas un logo SVG utilisable : il doit contenir une seule image <svg>.")
    )
    # The prologue (XML declaration, DOCTYPE and its entities) is not for an HTML parser: what
    # it left would be text before the drawing.
    start = text.lower().find("<svg")
    if start < 0:
        raise not_svg
    cleaned = nh3.clean(
        text[start:],
        tags=set(ELEMENTS),
        attributes={"*": set(ATTRIBUTES)},
        attribute_filter=_attribute,
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    ).strip()
    # The serialiser writes HTML: these two are not XML.
    cleaned = cleaned.replace("&nbsp;", "&#160;").replace(" xlink:href=", " href=")
    if not cleaned.startswith("<svg") or "<!" in cleaned:
        raise not_svg
    # Its own namespace (any xmlns sent was dropped): a file served alone needs it.
    cleaned = f'<svg xmlns="{SVG_NS}"{cleaned[4:]}'
    try:
        root = ET.fromstring(cleaned)  # no DOCTYPE left, so no entity to expand
    except ET.ParseError as exc:
        raise not_svg from exc
    if root.tag != f"{{{SVG_NS}}}svg":
        raise not_svg
    size = _view_box(root)
    if size is None:
        width, height = _number(root.get("width")), _number(root.get("height"))
        if not (width and height):
            raise SvgRefused(
                _(
                    "Le logo doit indiquer ses proportions (attribut viewBox, ou largeur et "
                    "hauteur en pixels) pour s’afficher à la bonne taille."
                )
            )
        cleaned = cleaned.replace(
            f'<svg xmlns="{SVG_NS}"', f'<svg xmlns="{SVG_NS}" viewBox="0 0 {width:g} {height:g}"', 1
        )
        size = (width, height)
    return Logo(svg=cleaned, width=size[0], height=size[1])
