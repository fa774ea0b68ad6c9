"""Full-text search of the catalogue, accent- and case-insensitive in French.

Every tool keeps a normalised `search_text` (lowercase, accents stripped, filled on save), so both
databases search the same text and neither needs the unaccent extension:
- PostgreSQL: full-text search with the French configuration, each word used as a prefix
  ("visio" finds "visioconférence"), ranked. The vector is stored in `search_vector`, filled by a
  trigger from `search_text` and GIN-indexed (migration 0002): nothing is parsed per request.
- SQLite: every word must appear in the column (substring match), ordered by name.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection, models
from django.db.models import ExpressionWrapper, F, QuerySet

from toolbox.text import normalise, words

SEARCH_CONFIG = "french"


class TsVectorField(models.Field):
    """A tsvector column on PostgreSQL, an unused text column elsewhere.

    Not django.contrib.postgres's SearchVectorField, which needs that app installed and a
    PostgreSQL-only column type; this keeps one set of migrations for both databases.
    """

    description = "PostgreSQL tsvector"

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"


def search_text_for(tool) -> str:
    from toolbox.models import Deployment, Usage

    parts = [tool.name, tool.summary, tool.description]
    parts += [Usage(code).label for code in tool.usages if code in Usage.values]
    parts += [Deployment(code).label for code in tool.deployments if code in Deployment.values]
    if tool.pk:
        parts += list(tool.replaces.values_list("name", flat=True))
    return normalise(" ".join(str(part) for part in parts))


def prefix_query(text: str) -> str:
    """'Visio équipe' → 'visio:* & equipe:*' (words are [a-z0-9]+, so always valid tsquery)."""
    return " & ".join(f"{word}:*" for word in words(text))


def apply_search(queryset: QuerySet, text: str, *, rank: bool = True) -> QuerySet:
    """Tools matching every word of `text`; ranked best first unless `rank` is False (counts)."""
    terms = words(text)
    if not terms:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(prefix_query(text), search_type="raw", config=SEARCH_CONFIG)
        vector = ExpressionWrapper(F("search_vector"), output_field=SearchVectorField())
        queryset = queryset.alias(search_match=vector).filter(search_match=query)
        if not rank:
            return queryset
        return queryset.annotate(rank=SearchRank(vector, query)).order_by("-rank", "name")
    for term in terms:
        queryset = queryset.filter(search_text__contains=term)
    return queryset
