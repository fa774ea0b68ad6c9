"""Small SVG bar charts for the observatory, drawn on the server.

Presentation attributes only, never `style` (the CSP forbids inline styles); every chart has a
title and a description and repeats a table that follows it on the page.
"""

import hashlib
from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from maturity.charts import GRID_COLOUR, SCORE_COLOUR, TEXT_COLOUR
from maturity.scoring import display_score

LEVEL_COLOURS = ["#8a3b00", "#6b5a00", "#0b5a48", "#1f4e99"]
ROW = 22
LABEL_WIDTH = 230
BAR_WIDTH = 300


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bars_svg(
    rows: Sequence[tuple[str, float | None]], *, title: str, description: str, maximum: float = 100
) -> SafeString:
    """Horizontal bars, one per (label, score); a missing score draws no bar and says so."""
    if not rows:
        return mark_safe("")
    height = ROW * len(rows) + 10
    width = LABEL_WIDTH + BAR_WIDTH + 50
    parts = []
    for i, (label, value) in enumerate(rows):
        y = 5 + i * ROW
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" fill="{}" text-anchor="end">{}</text>',
                LABEL_WIDTH - 6,
                y + 14,
                TEXT_COLOUR,
                _short(str(label)),
            )
        )
        if value is None:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="12" fill="{}">—</text>',
                    LABEL_WIDTH + 4,
                    y + 14,
                    TEXT_COLOUR,
                )
            )
            continue
        length = max(0.0, min(1.0, value / maximum)) * BAR_WIDTH
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<text x="{}" y="{}" font-size="12" fill="{}">{}</text>',
                LABEL_WIDTH,
                y + 3,
                f"{length:.1f}",
                ROW - 6,
                SCORE_COLOUR,
                f"{LABEL_WIDTH + length + 4:.1f}",
                y + 14,
                TEXT_COLOUR,
                display_score(value),  # as the table that follows shows it
            )
        )
    return _svg(width, height, title, description, mark_safe("".join(parts)))


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
    height = ROW * len(rows) + 10 + ROW * len(legend)
    width = LABEL_WIDTH + BAR_WIDTH + 20
    parts = []
    for i, (label, counts) in enumerate(rows):
        y = 5 + i * ROW
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" fill="{}" text-anchor="end">{}</text>',
                LABEL_WIDTH - 6,
                y + 14,
                TEXT_COLOUR,
                _short(str(label)),
            )
        )
        total = sum(counts)
        x = float(LABEL_WIDTH)
        for j, count in enumerate(counts):
            if not total or not count:
                continue
            length = BAR_WIDTH * count / total
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>',
                    f"{x:.1f}",
                    y + 3,
                    f"{length:.1f}",
                    ROW - 6,
                    LEVEL_COLOURS[j % len(LEVEL_COLOURS)],
                )
            )
            x += length
    top = 5 + len(rows) * ROW
    parts.append(
        format_html_join(
            "",
            '<rect x="{}" y="{}" width="12" height="12" fill="{}"></rect>'
            '<text x="{}" y="{}" font-size="12" fill="{}">{}</text>',
            (
                (
                    LABEL_WIDTH,
                    top + k * ROW + 4,
                    LEVEL_COLOURS[k % len(LEVEL_COLOURS)],
                    LABEL_WIDTH + 18,
                    top + k * ROW + 14,
                    TEXT_COLOUR,
                    str(name),
                )
                for k, name in enumerate(legend)
            ),
        )
    )
    return _svg(width, height, title, description, mark_safe("".join(parts)))


def _svg(width, height, title, description, body) -> SafeString:
    digest = hashlib.sha256(f"{title}|{description}|{body}".encode()).hexdigest()
    chart_id = f"bars-{digest[:12]}"
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-t {id}-d" class="bar-chart">'
        '<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>'
        '<line x1="{x}" y1="0" x2="{x}" y2="{h}" stroke="{grid}"></line>{body}</svg>',
        w=width,
        h=height,
        id=chart_id,
        title=title,
        desc=description,
        x=LABEL_WIDTH,
        grid=GRID_COLOUR,
        body=body,
    )
