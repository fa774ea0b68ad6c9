"""QR codes of guests' links, drawn as inline SVG on the server (segno): a guest in a meeting
room opens their link with a phone's camera, and the page loads nothing more."""

import segno
from django.utils.safestring import SafeString, mark_safe


def svg(url: str, *, title: str) -> SafeString:
    """The QR code of `url`, an <svg> named by `title` (escaped by segno) for screen readers.
    Presentation attributes only (no style attribute), which the content security policy
    allows."""
    code = segno.make(url, error="m")
    markup = code.svg_inline(scale=4, title=title, svgclass="qr-code", lineclass=None)
    return mark_safe(markup.replace("<svg ", '<svg role="img" ', 1))
