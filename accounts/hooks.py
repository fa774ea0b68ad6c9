"""Hooks higher apps register on in their AppConfig.ready() (common.registry): accounts
imports none of them."""

from common.registry import Hook

# Hook (invitation, user): an invitation was just accepted by this user, inside
# accept_invitation's transaction. The workshops make its holder the owner of the roadmap
# actions a workshop named them for.
invitation_accepted = Hook("invitation_accepted")
