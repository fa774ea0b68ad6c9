"""Messages relayed to ambassadors, and fiches pratiques submitted and moderated."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.mail import send_after_commit
from accounts.models import User
from ambassadors.models import Ambassador, Resource
from ambassadors.services.shared import absolute_url, cress_admin_emails


def contact_ambassador(*, ambassador: Ambassador, sender: User, message: str) -> None:
    """The platform relays a message; the ambassador's address stays hidden, the sender's is given
    so they can answer."""
    send_after_commit(
        to=[ambassador.user.email],
        subject=_("Message de %s via la Boussole") % sender.display_name,
        template="ambassadors/email/contact.txt",
        context={"ambassador": ambassador, "sender": sender, "message": message},
    )


@transaction.atomic
def submit_resource(*, resource: Resource, author: User) -> Resource:
    resource.author = author
    resource.status = Resource.Status.PENDING
    resource.published_at = None
    resource.save()
    send_after_commit(
        to=cress_admin_emails(),
        subject=_("Fiche pratique à relire : %s") % resource.title,
        template="ambassadors/email/resource_submitted.txt",
        context={"resource": resource, "url": absolute_url(reverse("ambassadors:cress"))},
    )
    return resource


@transaction.atomic
def moderate_resource(
    *, resource: Resource, publish: bool, by: User, message: str = ""
) -> Resource:
    resource.status = Resource.Status.PUBLISHED if publish else Resource.Status.REJECTED
    resource.published_at = timezone.now() if publish else None
    resource.moderated_by = by
    resource.moderation_message = message
    resource.save()
    if resource.author:
        send_after_commit(
            to=[resource.author.email],
            subject=(_("Votre fiche est publiée : %s") if publish else _("Votre fiche : %s"))
            % resource.title,
            template="ambassadors/email/resource_moderated.txt",
            context={
                "resource": resource,
                "published": publish,
                "message": message,
                "url": absolute_url(resource.get_absolute_url()),
            },
        )
    return resource
