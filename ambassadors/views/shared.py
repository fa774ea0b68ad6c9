"""What the community's list pages share: pagination and the query string without its page."""

from django.core.paginator import Paginator

PAGE_SIZE = 24


def paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
