"""Form widgets shared by the apps."""

from django import forms
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """A long list of choices (départements by région, tools by usage) as checkboxes, one
    fieldset per group, with a text field that narrows the list (static/js/choice-filter.js
    shows it and hides what does not match). Without JavaScript the grouped checkboxes work
    alone: nothing to hold down, as a multiple select needs Ctrl.

    The field's choices are grouped: [(group label, [(value, label), …]), …]."""

    template_name = "includes/grouped_checkboxes.html"

    def render(self, name, value, attrs=None, renderer=None):
        # The project's templates, like every page (the form renderer reads Django's own).
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))


class DatalistInput(forms.TextInput):
    """A text input with suggestions (a <datalist>, native to the browser, no script): the
    person picks a common value or types any other one."""

    def __init__(self, suggestions, attrs=None):
        super().__init__(attrs)
        self.suggestions = tuple(suggestions)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or name}-suggestions"
        attrs["list"] = list_id
        options = format_html_join(
            "", '<option value="{}"></option>', ((suggestion,) for suggestion in self.suggestions)
        )
        return super().render(name, value, attrs, renderer) + format_html(
            '<datalist id="{}">{}</datalist>', list_id, options
        )


class InlineRadios(forms.RadioSelect):
    """A few choices side by side, each a label holding its radio, without a wrapper each:
    for forms repeated many times on one page (the workshop's decisions), where Django's
    markup doubles the elements (EcoIndex)."""

    template_name = "includes/inline_radios.html"

    def render(self, name, value, attrs=None, renderer=None):
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))
