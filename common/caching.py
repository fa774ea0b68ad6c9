"""Responses that are the same for everyone (the instance's stylesheet, logo and favicon):
they hold nothing of the person who asks, so browsers may keep them even for someone logged
in, which config.middleware.PrivatePagesNotStoredMiddleware otherwise forbids."""

from collections.abc import Callable

ATTRIBUTE = "same_for_everyone"


def same_for_everyone(view: Callable) -> Callable:
    setattr(view, ATTRIBUTE, True)
    return view


def is_same_for_everyone(view: Callable | None) -> bool:
    return bool(getattr(view, ATTRIBUTE, False))
