"""The logo is kept only once made harmless (identity.svg): scripts, event handlers, links out
of the file, foreign HTML and external resources are removed; what is no SVG is refused."""

import xml.etree.ElementTree as ET

import pytest

from identity import svg

LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 24">'
    '<title>CRESS</title><circle cx="12" cy="12" r="10" fill="#0b5a48"/>'
    '<path d="M30 2h16v20H30z" style="fill:#8a3b00;stroke:#000"/></svg>'
)


def test_a_plain_logo_is_kept_as_drawn():
    logo = svg.sanitise(LOGO)
    assert logo.svg == LOGO.replace("/>", ">").replace(
        '<circle cx="12" cy="12" r="10" fill="#0b5a48">',
        '<circle cx="12" cy="12" r="10" fill="#0b5a48"></circle>',
    ).replace('stroke:#000">', 'stroke:#000"></path>')
    assert (logo.width, logo.height) == (48, 24)
    ET.fromstring(logo.svg)  # well-formed XML: served alone as image/svg+xml


@pytest.mark.parametrize(
    ("dangerous", "gone"),
    [
        ("<script>alert(1)</script>", ["script", "alert"]),
        ('<circle r="1" onload="alert(1)"/>', ["onload", "alert"]),
        ('<a href="javascript:alert(1)"><rect width="1" height="1"/></a>', ["javascript", "<a"]),
        ("<foreignObject><div onclick='x()'>HTML</div></foreignObject>", ["foreignObject", "div"]),
        ('<image href="https://tracker.example/pixel.png"/>', ["image", "tracker"]),
        ('<use href="https://evil.example/sprite.svg#logo"/>', ["evil"]),
        ('<use xlink:href="data:image/svg+xml,&lt;svg&gt;"/>', ["data:"]),
        ('<rect width="1" height="1" fill="url(https://evil.example/x)"/>', ["evil"]),
        (
            '<rect width="1" height="1" style="fill:red;background:url(//evil.example/x)"/>',
            ["evil"],
        ),
        ('<rect width="1" height="1" style="fill:u\\72l(//evil.example/x)"/>', ["evil"]),
        ("<style>@import url(https://evil.example/x.css);</style>", ["evil", "@import"]),
        ('<set attributeName="href" to="javascript:alert(1)"/>', ["javascript", "<set"]),
        ('<animate attributeName="href" values="javascript:alert(1)"/>', ["javascript"]),
        ("<iframe src='https://evil.example'></iframe>", ["iframe", "evil"]),
    ],
)
def test_what_could_run_or_fetch_is_removed(dangerous, gone):
    kept = svg.sanitise(LOGO.replace("</svg>", dangerous + "</svg>")).svg
    for text in gone:
        assert text not in kept, kept
    assert '<circle cx="12"' in kept  # the drawing stays


def test_links_inside_the_file_stay():
    kept = svg.sanitise(
        '<svg viewBox="0 0 4 4"><defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/>'
        '</linearGradient></defs><rect width="4" height="4" fill="url(#g)"/>'
        '<use xlink:href="#g"/></svg>'
    ).svg
    assert 'fill="url(#g)"' in kept and '<use href="#g">' in kept
    ET.fromstring(kept)


def test_an_illustrator_prologue_is_dropped():
    text = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!-- Generator: Adobe Illustrator -->\n'
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/'
        'DTD/svg11.dtd" [<!ENTITY ns_flows "http://ns.adobe.com/Flows/1.0/">]>\n'
        '<svg version="1.1" width="120px" height="40px"><rect width="120" height="40"/></svg>'
    )
    logo = svg.sanitise(text.encode())
    assert logo.svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"')
    assert "ENTITY" not in logo.svg and "]>" not in logo.svg
    assert (logo.width, logo.height) == (120, 40)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><body>Bonjour</body></html>", "n’est pas un logo SVG utilisable"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "fichier SVG"),
        (b'<svg viewBox="0 0 4 4"></svg><svg></svg>', "une seule image"),
        (b"<svg><rect width='1' height='1'/></svg>", "proportions"),
        (b'<svg viewBox="0 0 0 4"><rect width="1" height="1"/></svg>', "proportions"),
    ],
)
def test_what_is_no_usable_svg_is_refused_in_french(data, message):
    with pytest.raises(svg.SvgRefused, match=message):
        svg.sanitise(data)


def test_an_oversized_logo_is_refused():
    big = LOGO.replace("</svg>", "<!--" + "x" * svg.MAX_BYTES + "--></svg>")
    with pytest.raises(svg.SvgRefused, match="50 ko au plus"):
        svg.sanitise(big)
