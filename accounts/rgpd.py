"""RGPD rights and retention: export and erasure of an organisation or of an account, and the
deletion of accounts left inactive for two years.

Exports are a zip holding each table twice: JSON (structured, for another tool) and CSV (for a
spreadsheet). Erasure deletes rows and the files stored for them; what it keeps is said in
`erase_organisation` and `delete_account`.
"""

import io
import json
import logging
import zipfile
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Replace
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import csvkit
from accounts.models import (
    Invitation,
    JoinRequest,
    Membership,
    MembershipChange,
    Organisation,
    User,
)
from accounts.tasks import send_email

log = logging.getLogger(__name__)

# Never exported: secrets and what only locates a secret.
SECRET_FIELDS = {"password", "token_hash", "content_hash"}

# Inactive accounts: warned after 23 months, deleted after 24 (and at least 30 days after the
# warning, whatever the dates say, so nobody is deleted without a month's notice).
WARN_AFTER = timedelta(days=700)
DELETE_AFTER = timedelta(days=730)
NOTICE = timedelta(days=30)


class RgpdError(Exception):
    """The request cannot be carried out as it is; the message is for the user."""


# --- Tables ---------------------------------------------------------------------------------


def _value(value):
    if isinstance(value, models.Model):
        return value.pk
    return value


def rows(queryset: Iterable[models.Model], *, exclude: Iterable[str] = ()) -> list[dict]:
    """Every concrete column of each row, secrets left out, foreign keys as ids."""
    skipped = SECRET_FIELDS | set(exclude)
    result = []
    for obj in queryset:
        result.append(
            {
                field.attname: _value(getattr(obj, field.attname))
                for field in obj._meta.concrete_fields
                if field.attname not in skipped and field.name not in skipped
            }
        )
    return result


def _csv_cell(value):
    # JSON for structures; csvkit.writer neutralises what a spreadsheet would run.
    if value is None:
        return ""
    if isinstance(value, dict | list):
        value = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return value


def to_csv(table: list[dict]) -> str:
    out = io.StringIO()
    columns: list[str] = []
    for row in table:
        columns.extend(key for key in row if key not in columns)
    writer = csvkit.writer(out)
    writer.writerow(columns)
    for row in table:
        writer.writerow([_csv_cell(row.get(column)) for column in columns])
    return out.getvalue()


def build_zip(tables: dict[str, list[dict]], readme: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("LISEZMOI.txt", readme)
        for name, table in tables.items():
            archive.writestr(
                f"json/{name}.json",
                json.dumps(table, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            )
            archive.writestr(f"csv/{name}.csv", to_csv(table))
    return buffer.getvalue()


# --- Organisation export --------------------------------------------------------------------


def advisers_tables(organisation: Organisation) -> dict[str, list[dict]]:
    """Consents, access log, notes and recommendations of the advisers app, when it is there."""
    try:
        from advisers import models as advisers_models
    except ImportError:  # the platform without the advisers app
        return {}
    tables = {}
    for name, model_name, lookup in (
        ("consentements_conseillers", "Consent", "organisation"),
        ("journal_acces_conseillers", "AccessLog", "organisation"),
        ("avis_conseillers", "AdviserNote", "organisation"),
        ("recommandations_conseillers", "Recommendation", "action__roadmap__organisation"),
    ):
        model = getattr(advisers_models, model_name, None)
        if model is not None:
            tables[name] = rows(model.objects.filter(**{lookup: organisation}).order_by("pk"))
    return tables


def organisation_tables(organisation: Organisation) -> dict[str, list[dict]]:
    from ambassadors.models import SupportRequest
    from maturity.models import (
        Diagnostic,
        DimensionResult,
        EquipmentItem,
        InventoryItem,
        PdfExport,
        Respondent,
        ResultSnapshot,
        Roadmap,
        RoadmapAction,
    )
    from maturity.services import answers_shared_with_organisation
    from toolbox.models import ToolUse

    diagnostics = Diagnostic.objects.filter(organisation=organisation).order_by("pk")
    memberships = Membership.objects.filter(organisation=organisation).select_related("user")
    members = [
        {
            **row,
            "email": membership.user.email,
            "first_name": membership.user.first_name,
            "last_name": membership.user.last_name,
        }
        for row, membership in zip(rows(memberships), memberships, strict=True)
    ]
    # What the organisation's pages show, no more: individual answers only of the people who
    # shared them, and never personal skills.
    answers = answers_shared_with_organisation(diagnostics).select_related("question")
    answer_rows = [
        {**row, "question_code": answer.question.code}
        for row, answer in zip(rows(answers.order_by("pk")), answers.order_by("pk"), strict=True)
    ]
    roadmap = Roadmap.objects.filter(organisation=organisation).first()
    tables = {
        "organisation": rows([organisation]),
        "membres": members,
        "invitations": rows(Invitation.objects.filter(organisation=organisation)),
        "demandes_acces": rows(JoinRequest.objects.filter(organisation=organisation)),
        "changements_membres": rows(
            MembershipChange.objects.filter(organisation=organisation).order_by("pk")
        ),
        "diagnostics": rows(diagnostics),
        "repondant_es": rows(Respondent.objects.filter(diagnostic__in=diagnostics)),
        "reponses": answer_rows,
        "outils_utilises": rows(InventoryItem.objects.filter(diagnostic__in=diagnostics)),
        "equipements": rows(EquipmentItem.objects.filter(diagnostic__in=diagnostics)),
        "resultats": rows(ResultSnapshot.objects.filter(diagnostic__in=diagnostics)),
        "resultats_par_dimension": rows(
            DimensionResult.objects.filter(snapshot__diagnostic__in=diagnostics)
        ),
        "feuille_de_route": rows([roadmap] if roadmap else []),
        "actions": rows(RoadmapAction.objects.filter(roadmap__organisation=organisation)),
        "exports_pdf": rows(PdfExport.objects.filter(roadmap__organisation=organisation)),
        "temoignages_outils": rows(ToolUse.objects.filter(organisation=organisation)),
        "demandes_accompagnement": rows(SupportRequest.objects.filter(organisation=organisation)),
    }
    tables.update(advisers_tables(organisation))
    return tables


def export_organisation(organisation: Organisation) -> bytes:
    readme = render_to_string(
        "accounts/export_readme.txt",
        {"subject": organisation.name, "now": timezone.now(), "site_name": settings.SITE_NAME},
    )
    return build_zip(organisation_tables(organisation), readme)


# --- Account export -------------------------------------------------------------------------


def _owned_relations():
    """(model, field) pairs of rows that belong to a user: deleted with the account or
    blocking its deletion. Rows the user only touched (decided_by, changed_by…) are not theirs."""
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.label.startswith(("axes.", "sessions.")) or model.__name__.startswith(
            "Historical"
        ):
            continue
        for field in model._meta.concrete_fields:
            if (
                field.is_relation
                and field.related_model is User
                and field.remote_field.on_delete in (models.CASCADE, models.PROTECT)
            ):
                yield model, field


def adviser_account_tables(user: User) -> dict[str, list[dict]]:
    """What an adviser wrote about organisations and when they read their data: their notes,
    their recommendations (the roadmap action they proposed) and their access log. These rows
    outlive the account (the organisation keeps them), so they are not among _owned_relations."""
    try:
        from advisers.models import AccessLog, AdviserNote, Recommendation
    except ImportError:  # the platform without the advisers app
        return {}
    recommendations = list(
        Recommendation.objects.filter(adviser=user).select_related("action__roadmap").order_by("pk")
    )
    return {
        "avis_conseillers_rediges": rows(AdviserNote.objects.filter(adviser=user).order_by("pk")),
        "recommandations_conseillers_redigees": [
            {
                **row,
                "organisation_id": recommendation.action.roadmap.organisation_id,
                **{
                    name: getattr(recommendation.action, name)
                    for name in ("title", "explanation", "dimension", "horizon", "priority")
                },
            }
            for row, recommendation in zip(rows(recommendations), recommendations, strict=True)
        ],
        "journal_acces_conseillers_mes_consultations": rows(
            AccessLog.objects.filter(adviser=user).order_by("pk")
        ),
    }


def account_tables(user: User) -> dict[str, list[dict]]:
    from maturity.models import Answer, RoadmapAction

    tables = {"compte": rows([user], exclude={"is_staff", "is_superuser"})}
    for model, field in _owned_relations():
        name = f"{model._meta.app_label}_{model._meta.model_name}_{field.name}"
        table = rows(model.objects.filter(**{field.name: user}).order_by("pk"))
        if table:
            tables[name] = table
    tables["maturity_answer"] = rows(Answer.objects.filter(respondent__user=user).order_by("pk"))
    tables["actions_dont_je_suis_responsable"] = rows(
        RoadmapAction.objects.filter(owner=user).order_by("pk")
    )
    tables.update(adviser_account_tables(user))
    tables.update(visitor_registration_tables(user))
    return tables


def visitor_registration_tables(user: User) -> dict[str, list[dict]]:
    """Event registrations made without an account with the person's address (kept until a
    month after each event), when the community app is there."""
    try:
        from ambassadors.models import Registration
    except ImportError:  # the platform without the community app
        return {}
    table = rows(Registration.objects.filter(user=None, email__iexact=user.email).order_by("pk"))
    return {"inscriptions_evenements_sans_compte": table} if table else {}


def export_account(user: User) -> bytes:
    readme = render_to_string(
        "accounts/export_readme.txt",
        {"subject": user.email, "now": timezone.now(), "site_name": settings.SITE_NAME},
    )
    return build_zip(account_tables(user), readme)


# --- Erasure --------------------------------------------------------------------------------


def _pdf_files(roadmap_ids: list[int]) -> list[Path]:
    from maturity.models import PdfExport

    folder = Path(settings.PRIVATE_STORAGE_ROOT) / "roadmaps"
    files = [
        folder / Path(name).name  # .name: a stored name never leads out of the folder
        for name in PdfExport.objects.filter(roadmap_id__in=roadmap_ids)
        .exclude(file_name="")
        .values_list("file_name", flat=True)
    ]
    for roadmap_id in roadmap_ids:
        # Finished files and half-written ones (.part) of every version of the roadmap.
        files.extend(folder.glob(f"{roadmap_id}-*"))
    return files


def _remove_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


@transaction.atomic
def erase_organisation(organisation: Organisation) -> dict[str, int]:
    """Delete the organisation and everything about it, stored PDFs included.

    Cascades remove memberships, invitations, join requests, diagnostics with respondents,
    answers, inventories, results (snapshot and per-dimension rows), the roadmap with its
    actions and PDF exports, tool testimonials, support requests, adviser consents, access
    log, notes and recommendations. The roadmap actions' history is deleted explicitly (it
    has no foreign key). Nothing organisation-level survives: the observatory computes its
    anonymised figures from the remaining results, so this organisation leaves them too.
    People's accounts survive (they may belong to other organisations).
    """
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from maturity.models import Roadmap, RoadmapAction

    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    roadmap_ids = list(
        Roadmap.objects.filter(organisation=organisation).values_list("pk", flat=True)
    )
    files = _pdf_files(roadmap_ids)
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Organisation),
        object_id=str(organisation.pk),
    ).delete()
    _, deleted = organisation.delete()
    # After the cascade, which itself records a "deleted" history row per action.
    RoadmapAction.history.filter(roadmap_id__in=roadmap_ids).delete()
    # Files go only once the rows are gone for good; a rollback keeps both.
    transaction.on_commit(lambda: _remove_files(files))
    return deleted


def _blocking_organisations(user: User) -> list[Organisation]:
    """Organisations the user is the last admin of while other people are still members."""
    blocking = []
    for membership in (
        Membership.objects.active()
        .filter(user=user, role=Membership.Role.ADMIN)
        .select_related("organisation")
    ):
        organisation = membership.organisation
        other_admins = (
            organisation.memberships.active()
            .filter(role=Membership.Role.ADMIN)
            .exclude(user=user)
            .exists()
        )
        others = organisation.memberships.active().exclude(user=user).exists()
        if others and not other_admins:
            blocking.append(organisation)
    return blocking


def sole_member_organisations(user: User) -> list[Organisation]:
    """Organisations where the user is the only active member: erased with the account."""
    return [
        membership.organisation
        for membership in Membership.objects.active()
        .filter(user=user)
        .select_related("organisation")
        if not membership.organisation.memberships.active().exclude(user=user).exists()
    ]


def deletion_blockers(user: User) -> list[str]:
    """Why the account cannot be deleted now, in French; empty when it can."""
    from ambassadors.models import Event

    reasons = [
        _(
            "Vous êtes le·la dernier·e administrateur·rice de « %(name)s », qui compte d'autres membres : nommez d'abord une autre personne administratrice."
        )
        % {"name": organisation.name}
        for organisation in _blocking_organisations(user)
    ]
    upcoming = Event.objects.filter(
        organiser=user, cancelled_at=None, ends_at__gte=timezone.now()
    ).count()
    if upcoming:
        reasons.append(
            _(
                "Vous organisez %(count)s événement(s) à venir : annulez-les d'abord (les personnes inscrites sont prévenues)."
            )
            % {"count": upcoming}
        )
    return reasons


def _forget_address_and_words(user: User) -> None:
    """What the organisations keep after the account goes holds neither the person's address
    nor their words. Invitations sent to the address (to join, or to read as an adviser) are
    deleted: they led to this person only. Names kept on an adviser's notes, recommendations
    and readings lose the address when it stood for the name. A testimonial is emptied, while
    the organisation's "we use this tool" stays (it is the organisation's, and counts as such)."""
    from toolbox.models import ToolUse

    Invitation.objects.filter(Q(email__iexact=user.email) | Q(accepted_by=user)).delete()
    ToolUse.objects.filter(declared_by=user).exclude(testimonial="").update(
        testimonial="", testimonial_status=ToolUse.TestimonialStatus.NONE
    )
    try:
        from advisers.models import AccessLog, AdviserNote, Consent, Recommendation
    except ImportError:  # the platform without the advisers app
        return
    # Consents given to the account itself go with it (cascade).
    Consent.objects.filter(adviser=None, email__iexact=user.email).delete()
    for model in (AccessLog, AdviserNote, Recommendation):
        model.objects.filter(adviser=user, adviser_name__contains=user.email).update(
            adviser_name=Replace(
                "adviser_name",
                Value(user.email),
                Value(_("Conseiller·e dont le compte est supprimé")),
            )
        )


@transaction.atomic
def delete_account(user: User) -> None:
    """Delete the account and what is only the person's.

    Refused (RgpdError) while they are the last admin of an organisation with other members,
    or organise upcoming events. Organisations where they are the only member are erased.
    Their past and cancelled events are deleted with their registrations. Rows they only
    touched keep existing without them (who decided, who invited, roadmap action owner,
    resources they wrote): those links become empty. Their address and testimonials leave
    what the organisations keep (_forget_address_and_words).
    """
    from axes.models import AccessAttempt

    from ambassadors.models import Event
    from maturity.models import RoadmapAction

    user = User.objects.select_for_update().get(pk=user.pk)
    reasons = deletion_blockers(user)
    if reasons:
        raise RgpdError(" ".join(reasons))
    for organisation in sole_member_organisations(user):
        erase_organisation(organisation)
    Event.objects.filter(organiser=user).delete()
    # History rows point at owners without a foreign key: cleared by hand.
    RoadmapAction.history.filter(owner_id=user.pk).update(owner_id=None)
    RoadmapAction.history.filter(history_user_id=user.pk).update(history_user_id=None)
    AccessAttempt.objects.filter(username__iexact=user.email).delete()
    _forget_address_and_words(user)
    user.delete()


# --- Inactive accounts ----------------------------------------------------------------------


def _with_last_activity(queryset):
    return queryset.annotate(last_activity=Coalesce("last_login", "date_joined"))


def warn_inactive_accounts(now=None) -> int:
    """E-mail accounts inactive for 23 months, once per period of inactivity. Idempotent."""
    now = now or timezone.now()
    due = (
        _with_last_activity(User.objects.filter(is_superuser=False, is_active=True))
        .filter(last_activity__lt=now - WARN_AFTER)
        .filter(
            Q(inactivity_warned_at__isnull=True) | Q(inactivity_warned_at__lt=F("last_activity"))
        )
    )
    sent = 0
    for user in due:
        with transaction.atomic():
            # The update is the lock: a second run (or a concurrent beat) finds nothing to do.
            claimed = (
                User.objects.filter(pk=user.pk)
                .filter(
                    Q(inactivity_warned_at__isnull=True)
                    | Q(inactivity_warned_at__lt=Coalesce("last_login", "date_joined"))
                )
                .update(inactivity_warned_at=now)
            )
            if not claimed:
                continue
            body = render_to_string(
                "accounts/email/inactivity_warning.txt",
                {
                    "user": user,
                    "site_name": settings.SITE_NAME,
                    "login_url": settings.SITE_URL + reverse("account_login"),
                    "deletion_date": date_format(
                        timezone.localtime(max(user.last_activity + DELETE_AFTER, now + NOTICE)),
                        "j F Y",
                    ),
                },
            )
            subject = _("Votre compte sera supprimé faute d'utilisation")
            transaction.on_commit(
                lambda to=[user.email], body=body, subject=subject: send_email.delay(
                    to=to, subject=subject, body=body
                )
            )
            sent += 1
    return sent


def _promote_successor(user: User) -> None:
    """For an inactive last admin: the longest-standing other member becomes admin."""
    for organisation in _blocking_organisations(user):
        successor = (
            organisation.memberships.active().exclude(user=user).order_by("created_at").first()
        )
        successor.role = Membership.Role.ADMIN
        successor.changed_by = None
        successor.save(update_fields=["role", "changed_by", "updated_at"])


def delete_inactive_accounts(now=None) -> int:
    """Delete accounts inactive for 24 months and warned at least 30 days ago. Idempotent."""
    now = now or timezone.now()
    due = (
        _with_last_activity(User.objects.filter(is_superuser=False))
        .filter(last_activity__lt=now - DELETE_AFTER)
        .filter(
            inactivity_warned_at__gte=F("last_activity"),
            inactivity_warned_at__lte=now - NOTICE,
        )
    )
    deleted = 0
    for user in due:
        with transaction.atomic():
            _promote_successor(user)
            try:
                delete_account(user)
            except RgpdError as exc:  # upcoming events after two years away: left to the CRESS
                log.warning("Inactive account %s kept: %s", user.pk, exc)
                continue
            deleted += 1
    return deleted


def purge_login_attempts(now=None) -> int:
    """Failed-login records (e-mail, IP, browser) kept one day after the cool-off at most."""
    from axes.models import AccessAttempt

    now = now or timezone.now()
    cutoff = now - settings.AXES_COOLOFF_TIME - timedelta(days=1)
    deleted, _ = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    return deleted
