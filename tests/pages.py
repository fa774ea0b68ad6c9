"""Pages as people read them. Every HTML page goes through French typography
(common.typography): no-break spaces before ; : ! ? » and after «, typographic apostrophes.
Tests that look for a sentence compare it with what a reader sees, whatever space or apostrophe
the page uses; tests about the typography itself look at the characters (tests/test_typography)."""

from html import unescape

from django.http import HttpResponse


def plain(text: str) -> str:
    """No-break spaces (U+00A0, U+202F) read as a space, a typographic apostrophe (U+2019) as a
    straight one, whether in a page or in the data it shows."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2019", "'")


def readable(page: HttpResponse | str) -> str:
    """The page (a response or its HTML) as compared here: entities decoded, typography read
    plainly. Tags stay, so a test can still look for a sentence inside its element."""
    html = page if isinstance(page, str) else page.content.decode()
    return plain(unescape(html))
