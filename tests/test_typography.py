"""French typography: plurals by French's rule, no « (s) », no-break spaces before ; : ! ? »
and after «, typographic apostrophes, « d’ » before a vowel.

The post-render step (common.typography) is tested on its own first; then every page of the URL
× role matrix that a role may read, filled with realistic data (tests/rendered_pages.py), is
scanned as it is read.
"""

import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import ngettext

from common.typography import (
    NBSP,
    FrenchTypographyMiddleware,
    de,
    french_html,
    french_plain_text,
)
from tests.conftest import ROLES
from tests.rendered_pages import TAG_MARK, names, pages, visible_text

ROOT = Path(__file__).resolve().parent.parent

# --- The post-render step ------------------------------------------------------------------------


def test_no_break_spaces_before_double_signs_and_inside_guillemets():
    html = "<p>Remplace : Zoom ; libre ! Vrai ? « Peu initiée »</p>"
    assert french_html(html) == (
        f"<p>Remplace{NBSP}: Zoom{NBSP}; libre{NBSP}! Vrai{NBSP}? «{NBSP}Peu initiée{NBSP}»</p>"
    )


def test_a_run_of_spaces_or_a_line_break_becomes_one_no_break_space():
    assert french_html("<p>Échéance \n  : demain</p>") == f"<p>Échéance{NBSP}: demain</p>"
    assert french_html("<p>«\n  Avant  »</p>") == f"<p>«{NBSP}Avant{NBSP}»</p>"


def test_straight_apostrophes_between_letters_become_typographic():
    assert french_html("<p>l'outil d'aujourd'hui</p>") == "<p>l’outil d’aujourd’hui</p>"
    # Escaped by Django's autoescape: the same apostrophe.
    assert french_html("<p>n&#x27;est pas, l&#39;a</p>") == "<p>n’est pas, l’a</p>"
    # Not between two letters: a quote, a foot, an apostrophe opening a CSV cell.
    assert french_html("<p>'cité' 5'2 l' </p>") == "<p>'cité' 5'2 l' </p>"


def test_apostrophes_of_an_email_address_shown_as_text_stay_straight():
    html = "<p>Écrivez à o'brien@example.org ou à jean@d'arc.example, l'équipe</p>"
    assert french_html(html) == (
        "<p>Écrivez à o'brien@example.org ou à jean@d'arc.example, l’équipe</p>"
    )
    assert french_html("<td>o&#x27;neil@example.org</td>") == "<td>o&#x27;neil@example.org</td>"


def test_entities_for_guillemets_count_as_guillemets():
    assert french_html("<p>&laquo; mot &raquo;</p>") == f"<p>&laquo;{NBSP}mot{NBSP}&raquo;</p>"


def test_tags_attributes_code_and_what_people_edit_are_left_as_written():
    untouched = [
        '<a title="Outil : libre" href="/x?a=1&amp;b=l\'a">',
        "<input value=\"l'a : b\" placeholder='Nom ?'>",
        '<div data-x="a>b : c">',
        "<script>var s = 'l\\'a : b';</script>",
        "<style>a::before { content: ' : '; }</style>",
        "<pre>code : l'a</pre>",
        "<code>champ : l'a</code>",
        "<kbd>Ctrl ! </kbd>",
        "<textarea name=t>Ce que j'ai écrit : tel quel</textarea>",
        "<!-- note : l'a -->",
        "<![CDATA[ x : y ]]>",
    ]
    for html in untouched:
        assert french_html(html) == html, html
    # Around them, the text is fixed.
    assert french_html("<code>a : b</code> puis : l'a") == f"<code>a : b</code> puis{NBSP}: l’a"


def test_the_step_is_idempotent_and_keeps_every_character_of_a_page():
    html = (
        '<!DOCTYPE html><html lang="fr"><head><title>Résultats : l\'équipe</title></head>'
        "<body><p>« A » ; l'outil !</p><script>x = 'a : b'</script></body></html>"
    )
    once = french_html(html)
    assert french_html(once) == once
    # Only spaces changed and apostrophes replaced, one character each.
    assert len(once) == len(html)
    assert once.replace(NBSP, " ").replace("’", "'") == html


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Inès", "d’Inès"),
        ("Éric", "d’Éric"),
        ("Association A", "d’Association A"),
        ("Louis", "de Louis"),
        ("Hugo", "de Hugo"),
        ("Yann Le Goff", "de Yann Le Goff"),
    ],
)
def test_de_elides_before_a_vowel(name, expected):
    assert de(name) == expected
    template = Template("{% load typography %}Proposition {{ name|de }}")
    assert template.render(Context({"name": name})) == f"Proposition {expected}"


@pytest.mark.parametrize(
    "text",
    [
        "En tant qu'administrateur·rice de « L'Atelier & co », j'autorise x : oui ?",
        "Nom <b>gras</b> ; « &raquo; » écrit tel quel, o'brien@example.org !",
        "Déjà : «\u00a0typographié\u00a0», l’a",
    ],
)
def test_plain_text_gets_exactly_what_a_page_showing_it_reads(text):
    # A stored text (a consent) must be the one read: escaped as a template does, through
    # the page's step, then read back.
    shown = unescape(french_html(f"<blockquote>{escape(text)}</blockquote>"))
    assert french_plain_text(text) == shown.removeprefix("<blockquote>").removesuffix(
        "</blockquote>"
    )
    assert french_plain_text(french_plain_text(text)) == french_plain_text(text)


def _middleware(response):
    return FrenchTypographyMiddleware(lambda request: response)(RequestFactory().get("/"))


def test_the_middleware_rewrites_html_responses_only():
    page = _middleware(HttpResponse("<p>Oui : l'a</p>"))
    assert page.content.decode() == f"<p>Oui{NBSP}: l’a</p>"
    data = _middleware(HttpResponse("a : b", content_type="text/csv; charset=utf-8"))
    assert data.content == b"a : b"
    streamed = _middleware(StreamingHttpResponse(iter([b"<p>a : b</p>"])))
    assert b"".join(streamed.streaming_content) == b"<p>a : b</p>"


def test_the_middleware_leaves_json_and_fragments_without_html_type_alone():
    body = {"texte": "l'outil : « libre » ; oui !"}
    data = _middleware(JsonResponse(body))
    assert data.content == JsonResponse(body).content


@pytest.mark.django_db
def test_what_a_person_typed_comes_back_in_the_form_exactly_as_typed(client):
    from tests.accounts.test_organisations import form_data
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    typed = "L'Atelier : « le Lavoir » ; ouvert ! Qui ?"
    response = client.post(reverse("organisation_create"), form_data(name=typed, siren="12345"))
    assert response.status_code == 200 and "9 chiffres" in response.text  # refused: the SIREN
    assert f'value="{escape(typed)}"' in response.text


def test_the_middleware_keeps_the_content_length_right():
    response = HttpResponse("<p>Oui : non</p>")
    response["Content-Length"] = str(len(response.content))
    page = _middleware(response)
    assert int(page["Content-Length"]) == len(page.content) == len("<p>Oui : non</p>") + 1


# --- Plurals -------------------------------------------------------------------------------------


def test_zero_and_one_take_the_singular_as_in_french():
    """The French catalogue (locale/fr) gives its plural rule to the platform's messages: Django
    would otherwise use English's (n != 1) and write « 0 organisations l’utilisent »."""
    forms = [
        ngettext("%(n)s organisation l’utilise", "%(n)s organisations l’utilisent", n) % {"n": n}
        for n in (0, 1, 2)
    ]
    assert forms == [
        "0 organisation l’utilise",
        "1 organisation l’utilise",
        "2 organisations l’utilisent",
    ]
    template = Template(
        "{% load i18n %}{% blocktranslate count n=n %}{{ n }} réponse{% plural %}"
        "{{ n }} réponses{% endblocktranslate %}"
    )
    assert template.render(Context({"n": 0})) == "0 réponse"


def test_the_french_catalogue_holds_every_plural_message():
    """A plural message added without running scripts/french_plurals.py would take English's
    rule for 0. (GNU gettext is needed: apt-get install gettext.)"""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "french_plurals.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# --- The pages as read ---------------------------------------------------------------------------

# A regular space (or line break) before ; : ! ? », or after «, perhaps with tags between: the
# browser may break the line there. Tags are marked so that « a </b>: » counts and « a</b>: »
# (no space at all) does not.
BREAKING_BEFORE = re.compile(rf"\w*[ \t\r\n](?:{TAG_MARK})*[;:!?»]")
BREAKING_AFTER = re.compile(rf"«(?:{TAG_MARK})*[ \t\r\n]\w*")


@pytest.mark.parametrize("role", ROLES)
def test_pages_follow_french_typography(role, cast, client_as):
    problems = {}
    seen = 0
    rendered = pages(cast, client_as, role)
    # Names that start with a vowel, as the world has them (Association A, some people).
    vowel_names = [name for name in names(role) if name[:1] in "AEIOUÉÈÊÎÔ"]
    for url, html in rendered:
        seen += 1
        text = visible_text(html, textareas=False, tags=TAG_MARK)
        found = [f"« {m.group()} »" for m in BREAKING_BEFORE.finditer(text)]
        found += [f"« {m.group()} »" for m in BREAKING_AFTER.finditer(text)]
        found += [f"« {m.group()} »" for m in re.finditer(r"\w*\(s\)", text)]
        found += [f"« de {name} »" for name in vowel_names if f"de {name}" in text]
        if found:
            problems[url] = sorted(set(found))
    assert seen >= 5, f"only {seen} pages rendered for {role}"
    assert not problems, f"French typography on the pages of {role}:\n" + "\n".join(
        f"{url}: {', '.join(found)}" for url, found in problems.items()
    )
