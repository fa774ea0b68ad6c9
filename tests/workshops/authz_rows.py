"""The workshops' rows in the URL × role matrix (tests/test_authorisation_matrix.py).

A's team workshop runs on A's diagnostic in progress (tests/maturity/authz_rows.py). Its
facilitators are A's admin, the adviser holding A's consent and the cast's ambassador, whose
help A asked for and they accepted; everyone else logged in gets a 404, visitors are sent to
log in. Participants come in by the code, without an account: the join page is everyone's;
a participant's page is held by the phone's session only (404 for every role here,
tests/workshops/test_joining.py covers the participant's own)."""

from types import SimpleNamespace

from ambassadors.models import SupportRequest
from maturity.structure import structure_for
from tests.ambassadors.factories import SupportRequestFactory
from tests.authz import Row, everyone, logged_in
from tests.maturity.authz_rows import world as maturity_world
from workshops import services
from workshops.models import DEFAULT_GROUPS, Workshop


def world(cast) -> SimpleNamespace:
    if not hasattr(cast, "workshops"):
        base = maturity_world(cast)
        cast.consent()
        SupportRequestFactory(
            organisation=cast.org_a,
            ambassador=cast.ambassador,
            status=SupportRequest.Status.ACCEPTED,
        )
        admin = cast.users["admin_a"]
        workshop = services.open_team_workshop(
            organisation=cast.org_a,
            by=admin,
            title="Atelier de A",
            groups=list(DEFAULT_GROUPS),
            pace=Workshop.Pace.FREE,
        )
        participant = services.join(workshop=workshop, entry=None, group=0)
        # An event opened by a CRESS admin, which A's admin entered A in.
        event = services.open_event_workshop(
            by=cast.users["cress_admin"],
            title="Rencontre",
            groups=list(DEFAULT_GROUPS),
            pace="free",
        )
        entry = services.link_organisation(workshop=event, organisation=cast.org_a, by=admin)
        question = structure_for(base.questionnaire).dimensions[0].questions[0]
        cast.workshops = SimpleNamespace(
            workshop=workshop,
            participant=participant,
            entry=entry,
            question=question,
            action=base.action,
        )
    return cast.workshops


W = lambda cast: {"pk": world(cast).workshop.pk}  # noqa: E731

# The workshop's facilitators: A's admin, the adviser with A's consent, the ambassador A asked.
FACILITATORS = ("admin_a", "adviser_with", "ambassador")


def facilitators(status: int, **overrides: int) -> dict[str, int]:
    return logged_in(404, **{**dict.fromkeys(FACILITATORS, status), **overrides})


ROWS = {
    # Participants, without an account.
    "workshops:hub": Row(everyone()),
    "workshops:join": Row(everyone(), kwargs=lambda cast: {"token": world(cast).workshop.code}),
    "workshops:participate": Row(
        everyone(404), kwargs=lambda cast: {"pk": world(cast).participant.pk}
    ),
    # Opening: whoever may facilitate for A; events: CRESS admins and ambassadors.
    "workshops:new": Row(
        facilitators(200), kwargs=lambda cast: world(cast) and {"org_pk": cast.org_a.pk}
    ),
    "workshops:new_event": Row(logged_in(403, cress_admin=200, ambassador=200)),
    # Anyone logged in sees the form; only an organisation's admins can link one.
    "workshops:link": Row(logged_in(200)),
    "workshops:entry": Row(
        logged_in(404, admin_a=200), kwargs=lambda cast: {"pk": world(cast).entry.pk}
    ),
    # The workshop's facilitators.
    "workshops:detail": Row(facilitators(200), kwargs=W),
    "workshops:control": Row(
        facilitators(302), kwargs=W, method="post", data=lambda cast: {"action": "stop_timer"}
    ),
    "workshops:close": Row(facilitators(302), kwargs=W, method="post"),
    "workshops:project": Row(facilitators(200), kwargs=W),
    "workshops:agenda": Row(facilitators(200), kwargs=W),
    "workshops:agenda_item": Row(
        facilitators(302),
        kwargs=lambda cast: {"pk": world(cast).workshop.pk, "question_pk": world(cast).question.id},
        method="post",
    ),
    "workshops:decisions": Row(facilitators(200), kwargs=W),
    # Posted empty: the form comes back with its errors.
    "workshops:decide": Row(
        facilitators(400),
        kwargs=lambda cast: {"pk": world(cast).workshop.pk, "action_pk": world(cast).action.pk},
        method="post",
    ),
    # Completing the diagnostic stays an act of A's admins.
    "workshops:complete_diagnostic": Row(facilitators(403, admin_a=302), kwargs=W, method="post"),
    "workshops:report": Row(facilitators(200), kwargs=W),
    "workshops:report_pdf": Row(facilitators(200), kwargs=W, method="post"),
}
