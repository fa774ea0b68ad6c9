"""French typography on rendered HTML: no-break spaces and typographic apostrophes.

Every page goes through one post-render step (FrenchTypographyMiddleware) rather than every
string being written with the right characters: the text comes from templates, translated
strings, the questionnaire and the catalogue files and from what people type, and only a step
on the output treats all of them alike. The rules, in the text between tags only:

- a regular space (or run of spaces) before ; : ! ? » and after « becomes one no-break space
  (U+00A0 everywhere, as maturity.synthesis already writes « … »: the narrow no-break space
  that some typographers use before ; ! ? is missing from common fonts, and one character is
  easier to check);
- a straight apostrophe between two letters (aujourd'hui, l'outil) becomes ’ (U+2019), the
  apostrophe of the French templates, so that straight and curly ones no longer mix; but not
  in an e-mail address (o'brien@example.org), which must stay the one people copy.

Tags, and so every attribute, are left as written, and so are comments and the content of
script, style, pre, code, kbd, samp and textarea (code, data and what people edit stay exactly
what they are). Libraries that do this (smartypants, french-typo) either follow English rules
for quotes or rewrite the markup (ordinals in <sup>), hence these few rules of our own. Two
regular-expression passes over the page, all its texts at once: 3.6 ms for 100 kB of HTML, a
large page of the platform (bench/typography_bench.py), a few per cent of rendering it.
"""

import re
from html import escape, unescape

NBSP = "\u00a0"
APOSTROPHE = "\u2019"

# Whatever is not text: comments and doctype, the elements whose content is not prose (taken
# whole, up to their closing tag), then any other tag. Attribute values are matched as quoted
# strings, so a ">" inside one does not end the tag.
_ATTRS = r"""(?:[^>"']++|"[^"]*+"|'[^']*+')*+"""
_NOT_TEXT = re.compile(
    r"<!--.*?-->"
    r"|<!\[CDATA\[.*?\]\]>"
    rf"|<(?P<raw>script|style|pre|code|kbd|samp|textarea)\b{_ATTRS}>.*?</(?P=raw)\s*>"
    rf"|</?[a-zA-Z!?]{_ATTRS}>",
    re.DOTALL | re.IGNORECASE,
)
_SPLIT = re.compile(f"({_NOT_TEXT.pattern})", _NOT_TEXT.flags)
_JOIN = "\x00"  # never in a page: forms refuse it
_LETTER = re.compile(r"[^\W\d_]")
_SPACES = " \t\r\n"
# The characters a rule starts from, rare in a text (indentation, the bulk of what lies
# between tags, has none of them): a regular expression starting from the spaces instead
# would try every position of every indentation.
_MARKS = re.compile(r"'|&(?:#x27|#39|apos|raquo|laquo);|[;:!?»«]")
_APOSTROPHES = {"'", "&#x27;", "&#39;", "&apos;"}
_OPENING = {"«", "&laquo;"}


# A word, up to the next space or joint between texts; an e-mail address is at most 254 long.
_WORD = re.compile(f"[^\\s{_JOIN}]*")
_WORD_BEFORE = re.compile(f"[^\\s{_JOIN}]*\\Z")


def _in_address(text: str, start: int, end: int) -> bool:
    """Whether the apostrophe at text[start:end] is part of an e-mail address (o'brien@…): an
    address shown as text must stay the one people copy."""
    before = _WORD_BEFORE.search(text, max(0, start - 254), start)
    return "@" in _WORD.match(text, end).group() or "@" in before.group()


def french_text(text: str) -> str:
    """The rules on text between tags (HTML-escaped text: entities are understood)."""
    if text.isspace():
        return text  # indentation between tags, most of them: the quickest answer
    parts = []
    done = 0  # text[:done] is in parts
    for match in _MARKS.finditer(text):
        mark, start, end = match.group(), match.start(), match.end()
        if start < done:
            continue  # inside spaces already replaced after a «
        if mark in _APOSTROPHES:
            if (
                start
                and _LETTER.match(text, start - 1)
                and end < len(text)
                and _LETTER.match(text, end)
                and not _in_address(text, start, end)
            ):
                parts += (text[done:start], APOSTROPHE)
                done = end
        elif mark in _OPENING:
            after = end
            while after < len(text) and text[after] in _SPACES:
                after += 1
            if after > end:
                parts += (text[done:end], NBSP)
                done = after
        else:
            before = start
            while before > done and text[before - 1] in _SPACES:
                before -= 1
            if before < start:
                parts += (text[done:before], NBSP)
                done = start
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


def french_html(html: str) -> str:
    """The rules on every text of an HTML document or fragment, tags and code left as written."""
    # Texts, whole non-text matches and raw element names, in turn: [text, tag, name, text…].
    parts = _SPLIT.split(html)
    texts = parts[0::3]
    if _JOIN in html:
        fixed = [french_text(text) for text in texts]
    else:
        # All texts in one pass, joined by a character that is no space and no letter (so no
        # rule reaches across a tag): one search instead of one per text.
        fixed = french_text(_JOIN.join(texts)).split(_JOIN)
    parts[0::3] = fixed
    del parts[2::3]
    return "".join(parts)


def french_plain_text(text: str) -> str:
    """The rules on plain text (not HTML) exactly as a page that shows it reads: escaped as
    templates escape it, then the rules, then unescaped. For a text that is stored as it was
    read (a consent), so that what is recorded is character for character what was agreed to."""
    return unescape(french_text(escape(text)))


# Before these, « de » elides: d’Inès, d’Association A (not before h: de Hugo, de Hélène).
_ELIDING = frozenset("aeiouàâäéèêëîïôöùûüœæAEIOUÀÂÄÉÈÊËÎÏÔÖÙÛÜŒÆ")


def de(name: str) -> str:
    """« de » before a name, elided before a vowel as French writes it: d’Inès, de Louis.
    (« Le »/« Les » opening an organisation's name are left alone: a person named Le Goff is
    not « du Goff ».)"""
    name = str(name)
    return f"d{APOSTROPHE}{name}" if name[:1] in _ELIDING else f"de {name}"


class FrenchTypographyMiddleware:
    """French typography on every HTML response, full pages and htmx fragments alike. Files
    (CSV, JSON, PDF, iCal) and streamed responses are left as they are: they are data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
            or response.has_header("Content-Encoding")
        ):
            return response
        charset = response.charset
        response.content = french_html(response.content.decode(charset)).encode(charset)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response
