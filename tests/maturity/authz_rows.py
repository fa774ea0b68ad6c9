"""Authorisation matrix rows for the diagnostic (see tests/test_authorisation_matrix.py)."""

from types import SimpleNamespace

from maturity import pdf
from maturity.models import PdfExport, Questionnaire, Respondent, Roadmap, RoadmapAction
from maturity.structure import structure_for
from tests.authz import Row, cress_only, everyone, logged_in, org_a
from tests.maturity.factories import published_questionnaire


def world(cast) -> SimpleNamespace:
    """Organisation A's diagnostic with a respondent per member and a guest, built on first use
    (once per module for the matrix's modules, tests/conftest.py's _module_cast)."""
    if not hasattr(cast, "maturity"):
        questionnaire = Questionnaire.objects.published().first() or published_questionnaire()
        from maturity.models import Diagnostic

        diagnostic = Diagnostic.objects.create(organisation=cast.org_a, questionnaire=questionnaire)
        member = Respondent.objects.create(
            diagnostic=diagnostic, user=cast.users["member_a"], share_answers=True
        )
        guest, token = Respondent.new_guest(
            diagnostic=diagnostic,
            name="Invitée",
            email="invitee@example.org",
            role_label="CA",
            invited_by=None,
        )
        guest.save()
        question = structure_for(questionnaire).sections[1].questions[0]
        the_roadmap = Roadmap.objects.create(organisation=cast.org_a)
        action = RoadmapAction.objects.create(
            roadmap=the_roadmap, title="Nommer des référent·es", horizon="0-3"
        )
        export = PdfExport.objects.create(
            roadmap=the_roadmap, content_hash="0" * 64, status="done", file_name="a.pdf"
        )
        cast.maturity = SimpleNamespace(
            questionnaire=questionnaire,
            diagnostic=diagnostic,
            member=member,
            guest=guest,
            token=token,
            question=question,
            roadmap=the_roadmap,
            action=action,
            export=export,
        )
    # The export's file, in this test's own folder (a module's world outlives its first test).
    stored = pdf.storage_dir() / cast.maturity.export.file_name
    if not stored.exists():
        stored.write_bytes(b"%PDF-1.7 test")
    return cast.maturity


D = lambda cast: {"pk": world(cast).diagnostic.pk}  # noqa: E731
R = lambda cast: {"pk": world(cast).member.pk}  # noqa: E731
Q = lambda cast: {"pk": world(cast).questionnaire.pk}  # noqa: E731
ORG = lambda cast: {"org_pk": cast.org_a.pk}  # noqa: E731

# The member's own respondent pages: only that member (404 for everyone else, login for anonymous;
# the guest, let past the login by its link, gets the 404 of someone else's respondent).
OWN = logged_in(404, member_a=200, guest=404)


def GUEST_OF_D(cast):
    return {"pk": world(cast).diagnostic.pk, "respondent_pk": world(cast).guest.pk}


def ACTION(cast):
    return {"org_pk": world(cast).roadmap.organisation_id, "action_pk": world(cast).action.pk}


def EXPORT(cast):
    return {"org_pk": world(cast).roadmap.organisation_id, "export_pk": world(cast).export.pk}


ROWS = {
    # The discovery diagnostic is public (the published questionnaire's discovery questions);
    # its result and its carry-over need answers in the session, else they lead to the form.
    "maturity:discovery": Row(everyone(), kwargs=lambda cast: world(cast) and {}),
    "maturity:discovery_result": Row(everyone(302)),
    "maturity:discovery_continue": Row(everyone(302)),
    # The file formats and their JSON Schemas: formats, not data, public.
    "maturity:formats": Row(everyone()),
    "maturity:questionnaire_schema": Row(everyone()),
    "maturity:rules_schema": Row(everyone()),
    # Roadmap: every member of the organisation reads and edits it.
    "maturity:roadmap": Row(
        org_a(200, 200), kwargs=lambda cast: {"org_pk": world(cast).roadmap.organisation_id}
    ),
    "maturity:roadmap_regenerate": Row(org_a(302, 302), kwargs=ORG, method="post"),
    "maturity:roadmap_action_add": Row(
        org_a(302, 302),
        kwargs=lambda cast: {"org_pk": world(cast).roadmap.organisation_id},
        method="post",
    ),
    "maturity:roadmap_action_decide": Row(
        org_a(302, 302), kwargs=ACTION, method="post", data=lambda cast: {"decision": "accept"}
    ),
    "maturity:roadmap_action_update": Row(
        org_a(302, 302), kwargs=ACTION, method="post", data=lambda cast: {"status": "doing"}
    ),
    "maturity:roadmap_action_move": Row(
        org_a(302, 302),
        kwargs=ACTION,
        method="post",
        data=lambda cast: {"direction": "down", "rank": 0},
    ),
    "maturity:roadmap_action_history": Row(org_a(200, 200), kwargs=ACTION),
    "maturity:roadmap_action_detail": Row(org_a(200, 200), kwargs=ACTION),
    "maturity:pdf_request": Row(
        org_a(302, 302),
        kwargs=lambda cast: {"org_pk": world(cast).roadmap.organisation_id},
        method="post",
    ),
    "maturity:pdf_status": Row(org_a(200, 200), kwargs=EXPORT),
    "maturity:pdf_download": Row(org_a(200, 200), kwargs=EXPORT),
    "maturity:organisation_diagnostics": Row(org_a(200, 200), kwargs=ORG),
    "maturity:diagnostic_start": Row(org_a(302, 302), kwargs=ORG, method="post"),
    "maturity:diagnostic_detail": Row(org_a(200, 200), kwargs=D),
    "maturity:invite_member": Row(org_a(403, 302), kwargs=D, method="post"),
    "maturity:invite_guest": Row(org_a(403, 302), kwargs=D, method="post"),
    "maturity:revoke_guest": Row(
        org_a(403, 302),
        kwargs=lambda cast: {
            "pk": world(cast).diagnostic.pk,
            "respondent_pk": world(cast).guest.pk,
        },
        method="post",
    ),
    # A guest's link to copy and its QR code, and a new link: the organisation's admins.
    "maturity:guest_link": Row(org_a(403, 200), kwargs=GUEST_OF_D),
    "maturity:renew_guest_link": Row(org_a(403, 302), kwargs=GUEST_OF_D, method="post"),
    "maturity:inventory": Row(org_a(200, 200), kwargs=D),
    "maturity:inventory_equipment": Row(org_a(200, 200), kwargs=D),
    "maturity:complete": Row(org_a(403, 200), kwargs=D),
    "maturity:results": Row(org_a(200, 200), kwargs=D),
    # A diagnostic in progress has no results yet: its members are sent to the results page.
    "maturity:results_pdf": Row(org_a(302, 302), kwargs=D, method="post"),
    "maturity:respondent_answers": Row(
        org_a(403, 200),
        kwargs=lambda cast: {
            "pk": world(cast).diagnostic.pk,
            "respondent_pk": world(cast).member.pk,
        },
    ),
    # Anyone holding a live guest link is let in to that diagnostic only.
    "maturity:guest_entry": Row(everyone(302), kwargs=lambda cast: {"token": world(cast).token}),
    "maturity:welcome": Row(OWN, kwargs=R),
    "maturity:respondent_home": Row(OWN, kwargs=R),
    "maturity:respondent_consent": Row({**OWN, "member_a": 302}, kwargs=R, method="post"),
    "maturity:section": Row(
        OWN, kwargs=lambda cast: {"pk": world(cast).member.pk, "code": "strategie"}
    ),
    "maturity:autosave": Row(
        OWN,
        kwargs=lambda cast: {"pk": world(cast).member.pk, "question_pk": world(cast).question.id},
        method="post",
    ),
    "maturity:questionnaires": Row(cress_only()),
    "maturity:questionnaire_detail": Row(cress_only(), kwargs=Q),
    "maturity:questionnaire_export": Row(cress_only(), kwargs=Q),
    "maturity:questionnaire_new_draft": Row(
        cress_only(302), kwargs=Q, method="post", data=lambda cast: {"version": "2099.9"}
    ),
    "maturity:questionnaire_replace": Row(cress_only(302), kwargs=Q, method="post"),
    "maturity:questionnaire_publish": Row(cress_only(302), kwargs=Q, method="post"),
}

# The same answering pages for the guest's own respondent (tests/test_authorisation_matrix.py,
# test_guest_answering_pages_are_the_guests_only): the guest only. It has no account, so no
# one logged in answers for it, not even A's admins, who invited it.
GUEST = lambda cast: {"pk": world(cast).guest.pk}  # noqa: E731
GUEST_OWN = logged_in(404, guest=200)

GUEST_ROWS = {
    "maturity:welcome": Row(GUEST_OWN, kwargs=GUEST),
    "maturity:respondent_home": Row(GUEST_OWN, kwargs=GUEST),
    "maturity:respondent_consent": Row({**GUEST_OWN, "guest": 302}, kwargs=GUEST, method="post"),
    "maturity:section": Row(
        GUEST_OWN, kwargs=lambda cast: {"pk": world(cast).guest.pk, "code": "strategie"}
    ),
    "maturity:autosave": Row(
        GUEST_OWN,
        kwargs=lambda cast: {"pk": world(cast).guest.pk, "question_pk": world(cast).question.id},
        method="post",
    ),
}
