"""Publication states: draft → in review → published → archived, and back where it makes sense.
A change of state is not a change of content: it is recorded in the history (who, when, why) but
does not bump `Tool.version`, so proposals pending on the tool's content do not conflict with it.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from toolbox.catalogue_changes import catalogue_changed
from toolbox.models import Tool, ToolStatus
from toolbox.services.shared import ModerationError


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    label: str  # the button
    history: str  # the history's reason when none is given
    reason_required: bool = False


TRANSITIONS = {
    (t.source, t.target): t
    for t in [
        Transition(
            ToolStatus.DRAFT,
            ToolStatus.IN_REVIEW,
            _("Envoyer en relecture"),
            _("Envoi en relecture"),
        ),
        Transition(ToolStatus.IN_REVIEW, ToolStatus.PUBLISHED, _("Publier"), _("Publication")),
        Transition(
            ToolStatus.IN_REVIEW,
            ToolStatus.DRAFT,
            _("Renvoyer en brouillon"),
            _("Renvoi en brouillon"),
            reason_required=True,
        ),
        Transition(
            ToolStatus.PUBLISHED,
            ToolStatus.ARCHIVED,
            _("Archiver"),
            _("Archivage"),
            reason_required=True,
        ),
        Transition(
            ToolStatus.PUBLISHED,
            ToolStatus.DRAFT,
            _("Retirer du catalogue (brouillon)"),
            _("Retrait du catalogue"),
            reason_required=True,
        ),
        Transition(
            ToolStatus.ARCHIVED,
            ToolStatus.PUBLISHED,
            _("Republier"),
            _("Republication"),
            reason_required=True,
        ),
        Transition(
            ToolStatus.ARCHIVED,
            ToolStatus.DRAFT,
            _("Renvoyer en brouillon"),
            _("Renvoi en brouillon"),
        ),
    ]
}
# simple_history keeps at most 100 characters of reason.
STATUS_REASON_MAX_LENGTH = 100


def allowed_transitions(tool: Tool) -> list[Transition]:
    return [t for (source, _target), t in TRANSITIONS.items() if source == tool.status]


@transaction.atomic
def change_status(tool: Tool, *, to: str, moderator, reason: str = "") -> Tool:
    """Move a tool to another publication state, if that move is allowed from its current one."""
    tool = Tool.objects.select_for_update().get(pk=tool.pk)
    transition = TRANSITIONS.get((tool.status, to))
    if transition is None:
        labels = dict(ToolStatus.choices)
        raise ModerationError(
            _("Un outil « %(source)s » ne peut pas passer à « %(target)s ».")
            % {"source": labels[tool.status], "target": labels.get(to, to)}
        )
    reason = " ".join(reason.split())
    if transition.reason_required and not reason:
        raise ModerationError(
            _("Indiquez la raison de ce changement (« %(label)s ») : elle reste dans l'historique.")
            % {"label": transition.label}
        )
    tool.status = to
    tool._history_user = moderator
    tool._change_reason = (reason or transition.history)[:STATUS_REASON_MAX_LENGTH]
    tool.save(update_fields=["status", "updated_at"])
    # Published or withdrawn: the API and the open-data files change with it.
    catalogue_changed()
    return tool


def last_status_change(tool: Tool):
    """The history version that put the tool in its current state (for "archivé depuis le…")."""
    versions = list(
        tool.history.select_related("history_user").order_by("-history_date", "-history_id")[:50]
    )
    change = None
    for version in versions:
        if version.status != tool.status:
            break
        change = version
    return change
