"""Radar chart of dimension scores as inline SVG, drawn on the server.

Drawn server-side so the chart needs no JavaScript and appears unchanged in the PDF. Only
presentation attributes are used, never `style`: the site's CSP forbids inline styles.
"""

import hashlib
import math
from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maturity.scoring import display_score

MIN_AXES = 3
MAX_AXES = 12
RINGS = (25, 50, 75, 100)

# Colours chosen for contrast on white (text 4.5:1 or more, graphics 3:1 or more).
SCORE_COLOUR = "#0b5a48"
COMPARISON_COLOUR = "#8a3b00"
GRID_COLOUR = "#767676"
TEXT_COLOUR = "#1b1b1f"

# Characters a label's line holds; longer labels wrap onto as many lines as they need, and the
# drawing grows to hold them (never an ellipsis: the full label is what the reader needs).
LABEL_LINE_CHARS = 24
# An average character's advance in em, a little more than the usual sans-serif fonts' (about
# 0.55): the drawing is sized from it, so that its labels are never cut at its edges.
CHAR_EM = 0.6


def _num(value: float) -> str:
    # One decimal is sub-pixel at any sensible size and keeps the markup short.
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _points(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in points)


def _percent(value: float) -> str:
    # As the tables show it (one rounding for every display).
    return str(display_score(value))


def _wrap(label: str) -> list[str]:
    """Lines of at most LABEL_LINE_CHARS, cut between words (a longer word is cut in pieces)."""
    words: list[str] = []
    for word in label.split():
        words.extend(word[i : i + LABEL_LINE_CHARS] for i in range(0, len(word), LABEL_LINE_CHARS))
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= LABEL_LINE_CHARS:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _clamp(value: float | None) -> float:
    # None is drawn at the centre; out-of-range values are a caller's bug, not a reason to
    # draw outside the chart.
    return 0.0 if value is None else min(100.0, max(0.0, float(value)))


def _describe(
    axes: Sequence[tuple[str, float | None]], comparison: Sequence[float | None] | None
) -> str:
    parts = []
    for index, (label, score) in enumerate(axes):
        if score is None:
            text = _("%(label)s : non renseigné") % {"label": label}
        else:
            text = _("%(label)s : %(score)s sur 100") % {"label": label, "score": _percent(score)}
        if comparison is not None:
            other = comparison[index]
            other_text = _("non renseigné") if other is None else _percent(other)
            text += " " + _("(comparaison : %(score)s)") % {"score": other_text}
        parts.append(text)
    return " ; ".join(parts) + "."


def _label_parts(
    angles: list[float],
    labels: list[str],
    *,
    cx: float,
    cy: float,
    radius: float,
    font_size: float,
    line_height: float,
) -> tuple[list[str], tuple[float, float, float, float]]:
    """The axes' labels, wrapped, just outside each spoke's tip, and the box they cover (left,
    top, right, bottom; widths estimated by CHAR_EM)."""
    parts: list[str] = []
    left, top, right, bottom = cx, cy, cx, cy
    parts.append(
        format_html(
            '<g class="radar-labels" fill="{}" font-size="{}">', TEXT_COLOUR, _num(font_size)
        )
    )
    gap = font_size * 0.8
    for angle, label in zip(angles, labels, strict=True):
        cos, sin = math.cos(angle), math.sin(angle)
        x = cx + (radius + gap) * cos
        y = cy + (radius + gap) * sin
        anchor = "middle" if abs(cos) < 0.2 else ("start" if cos > 0 else "end")
        lines = _wrap(label) or [""]
        block = line_height * (len(lines) - 1)
        if sin < -0.9:  # top: the block ends just above the spoke's tip
            first = y - block
        elif sin > 0.9:  # bottom: the block starts below it
            first = y + font_size * 0.8
        else:  # sides: centred on the tip (0.35 em lowers the baseline to the visual middle)
            first = y - block / 2 + font_size * 0.35
        text_width = max(len(line) for line in lines) * CHAR_EM * font_size
        start = {"start": x, "middle": x - text_width / 2, "end": x - text_width}[anchor]
        left, right = min(left, start), max(right, start + text_width)
        # Ascenders above the first baseline, descenders below the last.
        top = min(top, first - font_size)
        bottom = max(bottom, first + block + font_size * 0.3)
        if len(lines) == 1:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="{}">{}</text>',
                    _num(x),
                    _num(first),
                    anchor,
                    lines[0],
                )
            )
            continue
        parts.append(format_html('<text text-anchor="{}">', anchor))
        for index, line in enumerate(lines):
            parts.append(
                format_html(
                    '<tspan x="{}" y="{}">{}</tspan>',
                    _num(x),
                    _num(first + index * line_height),
                    line,
                )
            )
        parts.append(mark_safe("</text>"))
    parts.append(mark_safe("</g>"))
    return parts, (left, top, right, bottom)


def _number_parts(
    angles: list[float], *, cx: float, cy: float, radius: float, font_size: float
) -> list[str]:
    """The axes' numbers, for narrow screens where the labels would be a few pixels high: the
    page's style sheet shows them instead of the labels, with a numbered legend
    (.radar-legend); hidden elsewhere, in the PDF too. One <text> for all (each character placed
    by its own x and y), so that the drawing keeps few elements."""
    xs, ys, digits = [], [], []
    gap = font_size * 0.9
    for index, angle in enumerate(angles, start=1):
        x = cx + (radius + gap) * math.cos(angle)
        y = cy + (radius + gap) * math.sin(angle) + font_size * 0.35
        text = str(index)
        advance = font_size * 0.6  # about one digit's width
        for position, digit in enumerate(text):
            xs.append(x + (position - (len(text) - 1) / 2) * advance)
            ys.append(y)
            digits.append(digit)
    return [
        format_html(
            '<text class="radar-numbers" display="none" fill="{}" font-size="{}" '
            'font-weight="bold" text-anchor="middle" x="{}" y="{}">{}</text>',
            TEXT_COLOUR,
            _num(font_size),
            " ".join(_num(x) for x in xs),
            " ".join(_num(y) for y in ys),
            "".join(digits),
        )
    ]


def radar_svg(
    axes: Sequence[tuple[str, float | None]],
    *,
    comparison: Sequence[float | None] | None = None,
    title: str,
    description: str,
    size: int = 420,
) -> SafeString:
    """Inline SVG radar chart of (label, score 0..100 or None) axes, clockwise from the top.

    `size` is the side of the square holding the rings; the viewBox grows around it to hold
    every label in full (wrapped, never shortened), and the chart scales with its container. With fewer than 3 or more than 12 axes the
    result is empty: a radar is unreadable there and callers show the table alone.
    Axes without a score are drawn at 0 (with a hollow dot) and described as "non renseigné".
    Output is deterministic, including the element ids, which come from a hash of the input.
    """
    count = len(axes)
    if not MIN_AXES <= count <= MAX_AXES:
        return mark_safe("")
    if comparison is not None and len(comparison) != count:
        raise ValueError("comparison must have one value per axis.")
    # str() turns lazy translations into text, so the hash below is stable.
    axes = [(str(label), score) for label, score in axes]
    title, description = str(title), str(description)

    digest = hashlib.sha256(
        repr(
            (axes, None if comparison is None else list(comparison), title, description, size)
        ).encode()
    ).hexdigest()
    chart_id = f"radar-{digest[:12]}"

    radius = size * 0.36
    font_size = size / 35
    line_height = font_size * 1.2
    dot_radius = size / 105
    # The chart's own box is size × size around its centre; the labels' box widens it (evenly
    # on both sides, so that the chart stays in the middle) and heightens it as they need.
    cx = cy = size / 2

    angles = [-math.pi / 2 + 2 * math.pi * i / count for i in range(count)]

    def at(angle: float, value: float) -> tuple[float, float]:
        distance = radius * value / 100
        return cx + distance * math.cos(angle), cy + distance * math.sin(angle)

    label_parts, (left, top, right, bottom) = _label_parts(
        angles,
        [label for label, _score in axes],
        cx=cx,
        cy=cy,
        radius=radius,
        font_size=font_size,
        line_height=line_height,
    )
    margin = font_size / 2
    half_width = max(size / 2, cx - left + margin, right - cx + margin)
    top, bottom = min(0.0, top - margin), max(float(size), bottom + margin)
    width, height = 2 * half_width, bottom - top

    parts: list[str] = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x} {y} {w} {h}" width="{w}" '
            'height="{h}" role="img" aria-labelledby="{id}-title {id}-desc" class="radar-chart">',
            x=_num(cx - half_width),
            y=_num(top),
            w=_num(width),
            h=_num(height),
            id=chart_id,
        ),
        format_html('<title id="{}-title">{}</title>', chart_id, title),
        format_html(
            '<desc id="{}-desc">{}</desc>',
            chart_id,
            " ".join(part for part in (description, _describe(axes, comparison)) if part),
        ),
        format_html('<g class="radar-grid" fill="none" stroke="{}" stroke-width="1">', GRID_COLOUR),
    ]
    for ring in RINGS:
        parts.append(format_html('<polygon points="{}"/>', _points([at(a, ring) for a in angles])))
    # All spokes in one path: one element instead of one per axis.
    spokes = " ".join(f"M{_num(cx)} {_num(cy)}L{_points([at(a, 100)])}" for a in angles)
    parts.append(format_html('<path d="{}"/></g>', spokes.replace(",", " ")))

    parts += label_parts
    # About 14 px high once the drawing is shrunk to a 375 px screen, however wide the labels
    # made it.
    parts += _number_parts(angles, cx=cx, cy=cy, radius=radius, font_size=width / 23)

    score_points = [at(a, _clamp(score)) for a, (_label, score) in zip(angles, axes, strict=True)]
    parts.append(
        format_html(
            '<polygon class="radar-score" points="{}" fill="{c}" fill-opacity="0.25" '
            'stroke="{c}" stroke-width="2" stroke-linejoin="round"/>',
            _points(score_points),
            c=SCORE_COLOUR,
        )
    )
    if comparison is not None:
        parts.append(
            format_html(
                '<polygon class="radar-comparison" points="{}" fill="none" stroke="{}" '
                'stroke-width="2" stroke-dasharray="6 4" stroke-linejoin="round"/>',
                _points([at(a, _clamp(v)) for a, v in zip(angles, comparison, strict=True)]),
                COMPARISON_COLOUR,
            )
        )
    parts.append(format_html('<g class="radar-dots" fill="{}">', SCORE_COLOUR))
    for (x, y), (_label, score) in zip(score_points, axes, strict=True):
        if score is None:
            # Hollow, so "not answered" does not look like a real 0.
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="{}" fill="#ffffff" stroke="{}" '
                    'stroke-width="1.5"/>',
                    _num(x),
                    _num(y),
                    _num(dot_radius),
                    SCORE_COLOUR,
                )
            )
        else:
            parts.append(
                format_html('<circle cx="{}" cy="{}" r="{}"/>', _num(x), _num(y), _num(dot_radius))
            )
    parts.append(mark_safe("</g></svg>"))
    # Every part is either a literal or built by format_html, which escaped the variables.
    return mark_safe("".join(parts))


def chart_key(own: str, median: str) -> SafeString:
    """A radar's key: `own` names the full line (an organisation's scores), `median` the
    dashed one. Each line is named with its style, for those who do not tell the colours
    apart."""
    swatch = '<svg width="32" height="14" viewBox="0 0 32 14" aria-hidden="true">{}</svg>'
    score = format_html(
        '<rect x="1" y="2" width="30" height="10" fill="{c}" fill-opacity="0.25" stroke="{c}" '
        'stroke-width="2"/>',
        c=SCORE_COLOUR,
    )
    dashes = format_html(
        '<line x1="0" y1="7" x2="32" y2="7" stroke="{}" stroke-width="2" stroke-dasharray="6 4"/>',
        COMPARISON_COLOUR,
    )
    return format_html(
        '<ul class="chart-key"><li>{}{}</li><li>{}{}</li></ul>',
        format_html(swatch, score),
        own,
        format_html(swatch, dashes),
        median,
    )


def radar_key(comparison: str | None, organisations: int = 0) -> SafeString:
    """The results radar's key, under it in the page and the PDF: which line is the
    organisation's and which the median of the comparison group (`comparison`, its label; none,
    no key: the chart's title says what its one polygon is)."""
    if not comparison:
        return mark_safe("")
    # The catalogue's existing plural message (locale/fr), after the group's name.
    count = ngettext("%(n)s organisation", "%(n)s organisations", organisations) % {
        "n": organisations
    }
    group = f"{comparison}, {count}"
    return chart_key(
        _("Votre organisation (trait plein vert)"),
        _("Médiane des organisations comparables (tirets orange) — %(group)s") % {"group": group},
    )
