"""The join link as a QR code, an SVG put in the page (no image request, nothing external)."""

import segno
from django.utils.html import escape
from django.utils.safestring import mark_safe


def qr_svg(url: str, *, label: str) -> str:
    # Level M survives a projector's glare; a white quiet zone keeps it readable on dark slides.
    code = segno.make(url, error="m")
    svg = code.svg_inline(
        scale=1, border=4, dark="#000", light="#fff", omitsize=True, svgclass="qr-code"
    )
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))
