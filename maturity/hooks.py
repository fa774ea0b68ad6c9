"""Slots that higher apps fill in their AppConfig.ready(), so that maturity never imports them.

maturity sits below the toolbox and the advisers: it cannot ask them for tools or for local
contacts directly. Each slot has a default that works with maturity alone (no tools, no
contact, no vocabulary to check against); an app registers its own function at start-up:

    from maturity import hooks
    hooks.tools_for_needs.register(services.tools_for_needs)
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LocalContact:
    """Someone near the organisation who can help: a name, what they are, where to reach them."""

    name: str
    detail: str = ""
    url: str = ""


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

    def __call__(self, *args, **kwargs):
        return (self.provider or self.default)(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Slot {self.name}: {'registered' if self.registered else 'default'}>"


# (need codes, replaces=proprietary names in use, per_need=n) -> {need code: [tool, ...]}:
# published tools serving each need, best first. Tools need `name`, `get_absolute_url()`
# and `licence_status`. Filled by the toolbox.
tools_for_needs = Slot(
    "tools_for_needs", lambda need_codes, replaces=(), per_need=3: {c: [] for c in need_codes}
)

# () -> set of need codes, or None when no vocabulary is known (the rules validator then
# checks only the codes' form). Filled by the toolbox.
known_need_codes = Slot("known_need_codes", lambda: None)

# (departement code) -> [LocalContact, ...]: the DLA advisers registered on the platform who
# cover this département. Filled by the advisers app.
local_dla_contacts = Slot("local_dla_contacts", lambda departement: [])

# () -> {need code: label}, in display order. Filled by the toolbox.
need_labels = Slot("need_labels", lambda: {})

# (diagnostic, membership of the requester) -> [(label, url), ...]: links the diagnostic's
# page offers to pages of higher apps (a workshop to run with the team). Filled by workshops.
diagnostic_links = Slot("diagnostic_links", lambda diagnostic, membership: [])
