"""`{% term "saas" %}une offre en ligne{% endterm %}`: the words link to their definition on the
glossary page (/glossaire/#saas). With nothing inside, the term's own name is shown, as an
<abbr> with its expansion when it is an acronym. A plain link: keyboard-reachable, no script.

The id may be a variable (a facet's terms). An id the glossary does not have shows the words
without a link rather than failing the page: the glossary is a file a CRESS edits; a test checks
that every id the templates and the code use exists in the shipped file.
"""

import logging

from django import template
from django.urls import reverse
from django.utils.html import format_html

from common import glossary

register = template.Library()
logger = logging.getLogger(__name__)


class TermNode(template.Node):
    def __init__(self, term_id, nodelist):
        self.term_id = term_id
        self.nodelist = nodelist

    def render(self, context):
        term_id = self.term_id.resolve(context)
        body = self.nodelist.render(context)
        term = glossary.terms().get(term_id)
        if term is None:
            logger.warning("Glossary term %r is not in the glossary file", term_id)
            return body
        if not body.strip():
            body = (
                format_html('<abbr title="{}">{}</abbr>', term.abbr, term.term)
                if term.abbr
                else term.term
            )
        return format_html(
            '<a href="{}#{}" class="term">{}</a>', reverse("glossary"), term.id, body
        )


@register.tag("term")
def do_term(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError('Usage: {% term "id" %}words{% endterm %}')
    nodelist = parser.parse(("endterm",))
    parser.delete_first_token()
    return TermNode(parser.compile_filter(bits[1]), nodelist)
