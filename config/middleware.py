from django.conf import settings
from django.utils.cache import add_never_cache_headers

from common.caching import is_same_for_everyone


class PermissionsPolicyMiddleware:
    """Adds Permissions-Policy, which Django does not set itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


# URL arguments that carry a secret link's token: the page is its holder's.
SECRET_URL_KWARGS = frozenset({"token", "key"})


class PrivatePagesNotStoredMiddleware:
    """Cache-Control: no-store (with Django's other never-cache headers) on every response to
    someone logged in or holding a session (a guest respondent's link), and on pages opened by
    a secret link: they show private data, at least the person's name, which neither a shared
    computer's browser nor a proxy must keep. Visitors' public pages stay cacheable, and so do
    files that are the same for everyone (common.caching: the instance's stylesheet, logo and
    favicon), which would otherwise be fetched again with every page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if match is not None and is_same_for_everyone(match.func):
            return response
        if (
            request.user.is_authenticated
            or request.session.session_key is not None
            or (match is not None and SECRET_URL_KWARGS & match.kwargs.keys())
        ):
            add_never_cache_headers(response)
        return response
