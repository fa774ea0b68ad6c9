"""RGPD: organisation and account export and erasure, inactive accounts, privacy page."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts import rgpd
from accounts.models import Invitation, Membership, Organisation, User
from ambassadors.models import Event
from maturity import pdf
from maturity.models import (
    Answer,
    Diagnostic,
    DimensionResult,
    PdfExport,
    Respondent,
    ResultSnapshot,
    RoadmapAction,
    Section,
)
from maturity.structure import structure_for
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.maturity.authz_rows import world
from tests.pages import readable

pytestmark = pytest.mark.django_db


def unzip(response) -> dict:
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: archive.read(name).decode() for name in archive.namelist()}


def test_an_admin_downloads_all_the_organisation_data_as_json_and_csv(cast, client):
    maturity = world(cast)
    Answer.objects.create(respondent=maturity.member, question_id=maturity.question.id)
    client.force_login(cast.users["admin_a"])
    files = unzip(client.get(reverse("organisation_export", args=[cast.org_a.pk])))
    for table in ("organisation", "membres", "diagnostics", "reponses", "resultats", "actions"):
        assert f"json/{table}.json" in files and f"csv/{table}.csv" in files
    assert "json/consentements_conseillers.json" in files
    assert "json/journal_acces_conseillers.json" in files
    members = json.loads(files["json/membres.json"])
    assert {m["email"] for m in members} == set(
        Membership.objects.filter(organisation=cast.org_a).values_list("user__email", flat=True)
    )
    assert json.loads(files["json/reponses.json"])[0]["question_code"] == maturity.question.code
    assert json.loads(files["json/exports_pdf.json"])[0]["file_name"] == "a.pdf"
    # Nothing of organisation B, and no secret.
    everything = "".join(files.values())
    assert "Association B" not in everything
    assert "token_hash" not in everything and "password" not in everything


def test_the_organisation_export_holds_only_the_answers_its_admins_may_read(cast, client):
    """Answers of respondents who shared them, as on the respondent's answers page; never those
    of people who did not share, never anyone's personal skills self-assessment."""
    maturity = world(cast)
    structure = structure_for(maturity.questionnaire)
    dimension_question = maturity.question
    skills_question = structure.sections_of(Section.Kind.SKILLS)[0].questions[0]
    maturity.guest.share_answers = False
    maturity.guest.save()
    Answer.objects.create(
        respondent=maturity.member, question_id=dimension_question.id, text="partagée-membre"
    )
    Answer.objects.create(
        respondent=maturity.member, question_id=skills_question.id, text="compétences-membre"
    )
    Answer.objects.create(
        respondent=maturity.guest, question_id=dimension_question.id, text="privée-invitée"
    )
    client.force_login(cast.users["admin_a"])
    files = unzip(client.get(reverse("organisation_export", args=[cast.org_a.pk])))
    everything = "".join(files.values())
    assert "partagée-membre" in files["csv/reponses.csv"]
    assert "privée-invitée" not in everything
    assert "compétences-membre" not in everything
    assert [a["respondent_id"] for a in json.loads(files["json/reponses.json"])] == [
        maturity.member.pk
    ]


def test_csv_cells_that_spreadsheets_would_run_are_neutralised():
    assert rgpd.to_csv([{"a": "=HYPERLINK(1)", "b": "ok"}]).splitlines()[1] == "'=HYPERLINK(1),ok"


def test_erasing_an_organisation_needs_its_name_and_removes_everything_with_its_files(
    cast, client, django_capture_on_commit_callbacks
):
    maturity = world(cast)
    snapshot = ResultSnapshot.objects.create(diagnostic=maturity.diagnostic, overall_score=40)
    DimensionResult.objects.create(snapshot=snapshot, dimension="strategie", score=40)
    maturity.action.title = "Titre modifié"
    maturity.action.save()
    pdf_file = pdf.file_path(maturity.export)
    assert pdf_file.exists()
    url = reverse("organisation_erase", args=[cast.org_a.pk])
    client.force_login(cast.users["admin_a"])
    refused = client.post(url, {"name": "Association"})
    assert refused.status_code == 400
    assert "ne correspond pas" in refused.content.decode()
    assert Organisation.objects.filter(pk=cast.org_a.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"name": "Association A"})
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=cast.org_a.pk).exists()
    for model in (Diagnostic, Respondent, Answer, ResultSnapshot, DimensionResult, PdfExport):
        assert not model.objects.filter(pk__in=[]).exists()
    assert not Diagnostic.objects.filter(organisation_id=cast.org_a.pk).exists()
    assert not ResultSnapshot.objects.exists()
    assert not DimensionResult.objects.exists()
    assert not PdfExport.objects.exists()
    assert not RoadmapAction.history.filter(roadmap_id=maturity.roadmap.pk).exists()
    assert not pdf_file.exists()
    # People keep their accounts; organisation B is untouched.
    assert User.objects.filter(pk=cast.users["admin_a"].pk).exists()
    assert Organisation.objects.filter(pk=cast.org_b.pk).exists()


def test_a_person_downloads_their_own_data_only(cast, client):
    user = cast.users["member_a"]
    client.force_login(user)
    files = unzip(client.get(reverse("account_export")))
    account = json.loads(files["json/compte.json"])
    assert account[0]["email"] == user.email
    assert "password" not in account[0]
    assert cast.users["admin_a"].email not in "".join(files.values())


def test_an_advisers_export_holds_the_notes_and_recommendations_they_wrote_and_their_readings(
    cast, client
):
    from advisers import services as advisers_services
    from advisers.models import AccessLog
    from tests.advisers.factories import completed_diagnostic

    adviser = cast.users["adviser_with"]
    cast.consent()
    diagnostic = completed_diagnostic(cast.org_a)
    dimension = diagnostic.snapshot.data["dimensions"][0]["code"]
    advisers_services.save_note(
        organisation=cast.org_a, adviser=adviser, dimension=dimension, text="Avis-du-conseiller"
    )
    advisers_services.recommend(
        organisation=cast.org_a,
        adviser=adviser,
        title="Action-recommandée",
        explanation="Pourquoi-recommandée",
        dimension=dimension,
        horizon="0-3",
        priority=1,
    )
    advisers_services.log_access(adviser, [cast.org_a.pk], AccessLog.What.CLIENT)
    client.force_login(adviser)
    files = unzip(client.get(reverse("account_export")))
    notes = json.loads(files["json/avis_conseillers_rediges.json"])
    assert [n["text"] for n in notes] == ["Avis-du-conseiller"]
    recommendations = json.loads(files["json/recommandations_conseillers_redigees.json"])
    assert [(r["title"], r["explanation"]) for r in recommendations] == [
        ("Action-recommandée", "Pourquoi-recommandée")
    ]
    readings = json.loads(files["json/journal_acces_conseillers_mes_consultations.json"])
    assert [(r["organisation_id"], r["what"]) for r in readings] == [(cast.org_a.pk, "client")]
    assert "Avis-du-conseiller" in files["csv/avis_conseillers_rediges.csv"]


def test_the_last_admin_of_an_organisation_with_members_cannot_delete_their_account(cast, client):
    client.force_login(cast.users["admin_a"])
    page = client.get(reverse("account_delete")).content.decode()
    assert "dernier·e administrateur·rice de « Association A »" in readable(page)
    response = client.post(reverse("account_delete"), {"password": PASSWORD})
    assert response.status_code == 400
    assert User.objects.filter(pk=cast.users["admin_a"].pk).exists()


def test_a_person_deletes_their_account_with_their_password(cast, client):
    user = cast.users["member_a"]
    maturity = world(cast)
    maturity.action.owner = user
    maturity.action.save()
    client.force_login(user)
    assert client.post(reverse("account_delete"), {"password": "faux"}).status_code == 400
    response = client.post(reverse("account_delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Respondent.objects.filter(pk=maturity.member.pk).exists()
    maturity.action.refresh_from_db()
    assert maturity.action.owner is None
    assert not RoadmapAction.history.filter(owner_id=user.pk).exists()
    # Logged out: the profile now asks to log in.
    assert client.get(reverse("profile")).status_code == 302


def test_a_deleted_persons_address_and_testimonial_leave_the_organisations_records(cast, client):
    from advisers import services as advisers_services
    from advisers.models import Consent
    from tests.factories import make_invitation
    from tests.toolbox.factories import ToolUseFactory
    from toolbox.models import ToolUse

    user, admin_ = cast.users["member_a"], cast.users["admin_a"]
    accepted, _token = make_invitation(organisation=cast.org_a, email=user.email, invited_by=admin_)
    accepted.accepted_at, accepted.accepted_by = timezone.now(), user
    accepted.save()
    make_invitation(organisation=cast.org_b, email=user.email.upper(), invited_by=cast.admin_b)
    advisers_services.grant_by_email(organisation=cast.org_a, email=user.email, months=3, by=admin_)
    use = ToolUseFactory(
        organisation=cast.org_a,
        declared_by=user,
        testimonial="Témoignage-de-la-personne",
        testimonial_status=ToolUse.TestimonialStatus.APPROVED,
    )
    client.force_login(user)
    assert client.post(reverse("account_delete"), {"password": PASSWORD}).status_code == 302

    client.force_login(admin_)
    files = unzip(client.get(reverse("organisation_export", args=[cast.org_a.pk])))
    everything = "".join(files.values()).lower()
    assert user.email.lower() not in everything
    assert "témoignage-de-la-personne" not in everything
    assert not Consent.objects.filter(email__iexact=user.email).exists()
    assert not Invitation.objects.filter(email__iexact=user.email).exists()
    # The organisation still uses the tool: its declaration stays, without the person's words.
    use.refresh_from_db()
    assert (use.testimonial, use.testimonial_status) == ("", ToolUse.TestimonialStatus.NONE)
    page = client.get(reverse("toolbox:tool_detail", args=[use.tool.slug])).content.decode()
    assert "Témoignage-de-la-personne" not in page


def test_a_deleted_advisers_address_leaves_the_names_kept_on_their_readings(cast):
    from advisers import services as advisers_services
    from advisers.models import AccessLog

    adviser = cast.users["adviser_with"]
    adviser.first_name = adviser.last_name = ""  # their name on the log is their address
    adviser.save()
    advisers_services.log_access(adviser, [cast.org_a.pk], AccessLog.What.CLIENT)
    rgpd.delete_account(adviser)
    names = list(AccessLog.objects.filter(organisation=cast.org_a).values_list("adviser_name"))
    assert names and adviser.email not in str(names)


def test_a_sole_member_deleting_their_account_erases_their_organisation():
    membership = MembershipFactory(admin=True)
    rgpd.delete_account(membership.user)
    assert not Organisation.objects.filter(pk=membership.organisation_id).exists()


def test_an_ambassador_with_upcoming_events_must_cancel_them_first_past_ones_go(cast):
    from tests.ambassadors.factories import EventFactory, RegistrationFactory

    upcoming = EventFactory()
    organiser = upcoming.organiser
    assert any("événement" in reason for reason in rgpd.deletion_blockers(organiser))
    with pytest.raises(rgpd.RgpdError):
        rgpd.delete_account(organiser)
    upcoming.cancelled_at = timezone.now()
    upcoming.save()
    past = EventFactory(
        organiser=organiser,
        starts_at=timezone.now() - timedelta(days=10),
        ends_at=timezone.now() - timedelta(days=10, hours=-2),
    )
    RegistrationFactory(event=past)
    rgpd.delete_account(organiser)
    assert not Event.objects.filter(pk__in=[upcoming.pk, past.pk]).exists()


def test_inactive_accounts_are_warned_at_23_months_then_deleted_at_24(
    mailoutbox, django_capture_on_commit_callbacks
):
    start = timezone.now()
    sleeper = UserFactory()
    sleeper.last_login = start
    sleeper.save()
    active = UserFactory()
    with time_machine.travel(start + timedelta(days=699)):
        assert rgpd.warn_inactive_accounts() == 0
    with time_machine.travel(start + timedelta(days=701)):
        User.objects.filter(pk=active.pk).update(last_login=timezone.now())
        with django_capture_on_commit_callbacks(execute=True):
            assert rgpd.warn_inactive_accounts() == 1
            assert rgpd.warn_inactive_accounts() == 0  # idempotent
        assert [m.to for m in mailoutbox] == [[sleeper.email]]
        assert "supprimé" in mailoutbox[0].body
        assert rgpd.delete_inactive_accounts() == 0
    with time_machine.travel(start + timedelta(days=732)):
        assert rgpd.delete_inactive_accounts() == 1
        assert rgpd.delete_inactive_accounts() == 0
    assert not User.objects.filter(pk=sleeper.pk).exists()
    assert User.objects.filter(pk=active.pk).exists()


def test_an_account_never_warned_gets_a_month_of_notice_before_deletion():
    start = timezone.now()
    user = UserFactory()
    user.last_login = start
    user.save()
    with time_machine.travel(start + timedelta(days=900)):
        assert rgpd.delete_inactive_accounts() == 0
        assert rgpd.warn_inactive_accounts() == 1
    with time_machine.travel(start + timedelta(days=915)):
        assert rgpd.delete_inactive_accounts() == 0
    with time_machine.travel(start + timedelta(days=931)):
        assert rgpd.delete_inactive_accounts() == 1


def test_logging_in_again_after_the_warning_keeps_the_account():
    start = timezone.now()
    user = UserFactory()
    user.last_login = start
    user.save()
    with time_machine.travel(start + timedelta(days=701)):
        rgpd.warn_inactive_accounts()
    User.objects.filter(pk=user.pk).update(last_login=start + timedelta(days=710))
    with time_machine.travel(start + timedelta(days=740)):
        assert rgpd.delete_inactive_accounts() == 0
    assert User.objects.filter(pk=user.pk).exists()


def test_an_inactive_last_admin_hands_over_to_the_longest_standing_member():
    start = timezone.now()
    admin = MembershipFactory(admin=True)
    member = MembershipFactory(organisation=admin.organisation)
    User.objects.filter(pk=admin.user_id).update(last_login=start)
    User.objects.filter(pk=member.user_id).update(last_login=start + timedelta(days=700))
    with time_machine.travel(start + timedelta(days=701)):
        rgpd.warn_inactive_accounts()
    with time_machine.travel(start + timedelta(days=735)):
        assert rgpd.delete_inactive_accounts() == 1
    member.refresh_from_db()
    assert member.role == Membership.Role.ADMIN


def test_the_retention_tasks_are_scheduled():
    from config.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {
        "accounts.warn_inactive_accounts",
        "accounts.delete_inactive_accounts",
        "accounts.purge_login_attempts",
    } <= tasks


def test_the_privacy_page_lists_each_datum_its_purpose_and_retention(client):
    page = client.get(reverse("privacy")).content.decode()
    for text in ("24 mois", "23 mois", "15 minutes", "12 mois", "Journal des accès", "30 jours"):
        assert text in page
