"""Small SVG bar charts for the observatory, drawn on the server.

Presentation attributes only, never `style` (the CSP forbids inline styles); every chart has a
title and a description and repeats a table that follows it on the page.

Each label is written in full: above its bar, wrapped onto as many lines as it needs, or, when
every label is short (years), in a column beside the bars. The drawing is 400 units wide and
shown at that size at most (its width and height attributes), so that its text is 15 px high on
a wide screen and still about 13 px once shrunk to a phone's width.
"""

import hashlib
from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from maturity.charts import CHAR_EM, GRID_COLOUR, SCORE_COLOUR, TEXT_COLOUR
from maturity.scoring import display_score

LEVEL_COLOURS = ["#8a3b00", "#6b5a00", "#0b5a48", "#1f4e99"]
WIDTH = 400
FONT = 15
LINE = FONT * 1.2
BAR = 16  # a bar's height
GAP = 10  # between a bar and the next row's label
VALUE_ROOM = 40  # after a bar, for its value
SIDE_LABEL_CHARS = 12  # labels up to this long go in a column beside the bars


def _wrap(label: str, chars: int) -> list[str]:
    """Lines of at most `chars` characters, cut between words (a longer word stays whole)."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


class _Layout:
    """Where each row's label and bar go: the bars' left edge and length, and a cursor down
    the drawing."""

    def __init__(self, labels: Sequence[str], value_room: float) -> None:
        longest = max((len(label) for label in labels), default=0)
        self.side = longest <= SIDE_LABEL_CHARS
        # A column as wide as the longest label, or the whole width above the bars.
        self.left = longest * CHAR_EM * FONT + 8 if self.side else 0.0
        self.length = WIDTH - self.left - value_room
        self.chars = int(WIDTH / (CHAR_EM * FONT))
        self.y = 4.0
        self.bar_tops: list[float] = []

    def label(self, label: str) -> tuple[SafeString, float]:
        """The row's label, and the top of its bar (the cursor moves past the row)."""
        if self.side:
            top = self.y
            text = format_html(
                '<text x="{}" y="{}" text-anchor="end">{}</text>',
                _num(self.left - 6),
                _num(top + BAR / 2 + FONT * 0.35),
                label,
            )
        else:
            lines = _wrap(label, self.chars)
            first = self.y + FONT
            if len(lines) == 1:
                text = format_html('<text x="0" y="{}">{}</text>', _num(first), lines[0])
            else:
                text = format_html(
                    "<text>{}</text>",
                    format_html_join(
                        "",
                        '<tspan x="0" y="{}">{}</tspan>',
                        ((_num(first + i * LINE), line) for i, line in enumerate(lines)),
                    ),
                )
            top = self.y + len(lines) * LINE + 3
        self.bar_tops.append(top)
        self.y = top + BAR + GAP
        return text, top

    def axis(self) -> SafeString:
        """The bars' zero line, one segment beside each bar (one element)."""
        d = "".join(f"M{_num(self.left)} {_num(top - 2)}v{BAR + 4}" for top in self.bar_tops)
        return format_html('<path d="{}" stroke="{}" fill="none"></path>', d, GRID_COLOUR)


def _num(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def bars_svg(
    rows: Sequence[tuple[str, float | None]], *, title: str, description: str, maximum: float = 100
) -> SafeString:
    """Horizontal bars, one per (label, score); a missing score draws no bar and says so."""
    if not rows:
        return mark_safe("")
    layout = _Layout([str(label) for label, _value in rows], VALUE_ROOM)
    parts = []
    for label, value in rows:
        text, top = layout.label(str(label))
        parts.append(text)
        baseline = top + BAR / 2 + FONT * 0.35
        if value is None:
            parts.append(
                format_html('<text x="{}" y="{}">—</text>', _num(layout.left + 4), _num(baseline))
            )
            continue
        length = max(0.0, min(1.0, value / maximum)) * layout.length
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<text x="{}" y="{}">{}</text>',
                _num(layout.left),
                _num(top),
                _num(length),
                BAR,
                SCORE_COLOUR,
                _num(layout.left + length + 4),
                _num(baseline),
                display_score(value),  # as the table that follows shows it
            )
        )
    parts.append(layout.axis())
    return _svg(layout.y, title, description, mark_safe("".join(parts)))


def stacked_svg(
    rows: Sequence[tuple[str, Sequence[int]]],
    *,
    legend: Sequence[str],
    title: str,
    description: str,
) -> SafeString:
    """One 100 % bar per row, split by level; a legend under the bars."""
    if not rows:
        return mark_safe("")
    layout = _Layout([str(label) for label, _counts in rows], 0)
    parts = []
    for label, counts in rows:
        text, top = layout.label(str(label))
        parts.append(text)
        total = sum(counts)
        x = layout.left
        for j, count in enumerate(counts):
            if not total or not count:
                continue
            length = layout.length * count / total
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>',
                    _num(x),
                    _num(top),
                    _num(length),
                    BAR,
                    LEVEL_COLOURS[j % len(LEVEL_COLOURS)],
                )
            )
            x += length
    parts.append(layout.axis())
    top = layout.y + 4
    parts.append(
        format_html_join(
            "",
            '<rect x="0" y="{}" width="14" height="14" fill="{}"></rect>'
            '<text x="20" y="{}">{}</text>',
            (
                (
                    _num(top + k * LINE * 1.2),
                    LEVEL_COLOURS[k % len(LEVEL_COLOURS)],
                    _num(top + k * LINE * 1.2 + 7 + FONT * 0.35),
                    str(name),
                )
                for k, name in enumerate(legend)
            ),
        )
    )
    return _svg(top + len(legend) * LINE * 1.2, title, description, mark_safe("".join(parts)))


def _svg(height: float, title: str, description: str, body: SafeString) -> SafeString:
    digest = hashlib.sha256(f"{title}|{description}|{body}".encode()).hexdigest()
    chart_id = f"bars-{digest[:12]}"
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'role="img" aria-labelledby="{id}-t {id}-d" class="bar-chart" font-size="{font}" '
        'fill="{ink}">'
        '<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>{body}</svg>',
        w=WIDTH,
        h=_num(height),
        id=chart_id,
        font=FONT,
        ink=TEXT_COLOUR,
        title=title,
        desc=description,
        body=body,
    )
