"""Read settings from the environment, failing loudly on malformed values.

Every value goes through one of these helpers so that a typo in a deployment
(``DEBUG=yes please``) stops the process at start-up with the variable's name,
instead of silently falling back to a default.
"""

import os
from typing import overload

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@overload
def env_str(name: str, default: str) -> str: ...
@overload
def env_str(name: str, default: None = None) -> str | None: ...
def env_str(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_required(name: str, hint: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set: {hint}")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no).")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name}={raw!r} has an empty item (comma-separated list).")
    return items


def env_url(name: str, default: str | None, schemes: tuple[str, ...]) -> str | None:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    if scheme not in schemes:
        raise ImproperlyConfigured(
            f"{name} must be a URL starting with one of {', '.join(s + '://' for s in schemes)}."
        )
    return raw.strip()


# The development default and the value of .env.example: long enough for the length check,
# public in the repository, so refused by value outside DEBUG.
DEVELOPMENT_SECRET_KEY = "insecure-development-key-never-use-in-production-0123456789"
PLACEHOLDER_SECRET_KEYS = {
    DEVELOPMENT_SECRET_KEY,
    "change-me-to-a-long-random-string-of-at-least-fifty-characters-please",
}
_PLACEHOLDER_WORDS = ("changeme", "insecure", "placeholder")


def secret_key_problem(value: str) -> str | None:
    """Why `value` is obviously not a secret (a published or placeholder value), or None."""
    if value in PLACEHOLDER_SECRET_KEYS:
        return "the value published in the repository"
    squashed = "".join(c for c in value.lower() if c.isalnum())
    word = next((w for w in _PLACEHOLDER_WORDS if w in squashed), None)
    if word:
        return f"it contains {word!r}"
    # Django's own deploy check asks for at least 5 distinct characters.
    if len(set(value)) < 5:
        return "too few distinct characters"
    return None
