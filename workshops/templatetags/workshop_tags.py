from django import template

register = template.Library()


@register.filter
def mmss(seconds) -> str:
    """A timer's remaining seconds as minutes:seconds (4:05)."""
    seconds = max(0, int(seconds or 0))
    return f"{seconds // 60}:{seconds % 60:02d}"
