"""Matrix rows for the advisers app. In these rows the "adviser" role holds a live consent from
organisation A (created by the kwargs); advisers without one are tested in test_consents.py."""

from advisers.models import Consent
from tests.authz import Row, cress_only, logged_in, org_a
from tests.factories import AdviserProfileFactory


def _consent(cast) -> Consent:
    from tests.advisers.factories import live_consent

    existing = Consent.objects.filter(
        organisation=cast.org_a, adviser=cast.users["adviser"]
    ).first()
    return existing or live_consent(cast.org_a, cast.users["adviser"])


def _client(cast) -> dict:
    return {"org_pk": _consent(cast).organisation_id}


def _request(cast) -> dict:
    _consent(cast)
    other = AdviserProfileFactory().user
    request = Consent.objects.create(
        organisation=cast.org_a, adviser=other, status=Consent.Status.REQUESTED
    )
    return {"pk": cast.org_a.pk, "consent_pk": request.pk}


def _advisers_only(status: int) -> dict[str, int]:
    return logged_in(403, adviser=status)


A = lambda cast: {"pk": _consent(cast).organisation_id}  # noqa: E731

ROWS = {
    # The organisation's admins (a plain member: 403; outsiders, the adviser included: 404)
    "advisers:consents": Row(org_a(403, 200), kwargs=A),
    # Empty forms are shown again with their errors.
    "advisers:consent_grant": Row(org_a(403, 200), kwargs=A, method="post"),
    "advisers:consent_invite": Row(org_a(403, 200), kwargs=A, method="post"),
    "advisers:consent_revoke": Row(
        org_a(403, 302),
        kwargs=lambda cast: {"pk": cast.org_a.pk, "consent_pk": _consent(cast).pk},
        method="post",
    ),
    "advisers:consent_decide": Row(
        org_a(403, 302), kwargs=_request, method="post", data=lambda cast: {"decision": "refuse"}
    ),
    # Advisers (anyone else logged in: 403)
    "advisers:portfolio": Row(_advisers_only(200), kwargs=lambda cast: _consent(cast) and {}),
    "advisers:portfolio_csv": Row(_advisers_only(200)),
    "advisers:compare": Row(_advisers_only(200)),
    "advisers:request_access": Row(_advisers_only(200)),
    "advisers:client": Row(_advisers_only(200), kwargs=_client),
    "advisers:note_save": Row(
        _advisers_only(302),
        kwargs=_client,
        method="post",
        data=lambda cast: {"dimension": "x", "note-x-dimension": "x", "note-x-text": "Avis"},
    ),
    "advisers:recommend": Row(
        _advisers_only(302),
        kwargs=_client,
        method="post",
        data=lambda cast: {"title": "Former un·e référent·e", "horizon": "0-3", "priority": "2"},
    ),
    "advisers:prediagnostic": Row(_advisers_only(200), kwargs=_client),
    # CRESS admins
    "advisers:observatory": Row(cress_only()),
    "advisers:observatory_csv": Row(cress_only()),
    "advisers:observatory_json": Row(cress_only()),
}
