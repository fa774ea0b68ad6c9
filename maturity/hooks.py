"""Slots and hooks that higher apps fill in their AppConfig.ready(), so that maturity never
imports them (the layers are checked by import-linter: see [tool.importlinter]).

maturity sits below the toolbox, the community (ambassadors) and the advisers: it cannot ask
them for tools, ambassadors, adviser notes or local contacts directly, nor tell the
observatory that results changed. Each slot has a default that works with maturity alone (no
tools, no contact, no vocabulary to check against); an app registers its own function at
start-up:

    from maturity import hooks
    hooks.tools_for_needs.register(vocabulary.tools_for_needs)

A hook is the other kind: maturity tells every function registered on it that something
happened (hooks.snapshot_stored.register(observatory.record_snapshot)).
"""

from dataclasses import dataclass

from common.registry import Hook, Slot


@dataclass(frozen=True)
class LocalContact:
    """Someone near the organisation who can help: a name, what they are, where to reach them."""

    name: str
    detail: str = ""
    url: str = ""


# (need codes, replaces=proprietary names in use, per_need=n) -> {need code: [tool, ...]}:
# published tools serving each need, best first. Tools need `name`, `get_absolute_url()`
# and `licence_status`. Filled by the toolbox.
tools_for_needs = Slot(
    "tools_for_needs", lambda need_codes, replaces=(), per_need=3: {c: [] for c in need_codes}
)


@dataclass(frozen=True)
class NamedTool:
    """A tool of the catalogue found by its code: its name and its page."""

    name: str
    url: str


# (tool codes) -> {code: NamedTool}: the published tools of the catalogue among these codes
# (the slugs the community stores for an ambassador's tools, a request or a fiche), in one
# query; a code the catalogue does not publish is left out. Filled by the toolbox.
tools_named = Slot("tools_named", lambda codes: {})

# () -> set of need codes, or None when no vocabulary is known (the rules validator then
# checks only the codes' form). Filled by the toolbox.
known_need_codes = Slot("known_need_codes", lambda: None)

# (departement code) -> [LocalContact, ...]: the DLA advisers registered on the platform who
# cover this département. Filled by the advisers app.
local_dla_contacts = Slot("local_dla_contacts", lambda departement: [])

# () -> {need code: label}, in display order. Filled by the toolbox.
need_labels = Slot("need_labels", lambda: {})

# (organisation, dimension codes) -> {dimension code: [ambassador, ...]}: listed ambassadors
# with expertise on each dimension, those covering the organisation's département first, then
# its région. Ambassadors need `public_name` and `get_absolute_url()`. Filled by the
# community app (ambassadors).
ambassadors_near_each = Slot("ambassadors_near_each", lambda organisation, dimensions: {})

# (roadmap, {dimension code: title}) -> {"notes": [...], "recommendations": [...]}: the
# advisers' notes per dimension and the actions they recommended, as the roadmap PDF shows
# them. Filled by the advisers app.
adviser_notes_for_pdf = Slot(
    "adviser_notes_for_pdf", lambda roadmap, titles: {"notes": [], "recommendations": []}
)

# (roadmap) -> [plain values, ...]: what of the advisers' notes the PDF shows, for the
# roadmap's content hash (a changed note makes a new PDF). Filled by the advisers app.
adviser_notes_digest = Slot("adviser_notes_digest", lambda roadmap: [])

# Hook (snapshot): a diagnostic's results snapshot and its per-dimension rows were just
# stored, inside store_snapshot's transaction. The observatory (advisers) copies them there,
# so it never misses a snapshot.
snapshot_stored = Hook("snapshot_stored")

# (diagnostic, membership of the requester) -> [(label, url), ...]: links the diagnostic's
# page offers to pages of higher apps (a workshop to run with the team). Filled by workshops.
diagnostic_links = Slot("diagnostic_links", lambda diagnostic, membership: [])
