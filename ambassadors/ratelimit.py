"""A small fixed-window counter in Django's cache (Redis in production, shared by all processes)."""

from django.core.cache import cache

from accounts import security


def hit(key: str, *, limit: int, period: int) -> bool:
    """Count one attempt; False once `limit` attempts were made within `period` seconds."""
    cache_key = f"ratelimit:{key}"
    cache.add(cache_key, 0, timeout=period)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period)
        count = 1
    return count <= limit


def client_ip(request) -> str:
    # The address the login limits count too, proxy-aware (never a client-written header).
    return security.client_ip(request) or ""
