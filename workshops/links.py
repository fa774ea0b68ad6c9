"""What the diagnostic's page shows of the workshops (registered in maturity.hooks)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from workshops.models import Workshop


def diagnostic_links(diagnostic, membership) -> list[tuple[str, str]]:
    """For the organisation's admins, while the diagnostic is in progress: its open workshop,
    or the page to open one."""
    if not membership.is_admin or diagnostic.is_completed:
        return []
    workshop = Workshop.objects.open().filter(diagnostic=diagnostic).only("pk").first()
    if workshop is not None:
        return [
            (_("Reprendre l'atelier en cours"), reverse("workshops:detail", args=[workshop.pk]))
        ]
    return [
        (
            _("Animer un atelier en équipe"),
            reverse("workshops:new", args=[diagnostic.organisation_id]),
        )
    ]
