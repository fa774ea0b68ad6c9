"""Any saved or deleted piece of the published catalogue changes its version, so that the API's
cached answers are recomputed (toolbox.catalogue_reads). Connected in ToolboxConfig.ready."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from toolbox.catalogue_reads import catalogue_changed
from toolbox.models import Alternative, HostingOffer, Need, ProprietaryProduct, Provider, Tool

CATALOGUE_MODELS = [Tool, HostingOffer, Provider, ProprietaryProduct, Alternative, Need]


def _changed(sender, **kwargs) -> None:
    catalogue_changed()


def connect() -> None:
    for model in CATALOGUE_MODELS:
        post_save.connect(_changed, sender=model, dispatch_uid=f"catalogue-save-{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"catalogue-delete-{model.__name__}"
        )
    m2m_changed.connect(_changed, sender=Tool.replaces.through, dispatch_uid="catalogue-replaces")
