"""Work on organisations and memberships that spans models or has side effects.

Each function is atomic and raises MembershipError with a French message the view shows as is.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import hooks
from accounts.mail import send_after_commit
from accounts.models import (
    Invitation,
    JoinRequest,
    Membership,
    MembershipChange,
    Organisation,
    User,
)


class MembershipError(Exception):
    """A rule about memberships was broken; the message is for the user."""


@transaction.atomic
def register_organisation(*, user: User, organisation: Organisation) -> Organisation:
    """Create the organisation with the registering person as its first admin."""
    organisation.created_by = user
    organisation.save()
    Membership.objects.create(
        user=user, organisation=organisation, role=Membership.Role.ADMIN, changed_by=user
    )
    return organisation


def _lock_admins(organisation: Organisation) -> list[Membership]:
    # Locking the admin rows serialises concurrent removals, so two admins cannot remove
    # each other at the same time and leave the organisation without one.
    return list(
        Membership.objects.select_for_update()
        .filter(organisation=organisation, is_active=True, role=Membership.Role.ADMIN)
        .order_by("pk")
    )


@transaction.atomic
def change_role(*, membership: Membership, role: str, by: User) -> Membership:
    if role not in Membership.Role.values:
        raise MembershipError(_("Ce rôle n'existe pas."))
    if not membership.is_active:
        raise MembershipError(_("Cette personne ne fait plus partie de l'organisation."))
    if membership.role == Membership.Role.ADMIN and role != Membership.Role.ADMIN:
        admins = _lock_admins(membership.organisation)
        if len(admins) <= 1:
            raise MembershipError(
                _(
                    "C'est le·la dernier·e administrateur·rice : nommez d'abord une autre personne administratrice."
                )
            )
    membership.role = role
    membership.changed_by = by
    membership.save(update_fields=["role", "changed_by", "updated_at"])
    return membership


@transaction.atomic
def deactivate_membership(*, membership: Membership, by: User) -> Membership:
    """Remove a member (by an admin) or leave (by oneself). The row is kept, deactivated."""
    if not membership.is_active:
        raise MembershipError(_("Cette personne ne fait déjà plus partie de l'organisation."))
    if membership.role == Membership.Role.ADMIN:
        admins = _lock_admins(membership.organisation)
        if len(admins) <= 1:
            if membership.user_id == by.pk:
                raise MembershipError(
                    _(
                        "Vous êtes le·la dernier·e administrateur·rice : nommez d'abord une autre personne administratrice avant de partir."
                    )
                )
            raise MembershipError(
                _("Impossible de retirer le·la dernier·e administrateur·rice de l'organisation.")
            )
    membership.is_active = False
    membership.changed_by = by
    membership.save(update_fields=["is_active", "changed_by", "updated_at"])
    return membership


def membership_states(organisation: Organisation) -> dict[int, tuple[int, str, bool]]:
    """Each membership of the organisation, by id: (user id, role, active)."""
    return {
        pk: (user_id, role, is_active)
        for pk, user_id, role, is_active in Membership.objects.filter(
            organisation=organisation
        ).values_list("pk", "user_id", "role", "is_active")
    }


def record_membership_changes(
    *, organisation: Organisation, before: dict[int, tuple[int, str, bool]], by: User
) -> list[MembershipChange]:
    """Note for the organisation's admins what `by` changed in its memberships since `before`
    (from membership_states), outside the organisation's own pages."""
    after = membership_states(organisation)
    # (action, user id, role before, role after, active before, active after)
    changes = []
    for pk in sorted(before.keys() | after.keys()):
        old, new = before.get(pk), after.get(pk)
        if old == new:
            continue
        if old is not None and new is not None and old[0] == new[0]:
            changes.append(("changed", new[0], old[1], new[1], old[2], new[2]))
            continue
        # A row now pointing at someone else: one person out, another in.
        if old is not None:
            changes.append(("removed", old[0], old[1], "", old[2], None))
        if new is not None:
            changes.append(("added", new[0], "", new[1], None, new[2]))
    names = {
        user.pk: user.display_name
        for user in User.objects.filter(pk__in={change[1] for change in changes})
    }
    return MembershipChange.objects.bulk_create(
        MembershipChange(
            organisation=organisation,
            actor=by,
            actor_name=by.display_name,
            member_id=user_id,
            member_name=names.get(user_id, ""),
            action=action,
            role_before=role_before,
            role_after=role_after,
            active_before=active_before,
            active_after=active_after,
        )
        for action, user_id, role_before, role_after, active_before, active_after in changes
    )


@transaction.atomic
def invite(*, organisation: Organisation, email: str, role: str, invited_by: User) -> Invitation:
    email = email.strip().lower()
    if Membership.objects.filter(
        organisation=organisation, user__email__iexact=email, is_active=True
    ).exists():
        raise MembershipError(_("Cette personne fait déjà partie de l'organisation."))
    # A new invitation replaces any pending one, so only the latest link works.
    Invitation.objects.pending().filter(organisation=organisation, email=email).update(
        revoked_at=timezone.now()
    )
    invitation, token = Invitation.new(
        organisation=organisation, email=email, role=role, invited_by=invited_by
    )
    invitation.save()
    send_after_commit(
        to=[email],
        subject=_("Invitation à rejoindre %(organisation)s") % {"organisation": organisation.name},
        template="accounts/email/invitation.txt",
        context={
            "invitation": invitation,
            "url": settings.SITE_URL + reverse("invitation_accept", args=[token]),
            "days": settings.INVITATION_VALIDITY_DAYS,
        },
    )
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise MembershipError(_("Cette invitation a déjà été utilisée."))
    if invitation.revoked_at is not None:
        raise MembershipError(
            _("Cette invitation a été annulée ou remplacée par une plus récente.")
        )
    if invitation.is_expired:
        raise MembershipError(
            _(
                "Cette invitation a expiré. Demandez à un·e administrateur·rice de l'organisation de vous en envoyer une nouvelle."
            )
        )
    if invitation.email != user.email.lower():
        raise MembershipError(
            _(
                "Cette invitation a été envoyée à une autre adresse e-mail que celle de votre compte (%(email)s). Connectez-vous avec le compte de l'adresse invitée."
            )
            % {"email": user.email}
        )
    membership, created = Membership.objects.get_or_create(
        user=user,
        organisation=invitation.organisation,
        defaults={"role": invitation.role, "changed_by": invitation.invited_by},
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.role = invitation.role
        membership.changed_by = invitation.invited_by
        membership.save(update_fields=["is_active", "role", "changed_by", "updated_at"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    hooks.invitation_accepted(invitation, user)
    return membership


def revoke_invitation(*, invitation: Invitation) -> None:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def request_join(*, user: User, organisation: Organisation, message: str) -> JoinRequest:
    if Membership.objects.filter(user=user, organisation=organisation, is_active=True).exists():
        raise MembershipError(_("Vous faites déjà partie de cette organisation."))
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(
                user=user, organisation=organisation, message=message
            )
    except IntegrityError as exc:
        raise MembershipError(
            _(
                "Vous avez déjà une demande en attente pour cette organisation : ses administrateur·rices ont été prévenu·es."
            )
        ) from exc
    admins = [u.email for u in organisation.active_admins()]
    if admins:
        send_after_commit(
            to=admins,
            subject=_("%(person)s demande à rejoindre %(organisation)s")
            % {"person": user.display_name, "organisation": organisation.name},
            template="accounts/email/join_request.txt",
            context={
                "join_request": join_request,
                "url": settings.SITE_URL + reverse("organisation_members", args=[organisation.pk]),
            },
        )
    return join_request


@transaction.atomic
def decide_join_request(*, join_request: JoinRequest, accept: bool, by: User) -> None:
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        raise MembershipError(_("Cette demande a déjà été traitée."))
    join_request.status = JoinRequest.Status.ACCEPTED if accept else JoinRequest.Status.DECLINED
    join_request.decided_at = timezone.now()
    join_request.decided_by = by
    join_request.save(update_fields=["status", "decided_at", "decided_by"])
    if accept:
        membership, created = Membership.objects.get_or_create(
            user=join_request.user,
            organisation=join_request.organisation,
            defaults={"role": Membership.Role.MEMBER, "changed_by": by},
        )
        if not created and not membership.is_active:
            membership.is_active = True
            membership.role = Membership.Role.MEMBER
            membership.changed_by = by
            membership.save(update_fields=["is_active", "role", "changed_by", "updated_at"])
    send_after_commit(
        to=[join_request.user.email],
        subject=_("Votre demande pour rejoindre %(organisation)s")
        % {"organisation": join_request.organisation.name},
        template="accounts/email/join_request_decided.txt",
        context={"join_request": join_request, "accepted": accept},
    )


# --- Home pages -----------------------------------------------------------------------------


def waiting_for(user: User) -> tuple[list[JoinRequest], list[Invitation]]:
    """What the person is waiting for: their requests to join an organisation not decided yet,
    and the live invitations sent to their address (accepted through the e-mailed link, whose
    token only the e-mail holds). Two queries."""
    requests = list(
        JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING)
        .select_related("organisation")
        .order_by("-created_at")
    )
    invitations = list(
        Invitation.objects.pending()
        .filter(email=user.email.lower())
        .exclude(organisation__memberships__user=user, organisation__memberships__is_active=True)
        .select_related("organisation", "invited_by")
        .order_by("-created_at")
    )
    return requests, invitations
