"""WCAG contrast of the instance's colours (identity.contrast), against known values."""

import pytest

from identity import contrast


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#767676", "#ffffff", 4.54),  # the lightest grey that passes AA on white
        ("#777777", "#ffffff", 4.48),  # one step lighter: fails
        ("#0b5a48", "#ffffff", 8.17),  # the platform's brand colour
        ("#ff0000", "#ffffff", 4.0),
    ],
)
def test_contrast_ratio_matches_wcag_values(first, second, expected):
    assert contrast.contrast_ratio(first, second) == pytest.approx(expected, abs=0.01)
    assert contrast.contrast_ratio(second, first) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("#0B5A48", "#0b5a48"), ("0b5a48", "#0b5a48"), (" #0b5 ", "#00bb55"), ("#fff", "#ffffff")],
)
def test_colours_are_normalised(raw, expected):
    assert contrast.normalise(raw) == expected


@pytest.mark.parametrize("raw", ["", "vert", "#12345", "#gggggg", "rgb(0,0,0)", "#0b5a48;}"])
def test_what_is_no_colour_is_refused(raw):
    assert contrast.normalise(raw) is None


@pytest.mark.parametrize("colour", ["#ffbf47", "#ff0000", "#7fbfff", "#ffffff", "#0b5a48"])
def test_the_suggested_shade_is_readable_and_the_lightest_one(colour):
    suggestion = contrast.darkest_readable(colour)
    assert contrast.contrast_ratio(suggestion, "#ffffff") >= 4.5
    if suggestion == colour:
        return
    # One step lighter fails: the suggestion stays as close to the colour as it can.
    step = next(n for n in range(101) if contrast.darken(colour, n / 100) == suggestion)
    lighter = contrast.darken(colour, (step - 1) / 100)
    assert contrast.contrast_ratio(lighter, "#ffffff") < 4.5
