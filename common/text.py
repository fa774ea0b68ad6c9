"""Markdown written by people, rendered safe: every rendering goes through nh3 (Ammonia).

The parser is cmark-gfm, the C reference implementation of CommonMark with GitHub's tables:
its time is linear in the input. The sanitiser's time grows with the square of the nesting
depth, though, and both ">>>>…" (one quote per character) and raw tags can nest deeply: a text
whose markup nests deeper than any real text is shown as plain text instead. Hostile inputs at
each field's maximum length cost milliseconds (bench/markdown_bench.py).
"""

import re
from itertools import accumulate

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "code", "pre", "blockquote",
    "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
# Raw HTML goes through the parser ("unsafe") because nh3 cleans everything after it.
CMARK_OPTIONS = Options.CMARK_OPT_UNSAFE
MAX_DEPTH = 100
# Opening ("") and closing ("/") tags, void elements (which never close) left out.
_TAG = re.compile(
    r"<(/?)(?!(?:area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr)\b)[a-z]",
    re.IGNORECASE,
)
_STEP = {"": 1, "/": -1}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
)


def _too_deep(html: str) -> bool:
    """Whether tags nest deeper than MAX_DEPTH (an unclosed tag counts as open: it errs on depth)."""
    return max(accumulate(map(_STEP.__getitem__, _TAG.findall(html))), default=0) > MAX_DEPTH


def render_markdown(text: str) -> SafeString:
    """Markdown to sanitised HTML: no script, no style, no event handler, safe link schemes only."""
    if not text:
        return mark_safe("")
    # A lone surrogate cannot be encoded for the C parser: replaced, like any invalid character.
    text = text.encode("utf-8", "replace").decode("utf-8")
    html = cmarkgfm.markdown_to_html_with_extensions(
        text, options=CMARK_OPTIONS, extensions=["table"]
    )
    if _too_deep(html):
        html = linebreaks(text, autoescape=True)
    return mark_safe(_cleaner.clean(html))  # sanitised by nh3
