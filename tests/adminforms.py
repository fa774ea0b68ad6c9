"""POST data for Django admin pages, as a browser would send them back unchanged."""

from django import forms


def _form_fields(form) -> dict:
    """What a browser would send back for an unchanged form (initial values, checked boxes)."""
    data = {}
    for bound in form:
        value = bound.value()
        widget = bound.field.widget
        widget = getattr(widget, "widget", widget)  # the admin's related-field wrapper
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(widget, forms.MultiWidget):  # date and time in two inputs
            parts = value if isinstance(value, list) else widget.decompress(value)
            for suffix, part in zip(widget.widgets_names, parts, strict=True):
                data[bound.html_name + suffix] = "" if part is None else part
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
        else:
            data[bound.html_name] = "" if value is None else value
    return data


def admin_form_data(response) -> dict:
    """The POST data of an admin add or change page as shown, inlines included."""
    data = _form_fields(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(_form_fields(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(_form_fields(form))
    return data
