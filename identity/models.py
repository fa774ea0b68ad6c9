"""The instance's identity: one row, who runs the service and what the legal notices say."""

from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The platform's own colours (static/css/app.css): an instance that keeps them needs no
# stylesheet of its own, so no extra request.
DEFAULT_BRAND = "#0b5a48"
DEFAULT_ACCENT = "#8a3b00"
SINGLETON_PK = 1


class InstanceIdentity(models.Model):
    """Who runs this instance. Always the row of primary key 1: saving makes it that row."""

    operator_name = models.CharField(
        _("nom de la structure qui propose le service"),
        max_length=150,
        blank=True,
        help_text=_("Par exemple « CRESS Nouvelle-Aquitaine ». Affiché sur chaque page et PDF."),
    )
    short_name = models.CharField(
        _("nom court"),
        max_length=40,
        blank=True,
        help_text=_("Par exemple « CRESS NA » : l’en-tête l’affiche à côté du logo."),
    )
    is_demo = models.BooleanField(
        _("instance de démonstration"),
        default=False,
        help_text=_("Un bandeau « Instance de démonstration » sur chaque page et sur les PDF."),
    )
    logo_svg = models.TextField(
        _("logo (SVG)"),
        blank=True,
        help_text=_(
            "Le code du logo, nettoyé : seuls les éléments de dessin sont gardés (ni script, ni "
            "lien, ni image externe). Videz ce champ pour retirer le logo."
        ),
    )
    brand_colour = models.CharField(
        _("couleur principale"),
        max_length=7,
        default=DEFAULT_BRAND,
        help_text=_(
            "En-tête, boutons et liens, en hexadécimal (#0b5a48). Elle doit contraster à 4,5:1 "
            "au moins avec le blanc."
        ),
    )
    accent_colour = models.CharField(
        _("couleur d’accent"),
        max_length=7,
        default=DEFAULT_ACCENT,
        help_text=_("Avertissements et repères, en hexadécimal ; même exigence de contraste."),
    )
    legal_form = models.CharField(
        _("forme juridique"),
        max_length=100,
        blank=True,
        help_text=_("Par exemple « Association loi 1901 »."),
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    address = models.TextField(_("adresse du siège"), max_length=400, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("adresse e-mail de contact"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    publication_director = models.CharField(
        _("directeur·rice de la publication"), max_length=150, blank=True
    )
    dpo_name = models.CharField(
        _("délégué·e à la protection des données"),
        max_length=150,
        blank=True,
        help_text=_("Nom, ou fonction (« Délégué à la protection des données de la CRESS »)."),
    )
    dpo_email = models.EmailField(_("adresse e-mail du ou de la délégué·e"), blank=True)
    host_name = models.CharField(_("hébergeur"), max_length=150, blank=True)
    host_address = models.TextField(_("adresse de l’hébergeur"), max_length=400, blank=True)
    host_phone = models.CharField(_("téléphone de l’hébergeur"), max_length=30, blank=True)
    updated_at = models.DateTimeField(_("dernière mise à jour"), auto_now=True)

    class Meta:
        verbose_name = _("identité de l’instance")
        verbose_name_plural = _("identité de l’instance")
        constraints = [
            models.CheckConstraint(condition=Q(pk=SINGLETON_PK), name="one_instance_identity")
        ]

    def __str__(self):
        return str(self.operator_name or _("Identité de l’instance"))

    def save(self, *args, **kwargs):
        self.pk = SINGLETON_PK
        super().save(*args, **kwargs)
        self._forget()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self._forget()
        return result

    def _forget(self) -> None:
        from identity import services

        # At once for this process, and again after the commit: a page read meanwhile, in
        # another process, would have put the old row back in the cache.
        services.forget()
        transaction.on_commit(services.forget)
