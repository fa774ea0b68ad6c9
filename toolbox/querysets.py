"""Named reads of the toolbox; each owns its joins and prefetches (query counts pinned in tests)."""

from django.db import connection, models
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce


def list_contains_any(field: str, codes) -> Q:
    """Q for "the JSON list `field` holds one of `codes`", on PostgreSQL and SQLite alike.

    PostgreSQL has a real containment operator; SQLite stores JSON as text, where a quoted code
    can only match a whole list element (codes are [a-z_]+).
    """
    condition = Q()
    for code in codes:
        if connection.vendor == "postgresql":
            condition |= Q(**{f"{field}__contains": [code]})
        else:
            condition |= Q(**{f"{field}__icontains": f'"{code}"'})
    return condition


def _count(model_path: str, **filters):
    from django.apps import apps

    model = apps.get_model(model_path)
    counted = (
        model.objects.filter(tool=OuterRef("pk"), **filters)
        .order_by()
        .values("tool")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


class ToolQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status="published")

    def visible_to(self, user):
        """Published and archived tools for everyone; drafts and tools in review for CRESS admins."""
        if user.is_authenticated and user.is_cress_admin:
            return self
        return self.filter(status__in=["published", "archived"])

    def for_usage(self, code: str):
        return self.filter(list_contains_any("usages", [code]))

    def with_counts(self):
        # Subqueries rather than JOIN + COUNT: facets join offers too, and counts must not multiply.
        return self.annotate(
            offer_count=_count("toolbox.HostingOffer"), use_count=_count("toolbox.ToolUse")
        )

    def for_catalogue(self):
        from toolbox.models import ProprietaryProduct

        return (
            self.published()
            .with_counts()
            .defer(
                "description",
                "accessibility_notes",
                "sobriety_notes",
                "search_text",
                "search_vector",
            )
            .prefetch_related(
                Prefetch("replaces", queryset=ProprietaryProduct.objects.only("name", "slug"))
            )
        )

    def for_detail(self):
        from toolbox.models import Alternative, HostingOffer, ToolUse

        return self.with_counts().prefetch_related(
            Prefetch("offers", queryset=HostingOffer.objects.select_related("provider")),
            Prefetch("alternatives", queryset=Alternative.objects.select_related("product")),
            Prefetch(
                "uses",
                queryset=ToolUse.objects.filter(testimonial_status="approved").select_related(
                    "organisation"
                ),
                to_attr="testimonials",
            ),
        )

    def for_comparison(self):
        from toolbox.models import HostingOffer, ProprietaryProduct

        return self.with_counts().prefetch_related(
            Prefetch("offers", queryset=HostingOffer.objects.select_related("provider")),
            Prefetch("replaces", queryset=ProprietaryProduct.objects.only("name", "slug")),
        )

    def libre_first(self):
        return self.annotate(
            libre_rank=models.Case(
                models.When(licence_status="libre", then=0),
                models.When(licence_status="open_core", then=1),
                default=2,
                output_field=models.IntegerField(),
            ),
            recommendation_rank=models.Case(
                models.When(recommendation="recommended", then=0),
                models.When(recommendation="watch", then=1),
                default=2,
                output_field=models.IntegerField(),
            ),
        ).order_by("libre_rank", "recommendation_rank", "ease", "name")

    def stale(self, before):
        return self.filter(Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=before)).exclude(
            status="archived"
        )
