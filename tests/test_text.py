from config.text import render_markdown


def test_markdown_keeps_formatting_and_drops_scripts_handlers_and_bad_links():
    html = render_markdown(
        "**gras** <script>alert(1)</script> [lien](javascript:alert(1)) "
        '<a onclick="x()" href="https://exemple.org">ok</a> <img src=x onerror=alert(1)> '
        "[bon](https://exemple.org)"
    )
    assert "<strong>gras</strong>" in html
    assert "<script" not in html and "onclick" not in html and "onerror" not in html
    assert "javascript:" not in html and "<img" not in html
    # Raw HTML is left out: only Markdown makes markup, and its links are made safe.
    assert ">ok</a>" not in html
    assert '<a href="https://exemple.org" rel="noopener noreferrer nofollow">bon</a>' in html


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
