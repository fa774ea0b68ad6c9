"""WCAG 2.1 contrast between colours, for the instance's brand colours.

The brand colour is the background of the header and of buttons, under white text, and the
colour of links on white: both need 4.5:1 (WCAG 2.1 AA, 1.4.3 Contrast (Minimum)).
"""

import re

AA_TEXT = 4.5
WHITE = "#ffffff"
BLACK = "#000000"

_HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def normalise(value: str) -> str | None:
    """'#0B5A48', '0b5a48' or '#0b5' as '#0b5a48'; None when it is no hexadecimal colour."""
    match = _HEX.fullmatch(value.strip())
    if match is None:
        return None
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return f"#{digits}"


def _rgb(colour: str) -> tuple[int, int, int]:
    digits = colour.lstrip("#")
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{max(0, min(255, c)):02x}" for c in rgb)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    r, g, b = (_channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """From 1 (same luminance) to 21 (black on white), whichever order."""
    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def darken(colour: str, amount: float) -> str:
    """The colour mixed with black (amount 0: unchanged, 1: black)."""
    return _hex(tuple(round(c * (1 - amount)) for c in _rgb(colour)))


def darkest_readable(colour: str, *, against: str = WHITE, ratio: float = AA_TEXT) -> str:
    """The lightest shade of the colour (mixed with black) that reaches the ratio against the
    background: the suggestion made when a colour is refused. Black always reaches it on white."""
    if contrast_ratio(colour, against) >= ratio:
        return colour
    for step in range(1, 101):
        candidate = darken(colour, step / 100)
        if contrast_ratio(candidate, against) >= ratio:
            return candidate
    return BLACK
