from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.widgets import InlineRadios
from workshops.models import CODE_ALPHABET, CODE_LENGTH, DEFAULT_GROUPS, Workshop, normalise_code
from workshops.services import MAX_TIMER_MINUTES

MAX_GROUPS = 8
GROUP_MAX_LENGTH = 60


class CodeField(forms.CharField):
    """A join code as people type it: any case, spaces or dashes between the characters."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value):
        value = normalise_code(super().clean(value))
        if len(value) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in value):
            raise forms.ValidationError(
                _(
                    "Un code d'atelier compte 6 caractères, lettres et chiffres (sans 0, O, 1 "
                    "ni I) : recopiez celui affiché à l'écran."
                )
            )
        return value


class JoinCodeForm(forms.Form):
    code = CodeField(
        label=_("Code de l'atelier"),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_("Les 6 caractères affichés à l'écran, par exemple K7M3QX."),
    )


class GroupForm(forms.Form):
    group = forms.TypedChoiceField(
        label=_("Votre groupe"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez votre groupe pour rejoindre l'atelier.")},
    )

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = list(enumerate(workshop.groups))


def _groups_text(groups) -> str:
    return "\n".join(groups)


class WorkshopForm(forms.Form):
    title = forms.CharField(
        label=_("Titre de l'atelier"),
        max_length=150,
        help_text=_("Par exemple : « Atelier diagnostic du 12 mars »."),
    )
    groups = forms.CharField(
        label=_("Groupes proposés aux participant·es"),
        widget=forms.Textarea(attrs={"rows": 5}),
        initial=_groups_text(DEFAULT_GROUPS),
        max_length=1000,
        help_text=_(
            "Un groupe par ligne, de 2 à 8. Les réponses d'un groupe de moins de 3 personnes ne "
            "sont jamais montrées seules."
        ),
    )
    pace = forms.ChoiceField(
        label=_("Rythme"),
        choices=Workshop.Pace.choices,
        initial=Workshop.Pace.FACILITATOR,
        widget=forms.RadioSelect,
    )

    def clean_groups(self):
        groups = []
        for line in self.cleaned_data["groups"].splitlines():
            label = " ".join(line.split())
            if not label:
                continue
            if len(label) > GROUP_MAX_LENGTH:
                raise forms.ValidationError(
                    _("Le groupe « %(g)s… » dépasse %(n)s caractères.")
                    % {"g": label[:20], "n": GROUP_MAX_LENGTH}
                )
            if label.casefold() in {g.casefold() for g in groups}:
                raise forms.ValidationError(
                    _("Le groupe « %(g)s » apparaît deux fois.") % {"g": label}
                )
            groups.append(label)
        if not 2 <= len(groups) <= MAX_GROUPS:
            raise forms.ValidationError(
                _("Indiquez entre 2 et %(n)s groupes, un par ligne.") % {"n": MAX_GROUPS}
            )
        return groups


class EventWorkshopForm(WorkshopForm):
    event = forms.ModelChoiceField(
        label=_("Événement"), queryset=None, required=False, empty_label=_("— Aucun —")
    )

    def __init__(self, *args, events, event_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["event"]
        field.queryset = events
        field.required = event_required
        field.label_from_instance = lambda e: f"{e.title} ({e.starts_at:%d/%m/%Y})"
        if event_required:
            field.help_text = _("Un atelier collectif se tient lors de l'un de vos événements.")
            field.error_messages["required"] = _("Choisissez l'un de vos événements.")


class LinkForm(forms.Form):
    code = CodeField(
        label=_("Code de l'atelier collectif"),
        help_text=_("Le code que l'animateur·rice de l'événement communique aux organisations."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Votre organisation"),
        queryset=None,
        error_messages={"required": _("Choisissez l'organisation qui participe.")},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ControlForm(forms.Form):
    ACTIONS = [("dimension", "dimension"), ("pace", "pace"), ("stop_timer", "stop_timer")]
    action = forms.ChoiceField(choices=ACTIONS)
    dimension = forms.ChoiceField(label=_("Dimension à ouvrir"), required=False, choices=())
    minutes = forms.IntegerField(
        label=_("Minuterie (minutes, facultatif)"),
        required=False,
        min_value=1,
        max_value=MAX_TIMER_MINUTES,
    )
    pace = forms.ChoiceField(label=_("Rythme"), required=False, choices=Workshop.Pace.choices)

    def __init__(self, *args, dimensions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimension"].choices = [(d.code, d.title) for d in dimensions]

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "dimension" and not data.get("dimension"):
            self.add_error("dimension", _("Choisissez la dimension à ouvrir."))
        if action == "pace" and not data.get("pace"):
            self.add_error("pace", _("Choisissez un rythme."))
        return data


class AgendaItemForm(forms.Form):
    discussed = forms.BooleanField(label=_("Discutée"), required=False)
    note = forms.CharField(
        label=_("Note de la discussion"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Choix de l'atelier"),
        choices=[("keep", _("Retenir")), ("set_aside", _("Écarter"))],
        widget=InlineRadios,
        error_messages={"required": _("Choisissez de retenir ou d'écarter l'action.")},
    )
    reason = forms.CharField(
        label=_("Pourquoi l'écarter ? (facultatif)"), required=False, max_length=300
    )
    owner = forms.ModelChoiceField(
        label=_("Responsable (membre de l'organisation)"),
        queryset=None,
        required=False,
        empty_label=_("— Personne —"),
    )
    referent_name = forms.CharField(
        label=_("Ou un·e référent·e sans compte : son nom"), required=False, max_length=150
    )
    referent_email = forms.EmailField(label=_("Son adresse e-mail (facultatif)"), required=False)
    # The format in the label rather than in a help text: this form is repeated for each action
    # to do first, and an element less each keeps the page light (EcoIndex).
    due_date = forms.DateField(
        label=_("Échéance (jj/mm/aaaa)"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )

    def __init__(self, *args, organisation_id, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        field.queryset = User.objects.filter(
            memberships__organisation_id=organisation_id, memberships__is_active=True
        ).order_by("last_name", "email")
        field.label_from_instance = lambda u: u.display_name

    def clean(self):
        data = super().clean()
        keep = data.get("decision") == "keep"
        has_referent = bool(data.get("referent_name") or data.get("referent_email"))
        if data.get("owner") and has_referent:
            raise forms.ValidationError(
                _("Choisissez un·e membre ou indiquez un·e référent·e sans compte, pas les deux.")
            )
        if data.get("referent_email") and not data.get("referent_name"):
            self.add_error("referent_name", _("Indiquez aussi le nom de la personne."))
        if not keep and (data.get("owner") or has_referent or data.get("due_date")):
            raise forms.ValidationError(
                _("Une action écartée n'a ni responsable ni échéance : retirez-les ou retenez-la.")
            )
        due = data.get("due_date")
        if due and due.year > timezone.localdate().year + 20:
            self.add_error("due_date", _("Choisissez une échéance dans les vingt ans."))
        return data
