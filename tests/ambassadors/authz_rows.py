"""The community's rows in the URL × role matrix (tests/test_authorisation_matrix.py)."""

from tests.ambassadors.factories import (
    AmbassadorFactory,
    EventFactory,
    ResourceFactory,
    SupportRequestFactory,
    VisitorRegistrationFactory,
    visitor_token,
)
from tests.authz import Row, cress_only, everyone, logged_in, org_a


def _ambassador(cast):
    return {"pk": AmbassadorFactory().pk}


def _event(cast):
    return {"pk": EventFactory().pk}


def _visitor_link(cast):
    """The personal link of a visitor registered without an account (held by whoever has it)."""
    return {"token": visitor_token(VisitorRegistrationFactory())}


def _pending_visitor_link(cast):
    """The link e-mailed to a visitor to confirm a registration not confirmed yet."""
    return {"token": visitor_token(VisitorRegistrationFactory(pending=True))}


def _resource(cast):
    return {"pk": ResourceFactory().pk}


def _own_event(cast):
    """An event organised by the cast's ambassador."""
    return {"pk": EventFactory(organiser=cast.ambassador.user).pk}


def _own_resource(cast):
    """A fiche written by the cast's ambassador."""
    return {"pk": ResourceFactory(author=cast.ambassador.user).pk}


def _request_of_a(cast):
    """A request of organisation A, sent to the cast's ambassador."""
    request = SupportRequestFactory(organisation=cast.org_a, sent=True, ambassador=cast.ambassador)
    return {"pk": request.pk}


def _org_a(cast):
    return {"pk": cast.org_a.pk}


ROWS: dict[str, Row] = {
    # Directory and profiles: public; writing to an ambassador needs an account.
    "ambassadors:directory": Row(everyone()),
    "ambassadors:ambassador_detail": Row(everyone(), kwargs=_ambassador),
    "ambassadors:ambassador_contact": Row(logged_in(200), kwargs=_ambassador),
    # The ambassador edits their profile on the same page.
    "ambassadors:apply": Row(logged_in(200)),
    # Only the ambassador has a profile to renew.
    "ambassadors:renew": Row(logged_in(404, ambassador=302), method="post"),
    "ambassadors:my_space": Row(logged_in(200)),
    # Events: public pages; organising is for validated ambassadors and CRESS admins.
    "ambassadors:events": Row(everyone()),
    "ambassadors:events_feed": Row(everyone()),
    "ambassadors:event_detail": Row(everyone(), kwargs=_event),
    "ambassadors:event_ics": Row(everyone(), kwargs=_event),
    "ambassadors:event_register": Row(logged_in(302), kwargs=_event, method="post"),
    "ambassadors:event_unregister": Row(logged_in(302), kwargs=_event, method="post"),
    # Without an account (public events): the form for visitors; people logged in are sent
    # back to the event page, where they register in one click.
    "ambassadors:event_register_visitor": Row(logged_in(302, anonymous=200), kwargs=_event),
    # A visitor's personal link (confirm, see, cancel): whoever holds it, with or without an
    # account, as the link is the only proof the visitor has.
    "ambassadors:visitor_registration": Row(everyone(), kwargs=_visitor_link),
    "ambassadors:visitor_confirm": Row(everyone(), kwargs=_pending_visitor_link),
    "ambassadors:event_create": Row(cress_only(ambassador=200)),
    # The ambassador's event: theirs and CRESS admins'; anyone else's is a 404.
    "ambassadors:event_edit": Row(
        logged_in(404, ambassador=200, cress_admin=200), kwargs=_own_event
    ),
    "ambassadors:event_cancel": Row(
        logged_in(404, ambassador=302, cress_admin=302), kwargs=_own_event, method="post"
    ),
    "ambassadors:event_attendance": Row(
        logged_in(404, ambassador=200, cress_admin=200), kwargs=_own_event
    ),
    # Support requests: members of the organisation; the ambassador it was sent to reads it
    # and answers it, and nothing else of the organisation.
    "ambassadors:request_list": Row(org_a(200, 200), kwargs=_org_a),
    "ambassadors:request_create": Row(org_a(200, 200), kwargs=_org_a),
    "ambassadors:request_detail": Row(org_a(200, 200, ambassador=200), kwargs=_request_of_a),
    "ambassadors:request_choose": Row(org_a(302, 302), kwargs=_request_of_a, method="post"),
    "ambassadors:request_respond": Row(
        logged_in(404, ambassador=302),
        kwargs=_request_of_a,
        method="post",
        data=lambda cast: {"decision": "accept"},
    ),
    "ambassadors:request_close": Row(org_a(302, 302), kwargs=_request_of_a, method="post"),
    # Fiches pratiques
    "ambassadors:resources": Row(everyone()),
    "ambassadors:resource_detail": Row(everyone(), kwargs=_resource),
    "ambassadors:resource_create": Row(cress_only(ambassador=200)),
    # The ambassador's fiche: its author and CRESS admins.
    "ambassadors:resource_edit": Row(
        logged_in(404, ambassador=200, cress_admin=200), kwargs=_own_resource
    ),
    # A fiche without a PDF: 404 for all (access to real PDFs: test_resources.py).
    "ambassadors:resource_pdf": Row(everyone(404), kwargs=_resource),
    # CRESS admins
    "ambassadors:cress": Row(cress_only()),
    "ambassadors:application_decide": Row(
        cress_only(302),
        kwargs=lambda cast: {"pk": AmbassadorFactory(pending=True).pk},
        method="post",
        data=lambda cast: {"decision": "accept"},
    ),
    "ambassadors:ambassador_withdraw": Row(cress_only(302), kwargs=_ambassador, method="post"),
    "ambassadors:resource_moderate": Row(
        cress_only(302),
        kwargs=lambda cast: {"pk": ResourceFactory(pending=True).pk},
        method="post",
        data=lambda cast: {"decision": "publish"},
    ),
}
