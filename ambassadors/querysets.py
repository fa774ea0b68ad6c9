"""Named reads. Each owns its joins, so pages make a fixed number of queries whatever the data size."""

import json
from datetime import date
from typing import Self

from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone


def json_has(field: str, code: str) -> Q:
    """Rows whose JSON list `field` holds `code`.

    JSON `contains` is not available on SQLite; the list's text holds each code between
    double quotes, so searching for the quoted code is exact on both databases.
    """
    return Q(**{f"{field}__icontains": json.dumps(str(code))})


class AmbassadorQuerySet(models.QuerySet["Ambassador"]):
    def active(self, today: date | None = None) -> Self:
        """Approved and within their validity period."""
        today = today or timezone.localdate()
        return self.filter(status="approved", valid_until__gte=today)

    def listed(self):
        """In the public directory: active and opted in."""
        return self.active().filter(is_public=True)

    def covering(self, departement: str):
        return self.filter(json_has("departements", departement))

    def in_region(self, region: str):
        return self.filter(json_has("regions", region))

    def with_dimension(self, code: str):
        return self.filter(json_has("expertise_dimensions", code))

    def with_format(self, code: str):
        return self.filter(json_has("formats", code))

    def for_directory(self):
        return self.listed().select_related("organisation").order_by("public_name", "pk")

    def with_waiting_requests(self) -> Self:
        """Each with `waiting`: the support requests sent to them that wait for their answer."""
        return self.annotate(
            waiting=Count("support_requests", filter=Q(support_requests__status="sent"))
        )


class EventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Public events for everyone; members-only events for people with an account."""
        if user.is_authenticated:
            return self
        return self.filter(audience="public")

    def upcoming(self, now=None):
        return self.filter(ends_at__gt=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now=None):
        return self.filter(ends_at__lte=now or timezone.now()).order_by("-starts_at", "-pk")

    def not_cancelled(self):
        return self.filter(cancelled_at__isnull=True)

    def with_counts(self):
        """Seats taken and people waiting, as correlated subqueries: computed for the rows of
        the page only, and left out of the paginator's COUNT."""
        registrations = self.model._meta.get_field("registrations").related_model.objects

        def count(status):
            return Coalesce(
                Subquery(
                    registrations.filter(event=OuterRef("pk"), status=status)
                    .order_by()
                    .values("event")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            )

        return self.annotate(confirmed_count=count("confirmed"), waitlist_count=count("waitlisted"))

    def for_list(self):
        return self.select_related("organiser").with_counts()


class RegistrationQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status="confirmed")

    def waitlisted(self):
        return self.filter(status="waitlisted").order_by("queued_at", "pk")

    def active(self):
        """Holding a place or a place in the queue: a visitor's unconfirmed registration does not."""
        return self.filter(status__in=["confirmed", "waitlisted"])


class SupportRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Members of the requesting organisation, or the ambassador it was sent to."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(organisation__memberships__user=user, organisation__memberships__is_active=True)
            | (Q(ambassador__user=user) & ~Q(status="draft"))
        ).distinct()

    def of_organisation(self, organisation):
        return self.filter(organisation=organisation).select_related("ambassador")

    def received_by(self, user):
        return (
            self.filter(ambassador__user=user)
            .exclude(status="draft")
            .select_related("organisation")
            .order_by("-sent_at")
        )


class ResourceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status="published")

    def visible_to(self, user):
        """Published fiches for everyone; their own for authors; everything for CRESS admins."""
        if not user.is_authenticated:
            return self.published()
        if user.is_cress_admin:
            return self
        return self.filter(Q(status="published") | Q(author=user))

    def search(self, text: str):
        q = Q()
        for word in text.split()[:8]:
            q &= Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        return self.filter(q)

    def with_dimension(self, code: str):
        return self.filter(json_has("dimensions", code))

    def with_tool(self, slug: str):
        return self.filter(json_has("tools", slug))

    def for_list(self):
        return self.select_related("author").defer("body")
