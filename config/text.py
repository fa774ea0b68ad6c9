"""Markdown written by people, rendered safe: every rendering goes through nh3 (Ammonia).

The parser is cmark-gfm, the C reference implementation of CommonMark with GitHub's tables:
its time is linear in the input, so a hostile text costs milliseconds (bench/markdown_bench.py).
"""

import re

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "code", "pre", "blockquote",
    "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
# cmark's default (safe) mode: raw HTML is left out, not passed through. Nothing here needs it,
# and deeply nested raw tags would cost the sanitiser time quadratic in their depth.
CMARK_OPTIONS = Options.CMARK_OPT_DEFAULT
# cmark caps list nesting (100 levels) but not quotes: ">>>>…" opens one quote per character,
# and the sanitiser's time grows with the square of the depth. Quote markers beyond this many
# at the start of a line are shown as plain ">".
MAX_QUOTE_DEPTH = 20
_LINE_PREFIX = re.compile(r"^[ \t>*+\-.)0-9]*", re.MULTILINE)

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
)


def _shallow_quotes(match: re.Match) -> str:
    prefix = match.group()
    if prefix.count(">") <= MAX_QUOTE_DEPTH:
        return prefix
    cut = [i for i, char in enumerate(prefix) if char == ">"][MAX_QUOTE_DEPTH]
    return prefix[:cut] + prefix[cut:].replace(">", "\\>")


def render_markdown(text: str) -> SafeString:
    """Markdown to sanitised HTML: no script, no style, no event handler, safe link schemes only."""
    if not text:
        return mark_safe("")
    # A lone surrogate cannot be encoded for the C parser: replaced, like any invalid character.
    text = text.encode("utf-8", "replace").decode("utf-8")
    if text.count(">") > MAX_QUOTE_DEPTH:
        text = _LINE_PREFIX.sub(_shallow_quotes, text)
    html = cmarkgfm.markdown_to_html_with_extensions(
        text, options=CMARK_OPTIONS, extensions=["table"]
    )
    return mark_safe(_cleaner.clean(html))  # sanitised by nh3
