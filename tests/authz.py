"""Building blocks of the authorisation matrix (tests/test_authorisation_matrix.py).

Each app adds its rows in tests/<app>/authz_rows.py as a dict named ROWS. A row states the status
every role of tests.conftest.ROLES must get; the helpers below give the new roles their usual
answer (the guest as a visitor, the advisers and the ambassador as people from outside
organisation A) so that a row only names the roles that differ.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from accounts.models import Membership
from tests import factories
from tests.conftest import ROLES, Cast

# Roles without an account: sent to login wherever an account is needed. The guest holds a link
# to answer A's diagnostic and nothing else.
VISITORS = ("anonymous", "guest")
# Logged-in people who belong to no organisation of the matrix but A's, seen from A's pages.
OUTSIDERS = ("member_b", "adviser_with", "adviser_without", "ambassador", "cress_admin")


@dataclass(frozen=True)
class Row:
    expected: dict[str, int]
    kwargs: Callable[[Cast], dict] = lambda cast: {}
    method: str = "get"
    data: Callable[[Cast], dict] = field(default=lambda cast: {})

    def __post_init__(self):
        assert set(self.expected) == set(ROLES), f"roles missing or unknown: {self.expected}"


def _roles(defaults: dict[str, int], overrides: dict[str, int]) -> dict[str, int]:
    unknown = overrides.keys() - set(ROLES)
    assert not unknown, f"unknown roles: {unknown}"
    if "anonymous" in overrides and "guest" not in overrides:
        # A guest link changes nothing outside the guest's own answering pages.
        overrides = {**overrides, "guest": overrides["anonymous"]}
    return {**defaults, **overrides}


def everyone(status: int = 200, **overrides: int) -> dict[str, int]:
    return _roles(dict.fromkeys(ROLES, status), overrides)


def logged_in(status: int = 200, **overrides: int) -> dict[str, int]:
    """Visitors (anonymous, guest) are sent to login; every logged-in role gets `status`
    unless overridden."""
    return _roles({**everyone(status), **dict.fromkeys(VISITORS, 302)}, overrides)


def org_a(member: int, admin_: int, *, outsiders: int = 404, **overrides: int) -> dict[str, int]:
    """Organisation A's pages: members and admins of A; 404 for everyone else logged in (members
    of B, advisers with or without consent, the ambassador, CRESS admins)."""
    return logged_in(outsiders, member_a=member, admin_a=admin_, **overrides)


def cress_only(status: int = 200, **overrides: int) -> dict[str, int]:
    return logged_in(403, cress_admin=status, **overrides)


def other_tenant(cast: Cast) -> Cast:
    """The same cast seen from elsewhere, so that a row's builders make someone else's objects:
    organisation B stands for A, B's member and admin for A's, another approved adviser for
    adviser_with (B's consent goes to them) and another ambassador for the cast's."""
    from tests.ambassadors.factories import AmbassadorFactory

    org_b = cast.org_b
    ambassador = AmbassadorFactory()
    member_b = Membership.objects.get(organisation=org_b, user=cast.users["member_b"])
    invitation, token = factories.make_invitation(organisation=org_b, invited_by=cast.admin_b)

    # A new instance: the diagnostic world cached on the cast (tests/maturity/authz_rows.py)
    # is not carried over either, so B's is built on first use.
    return dataclasses.replace(
        cast,
        org_a=org_b,
        org_b=cast.org_a,
        users={
            **cast.users,
            "member_a": cast.users["member_b"],
            "admin_a": cast.admin_b,
            "member_b": cast.users["member_a"],
            "adviser_with": factories.AdviserProfileFactory().user,
            "ambassador": ambassador.user,
        },
        admin_b=cast.users["admin_a"],
        membership_member_a=member_b,
        membership_extra_a=factories.MembershipFactory(organisation=org_b),
        invitation_a=invitation,
        invitation_token=token,
        join_request_a=factories.JoinRequestFactory(organisation=org_b),
        consent_a=None,  # B's own, on first use
        ambassador=ambassador,
    )
