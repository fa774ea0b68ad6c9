from config.text import render_markdown


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
