"""A small fixed-window counter in Django's cache (Redis in production, shared by all processes)."""

from django.core.cache import cache


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
    # REMOTE_ADDR is the proxy's address behind one; the deployment's proxy sets it right
    # (gunicorn forwarded-allow-ips) — never trust a client-supplied X-Forwarded-For here.
    return request.META.get("REMOTE_ADDR", "")
