"""Slots and hooks: how a lower layer lets higher apps plug in without importing them.

A lower app declares a Slot (one function a higher app may provide, with a default that works
without it) or a Hook (functions higher apps register to be told that something happened);
the higher apps register theirs in AppConfig.ready(). No Django signals: who is called, and
when, stays readable at the call site.
"""

from collections.abc import Callable
from typing import Any


class Slot:
    """One function a higher app may provide; calling the slot calls it, or the default."""

    def __init__(self, name: str, default: Callable[..., Any]):
        self.name = name
        self.default = default
        self.provider: Callable[..., Any] | None = None

    def register(self, provider: Callable[..., Any]) -> Callable[..., Any]:
        self.provider = provider
        return provider

    def unregister(self) -> None:
        self.provider = None

    @property
    def registered(self) -> bool:
        return self.provider is not None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return (self.provider or self.default)(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Slot {self.name}: {'registered' if self.registered else 'default'}>"


class Hook:
    """Functions higher apps register to be told of something the lower app did; calling the hook
    calls each of them, in the order they registered (INSTALLED_APPS order, from ready())."""

    def __init__(self, name: str):
        self.name = name
        self.receivers: list[Callable[..., Any]] = []

    def register(self, receiver: Callable[..., Any]) -> Callable[..., Any]:
        if receiver not in self.receivers:  # ready() may run twice in tests: never call twice
            self.receivers.append(receiver)
        return receiver

    def unregister(self, receiver: Callable[..., Any]) -> None:
        self.receivers.remove(receiver)

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        for receiver in list(self.receivers):
            receiver(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self.receivers)} registered>"
