"""An invitation sent for a référent·e named in a workshop, once accepted, makes its holder
the owner of the actions named for them. accounts sits below the workshops and cannot call
them: the workshops listen to its invitations being saved."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import Invitation


@receiver(post_save, sender=Invitation, dispatch_uid="workshops_invitation_accepted")
def invitation_accepted(sender, instance, update_fields=None, **kwargs):
    if instance.accepted_by_id is None or (
        update_fields is not None and "accepted_by" not in update_fields
    ):
        return
    from workshops import services

    services.owner_from_invitation(instance, instance.accepted_by)
