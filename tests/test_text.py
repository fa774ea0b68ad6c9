import time

import pytest

from common.text import render_markdown


def test_markdown_keeps_formatting_and_drops_scripts_handlers_and_bad_links():
    html = render_markdown(
        "**gras** <script>alert(1)</script> [lien](javascript:alert(1)) "
        '<a onclick="x()" href="https://exemple.org">ok</a> <img src=x onerror=alert(1)>'
    )
    assert "<strong>gras</strong>" in html
    assert "<script" not in html and "onclick" not in html and "onerror" not in html
    assert "javascript:" not in html and "<img" not in html
    assert 'href="https://exemple.org"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_empty_markdown_is_empty():
    assert render_markdown("") == ""


def test_tables_lists_links_and_breaks_are_kept():
    html = render_markdown(
        "## Outils\n\n| Outil | Usage |\n|---|---|\n| Nextcloud | fichiers |\n\n"
        "- un\n- deux\n\n1. premier\n2. second\n\n"
        '> citation\n\n`code` [site](https://exemple.org "titre") <mailto:a@exemple.org>\n\n'
        "ligne  \nsuivante"
    )
    assert "<h2>Outils</h2>" in html
    assert "<table>" in html and "<th>Outil</th>" in html and "<td>Nextcloud</td>" in html
    assert "<ul>\n<li>un</li>" in html and "<ol>\n<li>premier</li>" in html
    assert "<blockquote>" in html and "<code>code</code>" in html
    assert '<a href="https://exemple.org" title="titre" rel="noopener noreferrer nofollow">' in html
    assert 'href="mailto:a@exemple.org"' in html
    assert "ligne<br>" in html


def test_only_http_https_and_mailto_links_survive():
    html = render_markdown(
        "[a](javascript:alert(1)) [b](data:text/html,x) [c](vbscript:x) [d](ftp://x.org) "
        "[e](https://ok.org)"
    )
    assert "javascript" not in html and "data:" not in html and "vbscript" not in html
    assert "ftp:" not in html and 'href="https://ok.org"' in html


@pytest.mark.parametrize("text", [">" * 5000 + " x", "<div>" * 5000 + "x", "> " * 3000 + "x"])
def test_markup_nested_deeper_than_any_real_text_is_shown_as_plain_text(text):
    started = time.process_time()
    html = render_markdown(text)
    assert time.process_time() - started < 1
    assert "<blockquote>" not in html and "<div>" not in html
    assert html.startswith("<p>") and html.endswith("x</p>")


def test_ordinary_nesting_is_kept():
    html = render_markdown("> > citation\n\n- a\n  - b\n    - c")
    assert html.count("<blockquote>") == 2 and html.count("<ul>") == 3
