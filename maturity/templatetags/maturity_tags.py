from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from maturity.scoring import display_score

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
    """A score in a table or a text: the same whole number as the charts and the exports."""
    return "—" if value is None else str(display_score(value))


def _choice_markup(question, compact: bool = False) -> tuple[tuple[int, str, str], ...]:
    """Each choice's input and label as the markup before and after its checked/disabled
    flags. A question's choices never change once loaded (structure.py), so this is built
    once per question and kept on it, as functools.cached_property would. Compact: without a
    list item each (the discovery form lays input and label out in a grid: fewer elements)."""
    key = "_choice_markup_compact" if compact else "_choice_markup"
    markup = question.__dict__.get(key)
    if markup is None:
        kind = "checkbox" if question.is_multiple else "radio"
        start, end = ("", "") if compact else ("<li>\n              ", "\n            </li>")
        markup = tuple(
            (
                choice.id,
                f'{start}<input type="{kind}" id="q{question.id}-c{choice.id}"'
                f' name="q{question.id}" value="{choice.id}"',
                f'>\n              <label for="q{question.id}-c{choice.id}">'
                f"{escape(choice.label)}</label>{end}\n",
            )
            for choice in question.choices
        )
        # The structure's objects are frozen dataclasses: write the cache past __setattr__.
        question.__dict__[key] = markup
    return markup


@register.simple_tag
def choice_inputs(question, answer, locked, compact=False) -> str:
    """The list items of a question's choices (radio buttons, or checkboxes for a multiple
    choice), then « Je ne sais pas » where the question offers it; compact, the inputs and
    labels alone.

    Same markup as a template loop over the choices, without its per-choice cost: a section
    page shows some thirty of them, and an autosave re-renders the follow-up questions."""
    chosen_ids = answer.choice_ids if answer else ()
    disabled = " disabled" if locked else ""
    parts = []
    for choice_id, head, tail in _choice_markup(question, compact):
        parts.append(head)
        if choice_id in chosen_ids:
            parts.append(" checked")
        parts.append(disabled)
        parts.append(tail)
    if question.allow_unknown:
        kind = "checkbox" if question.is_multiple else "radio"
        checked = " checked" if answer and answer.unknown else ""
        label = escape(gettext("Je ne sais pas"))
        if compact:
            parts.append(
                f'<input type="{kind}" id="q{question.id}-unknown" name="q{question.id}"'
                f' value="unknown" class="unknown"{checked}{disabled}>\n'
                f'              <label for="q{question.id}-unknown" class="unknown">{label}</label>\n'
            )
            return mark_safe("".join(parts))
        parts.append(
            f'<li class="unknown">\n              <input type="{kind}" id="q{question.id}-unknown"'
            f' name="q{question.id}" value="unknown"{checked}{disabled}>\n'
            f'              <label for="q{question.id}-unknown">{label}'
            "</label>\n            </li>\n"
        )
    return mark_safe("".join(parts))
