"""Authorisation matrix rows for the RGPD pages (see tests/test_authorisation_matrix.py)."""

from tests.authz import Row, logged_in, org_a

A = lambda cast: {"pk": cast.org_a.pk}  # noqa: E731

ROWS = {
    # Organisation data: its admins only; members 403, everyone else 404.
    "organisation_export": Row(org_a(403, 200), kwargs=A),
    "organisation_erase": Row(org_a(403, 200), kwargs=A),
    # One's own account: anyone logged in, for themselves only (no id in the URL).
    "account_export": Row(logged_in(200)),
    "account_delete": Row(logged_in(200)),
}
