"""Authorisation matrix rows for the diagnostic (see tests/test_authorisation_matrix.py)."""

from types import SimpleNamespace

from maturity.models import Questionnaire, Respondent
from maturity.structure import structure_for
from tests.authz import Row, cress_only, everyone, org_a
from tests.maturity.factories import published_questionnaire


def world(cast) -> SimpleNamespace:
    """Organisation A's diagnostic with a respondent per member and a guest, built once per test."""
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
        cast.maturity = SimpleNamespace(
            questionnaire=questionnaire,
            diagnostic=diagnostic,
            member=member,
            guest=guest,
            token=token,
            question=question,
        )
    return cast.maturity


D = lambda cast: {"pk": world(cast).diagnostic.pk}  # noqa: E731
R = lambda cast: {"pk": world(cast).member.pk}  # noqa: E731
Q = lambda cast: {"pk": world(cast).questionnaire.pk}  # noqa: E731
ORG = lambda cast: {"org_pk": cast.org_a.pk}  # noqa: E731

# The member's own respondent pages: only that member (404 for everyone else, login for anonymous).
OWN = {
    "anonymous": 302,
    "member_a": 200,
    "admin_a": 404,
    "member_b": 404,
    "adviser": 404,
    "cress_admin": 404,
}

ROWS = {
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
    "maturity:inventory": Row(org_a(200, 200), kwargs=D),
    "maturity:complete": Row(org_a(403, 200), kwargs=D),
    "maturity:results": Row(org_a(200, 200), kwargs=D),
    "maturity:respondent_answers": Row(
        org_a(403, 200),
        kwargs=lambda cast: {
            "pk": world(cast).diagnostic.pk,
            "respondent_pk": world(cast).member.pk,
        },
    ),
    # Anyone holding a live guest link is let in to that diagnostic only.
    "maturity:guest_entry": Row(everyone(302), kwargs=lambda cast: {"token": world(cast).token}),
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
