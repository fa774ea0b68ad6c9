from django import template

register = template.Library()


@register.filter
def lookup(mapping, key):
    """mapping[key] or None: answers and errors are dicts keyed by question id."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def chosen(answer, choice_id) -> bool:
    return bool(answer) and choice_id in answer.choice_ids


@register.filter
def score_display(value) -> str:
    return "—" if value is None else f"{value:.0f}"
