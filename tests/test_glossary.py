"""The glossary: a public page with an anchor per term, and the words linked to it elsewhere."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse

from common import glossary
from tests.toolbox.factories import HostingOfferFactory, ToolFactory
from toolbox.filters import ToolFilter
from toolbox.models import DEPLOYMENT_TERMS, LICENCE_TERMS

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# {% term "saas" %}: every literal id a template links to.
LITERAL_TERM = re.compile(r"""{%\s*term\s+["']([^"']+)["']\s*%}""")
# The guide's words the issue asked to explain, by their id in the file.
EXPECTED = {
    "logiciel-libre",
    "open-source",
    "open-core",
    "code-source-consultable",
    "licence",
    "spdx",
    "saas",
    "hebergeur",
    "auto-hebergement",
    "instance",
    "chatons",
    "on-premise",
    "cloud",
    "rgpd",
    "sous-traitant",
    "crm",
    "erp",
    "visioconference",
    "referent-numerique",
    "sobriete-numerique",
    "reconditionne",
    "dla",
    "cress",
    "esus",
    "siae",
}


def test_the_shipped_file_is_valid_and_explains_the_guides_words():
    terms = glossary.terms()
    assert terms.keys() >= EXPECTED
    for term in terms.values():
        assert term.term and len(term.definition) > 80, term.id


def test_every_term_the_templates_and_the_code_link_exists():
    known = glossary.terms().keys()
    used = {
        term_id
        for path in TEMPLATES.rglob("*.html")
        for term_id in LITERAL_TERM.findall(path.read_text(encoding="utf-8"))
    }
    assert len(used) >= 8  # the scan finds the tags
    used |= set(LICENCE_TERMS.values()) | set(DEPLOYMENT_TERMS.values())
    used |= {term_id for ids in ToolFilter.FACET_TERMS.values() for term_id in ids}
    assert used - known == set()


@pytest.mark.django_db
def test_page_has_one_unique_anchor_and_definition_per_term(client):
    response = client.get(reverse("glossary"))
    html = response.content.decode().replace("\xa0", " ")  # French spacing before ":"
    assert response.status_code == 200
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "anchors are unique on the page"
    for term in glossary.terms().values():
        assert f'<dt id="{term.id}"><dfn>' in html
        assert f'href="#{term.id}"' in html  # from the index of all terms
    assert '<abbr title="Software as a Service, logiciel en tant que service">SaaS</abbr>' in html
    # The related terms point to anchors of the page.
    assert 'Voir aussi : <a href="#open-source">Open source</a>' in html


@pytest.mark.django_db
def test_every_page_links_the_glossary_from_its_footer(client):
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("glossary")}"' in html


def render(text: str, **context) -> str:
    return Template("{% load glossary %}" + text).render(Context(context))


def test_the_tag_links_the_words_to_their_definition():
    assert render('{% term "sobriete-numerique" %}sobre{% endterm %}') == (
        '<a href="/glossaire/#sobriete-numerique" class="term">sobre</a>'
    )
    # Without words: the term itself, an acronym with its expansion.
    assert render('{% term "saas" %}{% endterm %}') == (
        '<a href="/glossaire/#saas" class="term"><abbr title="Software as a Service, '
        'logiciel en tant que service">SaaS</abbr></a>'
    )
    # The id may be a variable; the words are escaped as anywhere else.
    assert render("{% term code %}<b>{{ w }}</b>{% endterm %}", code="crm", w="<i>") == (
        '<a href="/glossaire/#crm" class="term"><b>&lt;i&gt;</b></a>'
    )


def test_an_id_missing_from_the_file_shows_the_words_without_a_link(caplog):
    assert render('{% term "nulle-part" %}des mots{% endterm %}') == "des mots"
    assert "nulle-part" in caplog.text


def write(tmp_path, text: str):
    folder = tmp_path / "fixtures"
    folder.mkdir(exist_ok=True)
    (folder / "glossary.yaml").write_text(text, encoding="utf-8")


GOOD = """
sections:
  - title: "Outils"
    terms:
      - {id: crm, term: "CRM", definition: "Un fichier de contacts.", see: [erp]}
      - {id: erp, term: "ERP", definition: "Un logiciel de gestion."}
"""


def test_an_edited_file_is_read_again_without_a_restart(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    write(tmp_path, GOOD)
    assert glossary.terms()["crm"].definition == "Un fichier de contacts."
    write(tmp_path, GOOD.replace("Un fichier de contacts.", "Une base de contacts, plus longue."))
    assert glossary.terms()["crm"].definition == "Une base de contacts, plus longue."


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            GOOD.replace("id: erp", "id: crm"),
            "sections[0].terms[1].id : « crm » est déjà employé (sections[0].terms[0])",
        ),
        (
            GOOD.replace("see: [erp]", "see: [pgi]"),
            "sections[0].terms[0].see : « pgi » n'existe pas",
        ),
        (
            GOOD.replace("id: erp", "id: Logiciel ERP"),
            "sections[0].terms[1].id : « Logiciel ERP » : minuscules sans accent, chiffres, tirets",
        ),
        (
            GOOD.replace('definition: "Un logiciel de gestion."', ""),
            "definition : champ obligatoire",
        ),
        ("sections: &a [1]", "les ancres et alias YAML"),
        ("terms: []", "une liste « sections » est attendue"),
    ],
)
def test_a_broken_file_is_refused_with_every_error_in_french(settings, tmp_path, text, error):
    settings.BASE_DIR = tmp_path
    write(tmp_path, text)
    with pytest.raises(glossary.GlossaryFileError) as caught:
        glossary.glossary()
    assert error in str(caught.value)


@pytest.mark.django_db
def test_the_toolbox_links_licences_and_ways_of_use_to_the_glossary(client):
    tool = ToolFactory(name="Nextcloud", usages=["stockage"], deployments=["saas", "mobile"])
    offer = HostingOfferFactory(tool=tool)
    offer.provider.chatons_member = True
    offer.provider.save()
    html = client.get(tool.get_absolute_url()).content.decode()
    assert '<a href="/glossaire/#logiciel-libre" class="term">Libre</a>' in html
    assert '<a href="/glossaire/#saas" class="term">En ligne, hébergé par un tiers</a>' in html
    assert '<a href="/glossaire/#chatons" class="term">membre CHATONS</a>' in html
    assert "Application mobile" in html  # a way of use without an entry stays plain text
    # The catalogue's facets explain their words under their title.
    html = client.get(reverse("toolbox:catalogue")).content.decode().replace("\xa0", " ")
    assert re.search(
        r"<legend>Licence</legend>\s*<p class=\"small\">Les mots expliqués : "
        r'<a href="/glossaire/#logiciel-libre" class="term">Logiciel libre</a>, '
        r'<a href="/glossaire/#open-core" class="term">Open core</a>',
        html,
    )
