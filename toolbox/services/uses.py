"""Declarations of use ("Nous l'utilisons"): an organisation says it uses a tool, with a
testimonial that the CRESS moderates."""

from django.utils.translation import gettext as _

from toolbox.models import Tool, ToolUse
from toolbox.services.shared import ModerationError


def declare_use(*, tool: Tool, organisation, user, testimonial: str = "") -> ToolUse:
    """One declaration per organisation and tool; a new testimonial goes back to moderation."""
    testimonial = testimonial.strip()
    status = ToolUse.TestimonialStatus.PENDING if testimonial else ToolUse.TestimonialStatus.NONE
    use, _created = ToolUse.objects.update_or_create(
        tool=tool,
        organisation=organisation,
        defaults={"declared_by": user, "testimonial": testimonial, "testimonial_status": status},
    )
    return use


def withdraw_use(*, tool: Tool, organisation) -> bool:
    deleted, _details = ToolUse.objects.filter(tool=tool, organisation=organisation).delete()
    return bool(deleted)


def moderate_testimonial(use: ToolUse, *, approve: bool) -> ToolUse:
    if use.testimonial_status != ToolUse.TestimonialStatus.PENDING:
        raise ModerationError(_("Ce témoignage a déjà été traité."))
    use.testimonial_status = (
        ToolUse.TestimonialStatus.APPROVED if approve else ToolUse.TestimonialStatus.REJECTED
    )
    use.save(update_fields=["testimonial_status"])
    return use
