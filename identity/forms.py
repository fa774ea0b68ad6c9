"""The admin's form for the identity: a logo sent as a file or pasted, made harmless; colours
that keep white text readable; a SIRET that exists."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.fr import siret as stdnum_siret

from identity import contrast, svg
from identity.models import InstanceIdentity


def _ratio(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


# The identity's fields by section, in the order the admin shows them.
SECTIONS = [
    (gettext_lazy("Qui propose le service"), ["operator_name", "short_name", "is_demo"]),
    (gettext_lazy("Logo et couleurs"), ["logo_svg", "brand_colour", "accent_colour"]),
    (
        gettext_lazy("Mentions légales : éditeur"),
        [
            "legal_form",
            "siret",
            "address",
            "phone",
            "contact_email",
            "website",
            "publication_director",
        ],
    ),
    (gettext_lazy("Protection des données"), ["dpo_name", "dpo_email"]),
    (gettext_lazy("Hébergeur"), ["host_name", "host_address", "host_phone"]),
]


class InstanceIdentityForm(forms.ModelForm):
    logo_file = forms.FileField(
        label=gettext_lazy("Envoyer un logo (fichier SVG)"),
        required=False,
        help_text=gettext_lazy(
            "50 ko au plus. Il remplace le logo actuel. Les couleurs écrites dans une feuille de "
            "style (élément style du SVG) ne sont pas gardées : enregistrez-le en « SVG "
            "optimisé » (Inkscape) ou avec des attributs de présentation (Illustrator)."
        ),
    )

    # Longer than the 14 digits it keeps: a SIRET is often written in groups (900 000 001 00017).
    siret = forms.CharField(label=gettext_lazy("SIRET"), max_length=20, required=False)

    class Meta:
        model = InstanceIdentity
        fields = [name for _title, names in SECTIONS for name in names]
        widgets = {
            "brand_colour": forms.TextInput(attrs={"size": 8, "placeholder": "#0b5a48"}),
            "accent_colour": forms.TextInput(attrs={"size": 8, "placeholder": "#8a3b00"}),
            "address": forms.Textarea(attrs={"rows": 3}),
            "host_address": forms.Textarea(attrs={"rows": 3}),
            "logo_svg": forms.Textarea(attrs={"rows": 6}),
        }

    def _colour(self, name: str) -> str:
        raw = self.cleaned_data.get(name, "")
        colour = contrast.normalise(raw)
        if colour is None:
            raise forms.ValidationError(
                _("« %(value)s » n’est pas une couleur : écrivez-la en hexadécimal, comme #0b5a48.")
                % {"value": raw},
                code="colour_format",
            )
        ratio = contrast.contrast_ratio(colour, contrast.WHITE)
        if ratio < contrast.AA_TEXT:
            raise forms.ValidationError(
                _(
                    "Cette couleur contraste à %(ratio)s:1 seulement avec le blanc : il faut "
                    "4,5:1 au moins pour que les textes et les boutons restent lisibles. Une "
                    "teinte plus foncée convient, par exemple %(suggestion)s."
                )
                % {"ratio": _ratio(ratio), "suggestion": contrast.darkest_readable(colour)},
                code="colour_contrast",
            )
        return colour

    def clean_brand_colour(self) -> str:
        return self._colour("brand_colour")

    def clean_accent_colour(self) -> str:
        return self._colour("accent_colour")

    def clean_siret(self) -> str:
        value = "".join(self.cleaned_data.get("siret", "").split())
        if value and not (value.isdigit() and len(value) == 14 and stdnum_siret.is_valid(value)):
            raise forms.ValidationError(
                _("Ce SIRET n’est pas valide : 14 chiffres, dont une clé de contrôle."),
                code="siret",
            )
        return value

    def _logo(self, data: bytes | str) -> str:
        try:
            return svg.sanitise(data).svg
        except svg.SvgRefused as exc:
            raise forms.ValidationError(str(exc), code="logo") from exc

    def clean_logo_svg(self) -> str:
        value = self.cleaned_data.get("logo_svg", "").strip()
        return self._logo(value) if value else ""

    def clean_logo_file(self):
        upload = self.cleaned_data.get("logo_file")
        if upload is None:
            return None
        if upload.size > svg.MAX_BYTES:
            # Not read at all: the size is enough to refuse it.
            raise forms.ValidationError(str(svg.too_big(upload.size)), code="logo")
        return self._logo(upload.read())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("logo_file"):
            cleaned["logo_svg"] = cleaned["logo_file"]
        return cleaned
