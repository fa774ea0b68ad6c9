"""Form widgets shared by the apps."""

from django import forms
from django.template.loader import render_to_string
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
