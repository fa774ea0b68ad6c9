"""Matrix rows for the advisers app. "adviser_with" holds a live consent from organisation A
(cast.consent()), "adviser_without" is an approved adviser without any consent."""

from advisers.models import Consent
from tests.authz import Row, cress_only, everyone, logged_in, org_a
from tests.factories import AdviserProfileFactory


def _client(cast) -> dict:
    return {"org_pk": cast.consent().organisation_id}


def _request(cast) -> dict:
    other = AdviserProfileFactory().user
    request = Consent.objects.create(
        organisation=cast.org_a, adviser=other, status=Consent.Status.REQUESTED
    )
    return {"pk": cast.org_a.pk, "consent_pk": request.pk}


def _advisers_only(status: int, *, without_consent: int | None = None) -> dict[str, int]:
    """Approved advisers; for a client's pages, an adviser without its consent gets 404."""
    if without_consent is None:
        without_consent = status
    return logged_in(403, adviser_with=status, adviser_without=without_consent)


A = lambda cast: {"pk": cast.org_a.pk}  # noqa: E731

ROWS = {
    # The organisation's admins (a plain member: 403; outsiders, advisers included: 404)
    "advisers:consents": Row(org_a(403, 200), kwargs=A),
    # Empty forms are shown again with their errors.
    "advisers:consent_grant": Row(org_a(403, 200), kwargs=A, method="post"),
    "advisers:consent_invite": Row(org_a(403, 200), kwargs=A, method="post"),
    "advisers:consent_revoke": Row(
        org_a(403, 302),
        kwargs=lambda cast: {"pk": cast.org_a.pk, "consent_pk": cast.consent().pk},
        method="post",
    ),
    "advisers:consent_decide": Row(
        org_a(403, 302), kwargs=_request, method="post", data=lambda cast: {"decision": "refuse"}
    ),
    # Advisers (anyone else logged in: 403)
    "advisers:portfolio": Row(_advisers_only(200)),
    "advisers:portfolio_csv": Row(_advisers_only(200)),
    "advisers:compare": Row(_advisers_only(200)),
    "advisers:request_access": Row(_advisers_only(200)),
    # A client's pages: only while the organisation's consent is live.
    "advisers:client": Row(_advisers_only(200, without_consent=404), kwargs=_client),
    "advisers:note_save": Row(
        _advisers_only(302, without_consent=404),
        kwargs=_client,
        method="post",
        data=lambda cast: {"dimension": "x", "note-x-dimension": "x", "note-x-text": "Avis"},
    ),
    "advisers:recommend": Row(
        _advisers_only(302, without_consent=404),
        kwargs=_client,
        method="post",
        data=lambda cast: {"title": "Former un·e référent·e", "horizon": "0-3", "priority": "2"},
    ),
    "advisers:prediagnostic": Row(_advisers_only(200, without_consent=404), kwargs=_client),
    # CRESS admins
    "advisers:observatory": Row(cress_only()),
    "advisers:observatory_csv": Row(cress_only()),
    "advisers:observatory_json": Row(cress_only()),
    # The public observatory and its open data: everyone, visitors included.
    "public_observatory:page": Row(everyone()),
    "public_observatory:csv": Row(everyone()),
    "public_observatory:schema": Row(everyone()),
    "public_observatory:datapackage": Row(everyone()),
}
