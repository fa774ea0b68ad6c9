"""RGPD rights and retention: export and erasure of an organisation or of an account, and the
deletion of accounts left inactive for two years.

Exports are a zip holding each table twice: JSON (structured, for another tool) and CSV (for a
spreadsheet). Erasure deletes rows and the files stored for them; what it keeps is said in
`erase_organisation` and `delete_account`.

This module holds the machinery and the accounts app's own tables. It imports no other app:
each app declares its share of the personal data (a `Section`: its tables for an organisation
and for an account, what blocks an account's deletion, what to erase that cascades do not) in
its own rgpd.py, registered from its AppConfig.ready() with `register()`. Sections run in
registration order, which is INSTALLED_APPS order. The registry lives in accounts.rgpd_sections
(checked by mypy in strict mode) and is re-exported here.
"""

import io
import json
import logging
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import csvkit
from accounts.mail import send_after_commit
from accounts.models import (
    Invitation,
    JoinRequest,
    Membership,
    MembershipChange,
    Organisation,
    User,
)
from accounts.rgpd_sections import SECTIONS as SECTIONS
from accounts.rgpd_sections import Section as Section
from accounts.rgpd_sections import Tables as Tables
from accounts.rgpd_sections import register as register

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

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


def _value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    return value


def rows(queryset: Iterable[models.Model], *, exclude: Iterable[str] = ()) -> list[dict[str, Any]]:
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


def _csv_cell(value: Any) -> Any:
    # JSON for structures; csvkit.writer neutralises what a spreadsheet would run.
    if value is None:
        return ""
    if isinstance(value, dict | list):
        value = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return value


def to_csv(table: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    columns: list[str] = []
    for row in table:
        columns.extend(key for key in row if key not in columns)
    writer = csvkit.writer(out)
    writer.writerow(columns)
    for row in table:
        writer.writerow([_csv_cell(row.get(column)) for column in columns])
    return out.getvalue()


def build_zip(tables: Tables, readme: str) -> bytes:
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


def organisation_tables(organisation: Organisation) -> Tables:
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
    tables = {
        "organisation": rows([organisation]),
        "membres": members,
        "invitations": rows(Invitation.objects.filter(organisation=organisation)),
        "demandes_acces": rows(JoinRequest.objects.filter(organisation=organisation)),
        "changements_membres": rows(
            MembershipChange.objects.filter(organisation=organisation).order_by("pk")
        ),
    }
    for section in SECTIONS:
        tables.update(section.organisation_tables(organisation))
    return tables


def export_organisation(organisation: Organisation) -> bytes:
    readme = render_to_string(
        "accounts/export_readme.txt",
        {"subject": organisation.name, "now": timezone.now(), "site_name": settings.SITE_NAME},
    )
    return build_zip(organisation_tables(organisation), readme)


# --- Account export -------------------------------------------------------------------------


def _owned_relations() -> Iterator[tuple[type[models.Model], "models.Field[Any, Any]"]]:
    """(model, field) pairs of rows that belong to a user: deleted with the account or
    blocking its deletion. Rows the user only touched (decided_by, changed_by…) are not theirs."""
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.label.startswith(("axes.", "sessions.")) or model.__name__.startswith(
            "Historical"
        ):
            continue
        for field in model._meta.concrete_fields:
            remote = field.remote_field  # None unless the field is a relation
            if (
                remote is not None
                and field.related_model is User
                and (remote.on_delete is models.CASCADE or remote.on_delete is models.PROTECT)
            ):
                yield model, field


def account_tables(user: User) -> Tables:
    tables = {"compte": rows([user], exclude={"is_staff", "is_superuser"})}
    for model, field in _owned_relations():
        # Named after the table, not the app: a model moved to another app keeps its table,
        # and so its file name in the export.
        name = f"{model._meta.db_table}_{field.name}"
        # The default manager: `objects` on every model here, the one name a model class
        # is known to have.
        table = rows(model._default_manager.filter(**{field.name: user}).order_by("pk"))
        if table:
            tables[name] = table
    for section in SECTIONS:
        tables.update(section.account_tables(user))
    return tables


def export_account(user: User) -> bytes:
    readme = render_to_string(
        "accounts/export_readme.txt",
        {"subject": user.email, "now": timezone.now(), "site_name": settings.SITE_NAME},
    )
    return build_zip(account_tables(user), readme)


# --- Erasure --------------------------------------------------------------------------------


@transaction.atomic
def erase_organisation(organisation: Organisation) -> dict[str, int]:
    """Delete the organisation and everything about it, stored PDFs included.

    Cascades remove memberships, invitations, join requests, diagnostics with respondents,
    answers, inventories, results (snapshot and per-dimension rows), the roadmap with its
    actions and PDF exports, tool testimonials, support requests, adviser consents, access
    log, notes and recommendations. What has no foreign key is each app's section's to erase
    (maturity: the roadmap actions' history and the stored PDFs). Nothing organisation-level
    survives: the observatory computes its anonymised figures from the remaining results, so
    this organisation leaves them too. People's accounts survive (they may belong to other
    organisations).
    """
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    # Before the cascade: what each section must find again once the rows are gone.
    after_cascade = [section.erase_organisation(organisation) for section in SECTIONS]
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Organisation),
        object_id=str(organisation.pk),
    ).delete()
    _, deleted = organisation.delete()
    for finish in filter(None, after_cascade):
        finish()
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
    reasons = [
        _(
            "Vous êtes le·la dernier·e administrateur·rice de « %(name)s », qui compte d'autres membres : nommez d'abord une autre personne administratrice."
        )
        % {"name": organisation.name}
        for organisation in _blocking_organisations(user)
    ]
    for section in SECTIONS:
        reasons.extend(section.deletion_blockers(user))
    return reasons


@transaction.atomic
def delete_account(user: User) -> None:
    """Delete the account and what is only the person's.

    Refused (RgpdError) while they are the last admin of an organisation with other members,
    or organise upcoming events (each section's deletion_blockers). Organisations where they
    are the only member are erased. Their past and cancelled events are deleted with their
    registrations. Rows they only touched keep existing without them (who decided, who
    invited, roadmap action owner, resources they wrote): those links become empty. Their
    address and words leave what the organisations keep: invitations sent to the address go
    (they led to this person only), and each section's erase_account empties testimonials and
    takes the address off the names kept on advisers' notes, recommendations and readings.
    """
    from axes.models import AccessAttempt

    user = User.objects.select_for_update().get(pk=user.pk)
    reasons = deletion_blockers(user)
    if reasons:
        raise RgpdError(" ".join(reasons))
    for organisation in sole_member_organisations(user):
        erase_organisation(organisation)
    AccessAttempt.objects.filter(username__iexact=user.email).delete()
    Invitation.objects.filter(Q(email__iexact=user.email) | Q(accepted_by=user)).delete()
    for section in SECTIONS:
        section.erase_account(user)
    user.delete()


# --- Inactive accounts ----------------------------------------------------------------------


class _LastActivity(TypedDict):
    last_activity: datetime


def _with_last_activity(
    queryset: models.QuerySet[User],
) -> "models.QuerySet[WithAnnotations[User, _LastActivity]]":
    return queryset.annotate(last_activity=Coalesce("last_login", "date_joined"))


def warn_inactive_accounts(now: datetime | None = None) -> int:
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
            send_after_commit(
                to=[user.email],
                subject=_("Votre compte sera supprimé faute d'utilisation"),
                template="accounts/email/inactivity_warning.txt",
                context={
                    "user": user,
                    "login_url": settings.SITE_URL + reverse("account_login"),
                    "deletion_date": date_format(
                        timezone.localtime(max(user.last_activity + DELETE_AFTER, now + NOTICE)),
                        "j F Y",
                    ),
                },
            )
            sent += 1
    return sent


def _promote_successor(user: User) -> None:
    """For an inactive last admin: the longest-standing other member becomes admin."""
    for organisation in _blocking_organisations(user):
        successor = (
            organisation.memberships.active().exclude(user=user).order_by("created_at").first()
        )
        assert successor is not None  # the organisation blocks because it has other members
        successor.role = Membership.Role.ADMIN
        successor.changed_by = None
        successor.save(update_fields=["role", "changed_by", "updated_at"])


def delete_inactive_accounts(now: datetime | None = None) -> int:
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


def purge_login_attempts(now: datetime | None = None) -> int:
    """Failed-login records (e-mail, IP, browser) kept one day after the cool-off at most."""
    from axes.models import AccessAttempt

    now = now or timezone.now()
    cutoff = now - settings.AXES_COOLOFF_TIME - timedelta(days=1)
    deleted: int
    deleted, _ = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    return deleted
