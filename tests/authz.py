"""Building blocks of the authorisation matrix (tests/test_authorisation_matrix.py).

Each app adds its rows in tests/<app>/authz_rows.py as a dict named ROWS.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.conftest import ROLES, Cast


@dataclass(frozen=True)
class Row:
    expected: dict[str, int]
    kwargs: Callable[[Cast], dict] = lambda cast: {}
    method: str = "get"
    data: Callable[[Cast], dict] = field(default=lambda cast: {})


def everyone(status: int = 200) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def logged_in(status: int = 200, **overrides: int) -> dict[str, int]:
    """Anonymous is sent to login; every logged-in role gets `status` unless overridden."""
    return {"anonymous": 302, **dict.fromkeys(ROLES[1:], status), **overrides}


def org_a(member: int, admin_: int, *, outsiders: int = 404) -> dict[str, int]:
    """Organisation A's pages: members and admins of A, 404 for everyone else logged in."""
    return {
        "anonymous": 302,
        "member_a": member,
        "admin_a": admin_,
        "member_b": outsiders,
        "adviser": outsiders,
        "cress_admin": outsiders,
    }


def cress_only(status: int = 200) -> dict[str, int]:
    return logged_in(403, cress_admin=status)
